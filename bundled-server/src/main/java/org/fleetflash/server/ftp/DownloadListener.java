package org.fleetflash.server.ftp;

/**
 * Receives the download progress of one account ({@link HostedImage#grant(DownloadListener)}). Called on the
 * FTP transfer thread, at most once per {@link ImageServerConfig#progressInterval()} per download plus the
 * STARTED and final events: return quickly (hand the value to another thread), a slow listener slows the download.
 */
@FunctionalInterface
public interface DownloadListener {
    void onProgress(DownloadProgress progress);
}

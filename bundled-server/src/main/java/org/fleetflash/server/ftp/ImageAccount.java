package org.fleetflash.server.ftp;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Server-side state of one account onto a {@link HostedImage}: its publication, the listener that hears its
 * downloads (and only its own), the downloads so far, and whether it was revoked.
 */
final class ImageAccount {
    private final Publication publication;
    private final HostedImage image;
    private final DownloadListener listener;
    private final List<DownloadTracker> downloads = new CopyOnWriteArrayList<>();
    private volatile boolean revoked;

    ImageAccount(Publication publication, HostedImage image, DownloadListener listener) {
        this.publication = publication;
        this.image = image;
        this.listener = listener;
    }

    Publication publication() {
        return publication;
    }

    HostedImage image() {
        return image;
    }

    DownloadListener listener() {
        return listener;
    }

    /** The directory that holds the served copy: the account's home. */
    Path directory() {
        return image.directory();
    }

    /** The served copy, shared by every account on the image. */
    Path file() {
        return image.file();
    }

    /** Revoked on its own, or its image was closed: it no longer logs in and its transfers fail. */
    boolean withdrawn() {
        return revoked || image.isClosed();
    }

    void revoke() {
        revoked = true;
    }

    void add(DownloadTracker tracker) {
        downloads.add(tracker);
    }

    List<DownloadProgress> downloads() {
        return downloads.stream().map(DownloadTracker::snapshot).toList();
    }
}

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
    /** What the server could not do for this account's client (a passive data port), or null. */
    private volatile String serverProblem;

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

    /** Keeps the first thing the server could not do for this account's client. */
    void serverProblem(String problem) {
        if (serverProblem == null) {
            serverProblem = problem;
        }
    }

    /** The first thing the server could not do for this account's client, or null. */
    String serverProblem() {
        return serverProblem;
    }

    void add(DownloadTracker tracker) {
        downloads.add(tracker);
    }

    List<DownloadProgress> downloads() {
        return downloads.stream().map(DownloadTracker::snapshot).toList();
    }
}

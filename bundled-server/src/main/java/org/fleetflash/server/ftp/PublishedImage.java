package org.fleetflash.server.ftp;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Server-side state of one publication: the served copy, its downloads, and whether it was withdrawn. */
final class PublishedImage {
    private final Publication publication;
    private final Path directory;
    private final Path file;
    private final List<DownloadTracker> downloads = new CopyOnWriteArrayList<>();
    private volatile boolean withdrawn;

    PublishedImage(Publication publication, Path directory, Path file) {
        this.publication = publication;
        this.directory = directory;
        this.file = file;
    }

    Publication publication() {
        return publication;
    }

    Path directory() {
        return directory;
    }

    Path file() {
        return file;
    }

    boolean withdrawn() {
        return withdrawn;
    }

    void withdraw() {
        withdrawn = true;
    }

    void add(DownloadTracker tracker) {
        downloads.add(tracker);
    }

    List<DownloadProgress> downloads() {
        return downloads.stream().map(DownloadTracker::snapshot).toList();
    }
}

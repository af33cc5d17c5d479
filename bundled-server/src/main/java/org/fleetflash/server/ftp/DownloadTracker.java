package org.fleetflash.server.ftp;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Byte counter of one download; written by the transfer thread, read by anyone. */
final class DownloadTracker {
    private final long id;
    private final String user;
    private final InetSocketAddress remoteAddress;
    private final long offset;
    private final long total;
    private final long intervalNanos;
    private final Consumer<DownloadProgress> sink;
    private final long startNanos;
    private volatile long position;
    private volatile long lastNanos;
    private volatile DownloadProgress.State state = DownloadProgress.State.STARTED;

    DownloadTracker(long id, String user, InetSocketAddress remoteAddress, long offset, long total,
            long intervalNanos, Consumer<DownloadProgress> sink) {
        this.id = id;
        this.user = user;
        this.remoteAddress = remoteAddress;
        this.offset = offset;
        this.total = total;
        this.intervalNanos = intervalNanos;
        this.sink = sink;
        this.position = offset;
        this.startNanos = System.nanoTime();
        this.lastNanos = startNanos;
        sink.accept(snapshot());
    }

    /** Called after each chunk read from the image. */
    void advance(long newPosition) {
        position = newPosition;
        if (state.isFinal()) {
            return;
        }
        state = DownloadProgress.State.RUNNING;
        long now = System.nanoTime();
        if (now - lastNanos >= intervalNanos) {
            lastNanos = now;
            sink.accept(snapshot());
        }
    }

    /** Called once when the stream is closed: complete if every byte was read. */
    void finish() {
        if (state.isFinal()) {
            return;
        }
        state = position >= total ? DownloadProgress.State.COMPLETE : DownloadProgress.State.ABORTED;
        sink.accept(snapshot());
    }

    DownloadProgress snapshot() {
        long pos = position;
        long elapsedNanos = System.nanoTime() - startNanos;
        long transferred = pos - offset;
        long rate = elapsedNanos <= 0 ? 0
                : (long) (transferred * (double) TimeUnit.SECONDS.toNanos(1) / elapsedNanos);
        return new DownloadProgress(id, user, remoteAddress, offset, pos, total, rate, state);
    }
}

package org.fleetflash.core.upgrade;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.fleetflash.server.telemetry.TelemetryEvent;

/**
 * What an attempt needs from the laptop: the image served to its router over FTP, and the router's telemetry
 * heard after the reroot (implemented by {@link UpgradeServices}; a unit test passes its own).
 */
interface LaptopSide {

    /** Watches one router's download. */
    @FunctionalInterface
    interface DownloadWatcher {
        void progress(long bytes, long total, long bytesPerSecond);
    }

    /** An account for one router onto the served image; closing it withdraws the account. */
    interface Served extends AutoCloseable {
        String url();

        String password();

        /** The SHA-256 of the copy being served (taken once per batch). */
        String sha256();

        /** Bytes this router downloaded so far. */
        long bytes();

        /**
         * What the laptop's image server could not do for this router's download (a passive data port), in a sentence
         * that says what to do; empty when it saw nothing wrong.
         */
        default java.util.Optional<String> serverProblem() {
            return java.util.Optional.empty();
        }

        @Override
        void close();
    }

    /** A registration for one router's telemetry; closing it stops listening. */
    interface Listening extends AutoCloseable {
        int port();

        String token();

        @Override
        void close();
    }

    /** Serves {@code image} to one router at the laptop address {@code laptop}; downloads go to {@code watcher}. */
    Served serve(Path image, InetAddress laptop, DownloadWatcher watcher) throws UpgradeFailure;

    /** Listens on {@code laptop} for the telemetry of the router {@code router}. */
    Listening listen(InetAddress laptop, String router, Consumer<TelemetryEvent> events) throws UpgradeFailure;

    /** The backups taken so far, shared by every attempt of these services; by default none is known. */
    default BackupIndex backups() {
        return BackupIndex.none();
    }
}

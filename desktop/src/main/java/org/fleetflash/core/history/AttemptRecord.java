package org.fleetflash.core.history;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One attempt as the history keeps it: one row of {@code history list}. Texts that came from the router are
 * stored escaped and bounded but must still be sanitised again for wherever they are shown.
 */
public record AttemptRecord(String attemptId, String batchId, int tryNumber, String router, Optional<String> model,
        Optional<String> imageFile, Optional<String> imageSha256, Optional<String> oldVersion, Optional<String> newVersion,
        Instant startedAt, Optional<Instant> endedAt, Optional<Duration> duration, Optional<String> phase, Optional<String> outcome,
        Optional<String> failureCode, Optional<String> failureMessage, long bytesDownloaded, long blocksWritten,
        long blocksUnchanged, boolean imageForced, Optional<Instant> interruptedAt, Optional<Instant> resumedAt) {

    /**
     * The outcome; for an attempt with no end recorded {@code INTERRUPTED} when its FleetFlash is known to have died
     * (see {@code fleetflash resume}), else {@code RUNNING}.
     */
    public String outcomeOrRunning() {
        return outcomeOrRunning(outcome, interruptedAt.isPresent());
    }

    /** {@link #outcomeOrRunning()} of an attempt with {@code outcome} recorded, {@code interrupted} or not. */
    static String outcomeOrRunning(Optional<String> outcome, boolean interrupted) {
        return outcome.orElse(interrupted ? "INTERRUPTED" : "RUNNING");
    }
}

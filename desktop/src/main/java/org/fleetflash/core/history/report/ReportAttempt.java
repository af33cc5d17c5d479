package org.fleetflash.core.history.report;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.fleetflash.core.device.SshTarget;

/**
 * One upgrade attempt with everything the history knows of it: every column of its {@code attempts} row, its
 * router, its image, how long each phase took, the flash backups taken before writing, and its failure.
 *
 * @param outcome       {@code SUCCEEDED}, {@code FAILED_SAFE}, {@code NEEDS_ATTENTION}, {@code RUNNING} when no end is
 *                      recorded, or any outcome a newer FleetFlash records (kept as it is)
 * @param layout        the partitions the image spans, comma-separated
 * @param imageSize     bytes
 */
public record ReportAttempt(String attemptId, String batchId, int tryNumber, String host, int port, Optional<String> model,
        Optional<String> hostname, Optional<String> architecture, Optional<String> mac, Optional<String> serial,
        Optional<String> imageFile, Optional<String> imageSha256, Optional<Long> imageSize, Optional<String> imageFormat,
        Optional<String> imageVersion, Optional<String> imagePath, Optional<String> layout, Optional<String> oldVersion,
        Optional<String> newVersion, Instant startedAt, Optional<Instant> endedAt, Optional<Duration> duration, Optional<String> phase,
        String outcome, Optional<String> failureCode, Optional<String> failureMessage, long bytesDownloaded, long blocksWritten,
        long blocksUnchanged, long blocksFailed, boolean imageForced, Optional<String> hostKeyFingerprint, Optional<String> backupDir,
        List<PhaseTime> phases, List<Backup> backups, Optional<Instant> resumedAt) {

    public ReportAttempt {
        phases = List.copyOf(phases);
        backups = List.copyOf(backups);
    }

    /** The router's address as the history shows it: {@code host:port}, an IPv6 host in brackets. */
    public String router() {
        return new SshTarget(host, port).hostPort();
    }

    /** Whether the attempt did not succeed (and ended). */
    public boolean failed() {
        return !"SUCCEEDED".equals(outcome) && !Report.RUNNING.equals(outcome);
    }

    /**
     * A phase the attempt entered.
     *
     * @param duration until it left it; empty while it is the attempt's last one without an end
     */
    public record PhaseTime(String phase, Instant enteredAt, Optional<Instant> leftAt, Optional<Duration> duration) {
    }

    /** A copy of a flash partition taken before writing, kept on this computer. */
    public record Backup(String partition, String file, long size, String sha256) {
    }
}

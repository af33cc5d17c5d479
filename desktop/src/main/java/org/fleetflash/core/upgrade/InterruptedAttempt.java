package org.fleetflash.core.upgrade;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An attempt whose FleetFlash ended before it did (killed, crashed, power cut), as the history recorded it up to
 * that moment: what {@link ResumeCheck} needs to judge the router from its flash.
 *
 * @param attemptId   the attempt
 * @param batchId     its batch
 * @param router      the router (address, port, and the host-key fingerprint the attempt saw)
 * @param startedAt   when the attempt started
 * @param reached     the last phase recorded; from {@link Phase#COMMIT} on the reroot may have been sent
 * @param image       the image file on this laptop
 * @param imageSha256 the image's SHA-256 when the attempt started (a file changed since is not trusted)
 * @param layout      the partitions the image was to span
 * @param backups     the partitions' backups taken by the attempt (empty when it stopped before them)
 * @param backupDir   where those backups are
 */
public record InterruptedAttempt(String attemptId, String batchId, RouterId router, Instant startedAt, Optional<Phase> reached,
        Optional<Path> image, Optional<String> imageSha256, List<String> layout, List<RecordedBackup> backups,
        Optional<Path> backupDir) {

    /** One partition's backup as recorded: its name, size and SHA-256. */
    public record RecordedBackup(String partition, long size, String sha256) {
        public RecordedBackup {
            Objects.requireNonNull(partition, "partition");
            Objects.requireNonNull(sha256, "sha256");
        }
    }

    public InterruptedAttempt {
        Objects.requireNonNull(attemptId, "attemptId");
        Objects.requireNonNull(router, "router");
        layout = List.copyOf(layout);
        backups = List.copyOf(backups);
    }

    /** Whether the reroot may have been sent: the attempt was recorded as committing (or later) before it ended. */
    public boolean mayHaveRerooted() {
        return reached.map(Phase::pastPointOfNoReturn).orElse(false);
    }

    /**
     * {@code attempts} grouped by router ({@code host:port}), each group in the order given: a check logs in, cleans
     * up and reads the flash, so two checks of one router must run one after the other, never side by side.
     */
    public static java.util.Collection<List<InterruptedAttempt>> perRouter(List<InterruptedAttempt> attempts) {
        java.util.Map<String, List<InterruptedAttempt>> by = new java.util.LinkedHashMap<>();
        attempts.forEach(a -> by.computeIfAbsent(a.router().hostPort(), k -> new java.util.ArrayList<>()).add(a));
        return by.values();
    }

    /** The phase to name in messages. */
    String reachedName() {
        return reached.map(Phase::name).orElse("its start");
    }
}

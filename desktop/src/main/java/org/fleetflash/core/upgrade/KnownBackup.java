package org.fleetflash.core.upgrade;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A partition backup file that an earlier run of FleetFlash took (the history keeps them), offered to the upgrades of
 * this run so that a router with the same bytes links it instead of sending them again (decision 0022). It is checked
 * against its digest before it is first used.
 *
 * @param size   the partition's bytes
 * @param sha256 the SHA-256 recorded when it was taken, lowercase hex
 * @param file   the file
 */
public record KnownBackup(long size, String sha256, Path file) {
    public KnownBackup {
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(file, "file");
    }
}

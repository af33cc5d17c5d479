package org.fleetflash.core.history.report;

import java.time.Instant;
import java.util.Optional;

/**
 * One recorded key of a router that an upgrade pinned or that was unpinned (by an upgrade, or forgotten): the
 * trail an auditor follows to see why a router's SSH key changed.
 *
 * @param router     {@code host:port}
 * @param pinnedBy   {@code FIRST_USE}, {@code IMPORT} or {@code UPGRADE}
 * @param attemptId  the upgrade that pinned it, when one did
 * @param unpinnedBy {@code UPGRADE} or {@code FORGOTTEN}, when it is no longer in force
 */
public record HostKeyChange(String router, String keyType, String fingerprint, Instant pinnedAt, String pinnedBy, Optional<String> attemptId,
        Optional<Instant> unpinnedAt, Optional<String> unpinnedBy) {

    /** When the change happened: the unpinning, or else the pinning. */
    public Instant at() {
        return unpinnedAt.orElse(pinnedAt);
    }
}

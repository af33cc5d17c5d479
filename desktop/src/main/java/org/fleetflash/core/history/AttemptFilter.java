package org.fleetflash.core.history;

import java.time.Instant;
import java.util.Optional;

/**
 * Which attempts a listing shows; every part is optional and they all must hold.
 *
 * @param since   started at or after
 * @param until   started before
 * @param outcome {@code SUCCEEDED}, {@code FAILED_SAFE}, {@code NEEDS_ATTENTION}, {@code INTERRUPTED} for
 *                attempts whose FleetFlash died before they ended, or {@code RUNNING} for attempts still under way
 * @param router  the router's address: {@code host} (any port) or {@code host:port}
 * @param batch   the batch's id
 */
public record AttemptFilter(Optional<Instant> since, Optional<Instant> until, Optional<String> outcome, Optional<String> router,
        Optional<String> batch) {

    /** Every attempt. */
    public static AttemptFilter all() {
        return new AttemptFilter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }
}

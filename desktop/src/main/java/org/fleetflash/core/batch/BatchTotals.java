package org.fleetflash.core.batch;

import java.time.Duration;
import java.util.Optional;

/**
 * Where a batch stands.
 *
 * @param routers       routers in the batch
 * @param succeeded     ended SUCCEEDED (up-to-date ones included)
 * @param upToDate      of those, already up to date (skipped)
 * @param failedSafe    ended FAILED_SAFE (not started and cancelled included)
 * @param needsAttention ended NEEDS_ATTENTION
 * @param running       being worked on now
 * @param waiting       not started yet
 * @param bytesServed   image bytes the routers downloaded
 * @param blocksWritten erase blocks written, over every router
 * @param blocksSame    erase blocks found already right
 * @param elapsed       since the batch started
 * @param eta           the estimated time left, once one router finished
 */
public record BatchTotals(int routers, int succeeded, int upToDate, int failedSafe, int needsAttention, int running,
        int waiting, long bytesServed, long blocksWritten, long blocksSame, Duration elapsed, Optional<Duration> eta) {

    /** Routers that ended. */
    public int finished() {
        return succeeded + failedSafe + needsAttention;
    }
}

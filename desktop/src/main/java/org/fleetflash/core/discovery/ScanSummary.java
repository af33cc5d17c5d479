package org.fleetflash.core.discovery;

import java.time.Duration;

/**
 * How a scan ended: addresses and connection attempts made, open ports found, ports that did not answer
 * in time, other connect errors, elapsed time, and whether it was cancelled or hit its overall deadline.
 */
public record ScanSummary(long addressesTried, long connects, long open, long timedOut, long errors,
        Duration elapsed, boolean cancelled, boolean deadlineReached, int concurrency) {

    public boolean complete() {
        return !cancelled && !deadlineReached;
    }
}

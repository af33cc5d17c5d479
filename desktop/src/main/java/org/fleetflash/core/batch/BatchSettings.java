package org.fleetflash.core.batch;

import java.time.Duration;

/**
 * How a batch runs.
 *
 * @param concurrency     routers worked on at once (default 8)
 * @param canary          the first N routers must all succeed before any other starts (0: no canary wave)
 * @param maxFailures     after this many routers failed, no new router starts (0: no budget); running ones finish
 * @param stageAllFirst   every router is staged in RAM before any reroots; if one cannot be staged, none reroots
 * @param retries         how often a router that failed safely for a passing reason (unreachable, timeout, cut
 *                        download ...) is tried again, at the end of the queue
 * @param stagingDeadline the longest an attempt may take to be staged; past it, it is stopped and undone (a hung
 *                        router fails alone)
 * @param retryDelay      how long a router waits before it is tried again, times its try number (a router that was
 *                        rebooting or a cable being replugged gets the time to come back; the others go on meanwhile)
 */
public record BatchSettings(int concurrency, int canary, int maxFailures, boolean stageAllFirst, int retries,
        Duration stagingDeadline, Duration retryDelay) {

    public static final int DEFAULT_CONCURRENCY = 8;
    public static final int MAX_CONCURRENCY = 256;
    public static final Duration DEFAULT_STAGING_DEADLINE = Duration.ofMinutes(30);
    public static final Duration DEFAULT_RETRY_DELAY = Duration.ofSeconds(15);

    public BatchSettings {
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new IllegalArgumentException("The concurrency must be 1 to " + MAX_CONCURRENCY + ", not " + concurrency);
        }
        if (canary < 0) {
            throw new IllegalArgumentException("The canary wave cannot be negative: " + canary);
        }
        if (maxFailures < 0) {
            throw new IllegalArgumentException("The failure budget cannot be negative: " + maxFailures);
        }
        if (retries < 0 || retries > 10) {
            throw new IllegalArgumentException("Retries must be 0 to 10, not " + retries);
        }
        if (stagingDeadline.isNegative() || stagingDeadline.isZero()) {
            throw new IllegalArgumentException("The staging deadline must be positive, not " + stagingDeadline);
        }
        if (retryDelay.isNegative()) {
            throw new IllegalArgumentException("The delay before a retry cannot be negative: " + retryDelay);
        }
    }

    /** The defaults: 8 at once, no canary, no failure budget, no stage-all-first, no retry (15 s apart), 30 min to stage. */
    public static BatchSettings defaults() {
        return new BatchSettings(DEFAULT_CONCURRENCY, 0, 0, false, 0, DEFAULT_STAGING_DEADLINE, DEFAULT_RETRY_DELAY);
    }

    public BatchSettings withConcurrency(int n) {
        return new BatchSettings(n, canary, maxFailures, stageAllFirst, retries, stagingDeadline, retryDelay);
    }

    public BatchSettings withCanary(int n) {
        return new BatchSettings(concurrency, n, maxFailures, stageAllFirst, retries, stagingDeadline, retryDelay);
    }

    public BatchSettings withMaxFailures(int n) {
        return new BatchSettings(concurrency, canary, n, stageAllFirst, retries, stagingDeadline, retryDelay);
    }

    public BatchSettings withStageAllFirst(boolean on) {
        return new BatchSettings(concurrency, canary, maxFailures, on, retries, stagingDeadline, retryDelay);
    }

    public BatchSettings withRetries(int n) {
        return new BatchSettings(concurrency, canary, maxFailures, stageAllFirst, n, stagingDeadline, retryDelay);
    }

    public BatchSettings withStagingDeadline(Duration d) {
        return new BatchSettings(concurrency, canary, maxFailures, stageAllFirst, retries, d, retryDelay);
    }

    public BatchSettings withRetryDelay(Duration d) {
        return new BatchSettings(concurrency, canary, maxFailures, stageAllFirst, retries, stagingDeadline, d);
    }
}

package org.fleetflash.core.discovery;

import java.time.Duration;
import java.util.Objects;

/**
 * How hard a scan pushes: connection attempts in flight, the deadline of each connect, how long an open port
 * gets to send its identification line, and the deadline of the whole scan.
 */
public record ScanOptions(int concurrency, Duration connectTimeout, Duration bannerTimeout, Duration maxDuration) {

    private static final Duration MIN_TIMEOUT = Duration.ofMillis(10);
    private static final Duration MAX_TIMEOUT = Duration.ofSeconds(60);

    public static final int DEFAULT_CONCURRENCY = 1024;
    public static final int MAX_CONCURRENCY = 8192;
    public static final ScanOptions DEFAULTS = new ScanOptions(DEFAULT_CONCURRENCY, Duration.ofMillis(1000),
            Duration.ofMillis(2000), Duration.ofMinutes(30));

    public ScanOptions {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(bannerTimeout, "bannerTimeout");
        Objects.requireNonNull(maxDuration, "maxDuration");
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new IllegalArgumentException("Concurrency " + concurrency + " is out of range: give 1-" + MAX_CONCURRENCY);
        }
        checkTimeout("connect timeout", connectTimeout);
        checkTimeout("banner timeout", bannerTimeout);
        if (maxDuration.compareTo(Duration.ofSeconds(1)) < 0 || maxDuration.compareTo(Duration.ofHours(24)) > 0) {
            throw new IllegalArgumentException("Maximum scan duration " + maxDuration + " is out of range: give 1 s to 24 h");
        }
    }

    private static void checkTimeout(String what, Duration d) {
        if (d.compareTo(MIN_TIMEOUT) < 0 || d.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("The " + what + " of " + d.toMillis() + " ms is out of range: give 10-60000 ms");
        }
    }

    public ScanOptions withConcurrency(int c) {
        return new ScanOptions(c, connectTimeout, bannerTimeout, maxDuration);
    }

    public ScanOptions withConnectTimeout(Duration d) {
        return new ScanOptions(concurrency, d, bannerTimeout, maxDuration);
    }

    public ScanOptions withBannerTimeout(Duration d) {
        return new ScanOptions(concurrency, connectTimeout, d, maxDuration);
    }

    public ScanOptions withMaxDuration(Duration d) {
        return new ScanOptions(concurrency, connectTimeout, bannerTimeout, d);
    }
}

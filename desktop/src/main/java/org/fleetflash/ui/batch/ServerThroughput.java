package org.fleetflash.ui.batch;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.fleetflash.core.upgrade.Phase;
import org.fleetflash.core.upgrade.UpgradeEvent;

/**
 * The image server's aggregate throughput: the newest download rate of every router that is in DOWNLOAD, summed.
 * The window forwards each router's events ({@code Transfer} of the DOWNLOAD phase sets its rate, leaving the phase
 * or finishing drops it) and asks {@link #total(Instant)} when it pushes a sample to {@link ThroughputChart}. A rate
 * older than {@link #STALE} no longer counts: a router that went quiet is not downloading at its last speed. No
 * JavaFX; thread-safe.
 */
public final class ServerThroughput {

    /** After this long without a transfer report, a router's rate is dropped. */
    public static final Duration STALE = Duration.ofSeconds(3);

    private record Rate(long bytesPerSecond, Instant at) {
    }

    private final Map<String, Rate> rates = new HashMap<>();

    /** Takes one router's event; any kind may be passed, only the ones that change a rate count. */
    public synchronized void accept(UpgradeEvent event) {
        if (event instanceof UpgradeEvent.Transfer t && t.phase() == Phase.DOWNLOAD) {
            rates.put(t.router(), new Rate(Math.max(0, t.bytesPerSecond()), t.at()));
        } else if (event instanceof UpgradeEvent.PhaseChanged p && p.to() != Phase.DOWNLOAD) {
            rates.remove(p.router());
        } else if (event instanceof UpgradeEvent.Finished f) {
            rates.remove(f.router());
        }
    }

    /** The sum of the fresh rates at {@code now}, in bytes per second. */
    public synchronized long total(Instant now) {
        long sum = 0;
        for (Rate r : rates.values()) {
            if (!r.at().plus(STALE).isBefore(now)) {
                sum += r.bytesPerSecond();
            }
        }
        return sum;
    }

    /** Routers downloading now (a fresh rate, even 0). */
    public synchronized int downloading(Instant now) {
        return (int) rates.values().stream().filter(r -> !r.at().plus(STALE).isBefore(now)).count();
    }
}

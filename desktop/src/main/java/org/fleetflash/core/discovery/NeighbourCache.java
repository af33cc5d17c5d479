package org.fleetflash.core.discovery;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks addresses up in the neighbour table while a scan runs: the table is read again only when an address is
 * missing and the last read is older than the given interval, so a stream of hits costs a few reads at most.
 */
public final class NeighbourCache {

    /** Reads a neighbour table. */
    @FunctionalInterface
    public interface Source {
        List<Neighbour> read() throws IOException;
    }

    /** Created on first use only: logging is set up beside a running scan, not before it (see {@link ScanJob}). */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(NeighbourCache.class);
    }

    private final Source source;
    private final long minIntervalNanos;
    private Map<Ipv4Address, Neighbour> entries = Map.of();
    private long lastRead;
    private boolean everRead;

    public NeighbourCache(Source source, Duration minInterval) {
        this.source = source;
        this.minIntervalNanos = minInterval.toNanos();
    }

    /** The local table with a 2 s deadline per read. */
    public static NeighbourCache local(Duration minInterval) {
        return new NeighbourCache(() -> NeighbourTable.readLocal(Duration.ofSeconds(2)), minInterval);
    }

    /** The resolved entry for this address, if the table has one. */
    public synchronized Optional<Neighbour> find(Ipv4Address address) {
        Neighbour n = entries.get(address);
        if (n == null && (!everRead || System.nanoTime() - lastRead >= minIntervalNanos)) {
            refresh();
            n = entries.get(address);
        }
        return Optional.ofNullable(n);
    }

    /** Every entry of the last read (reading once if never read). */
    public synchronized List<Neighbour> all() {
        if (!everRead) {
            refresh();
        }
        return List.copyOf(entries.values());
    }

    private void refresh() {
        everRead = true;
        lastRead = System.nanoTime();
        try {
            Map<Ipv4Address, Neighbour> m = new HashMap<>();
            for (Neighbour n : source.read()) {
                if (n.resolved()) {
                    n.ipv4().ifPresent(a -> m.putIfAbsent(a, n));
                }
            }
            entries = m;
        } catch (IOException e) {
            Log.LOG.warn("Cannot read the neighbour table: {}", e.getMessage());
        }
    }
}

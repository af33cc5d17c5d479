package org.fleetflash.core.discovery;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one scan will touch: the merged, checked address ranges and the ports. Building a plan is where the
 * safety rules live: no multicast, broadcast or unspecified targets, nothing larger than a /16 without
 * {@code force}, and hard caps that even {@code force} cannot lift.
 */
public final class ScanPlan {

    /** Addresses allowed without force: one /16. */
    public static final long UNFORCED_MAX_ADDRESSES = 1L << 16;
    /** Addresses allowed at all, even with force: one /8. */
    public static final long FORCED_MAX_ADDRESSES = 1L << 24;
    public static final int MAX_PORTS = 64;
    public static final int MAX_TARGETS = 256;

    private final List<AddressRange> requested;
    private final long[] starts;
    private final long[] ends;
    private final Set<Long> skipped;
    private final int[] ports;
    private final long addressCount;

    private ScanPlan(List<AddressRange> requested, long[] starts, long[] ends, Set<Long> skipped, int[] ports, long addressCount) {
        this.requested = requested;
        this.starts = starts;
        this.ends = ends;
        this.skipped = skipped;
        this.ports = ports;
        this.addressCount = addressCount;
    }

    /** Parses and checks the targets as typed by the user (see {@link AddressRange#parse}). */
    public static ScanPlan of(Collection<String> targets, Collection<Integer> ports, boolean force) throws ScanRefusedException {
        List<AddressRange> ranges = new ArrayList<>();
        if (targets.size() > MAX_TARGETS) {
            throw new ScanRefusedException("Too many targets (" + targets.size() + "): give at most " + MAX_TARGETS
                    + "; join neighbouring addresses into ranges or blocks");
        }
        for (String t : targets) {
            try {
                ranges.add(AddressRange.parse(t));
            } catch (IllegalArgumentException e) {
                throw new ScanRefusedException(e.getMessage());
            }
        }
        return ofRanges(ranges, ports, force);
    }

    /** Checks already parsed ranges; the same rules as {@link #of}. */
    public static ScanPlan ofRanges(List<AddressRange> ranges, Collection<Integer> ports, boolean force) throws ScanRefusedException {
        if (ranges.isEmpty()) {
            throw new ScanRefusedException("Nothing to scan: give at least one address, range or block");
        }
        if (ports.isEmpty()) {
            throw new ScanRefusedException("No port given: name at least one, e.g. 22");
        }
        Set<Integer> portSet = new LinkedHashSet<>();
        for (int p : ports) {
            if (p < 1 || p > 65535) {
                throw new ScanRefusedException("Port " + p + " is out of range: ports are 1-65535");
            }
            portSet.add(p);
        }
        if (portSet.size() > MAX_PORTS) {
            throw new ScanRefusedException("Too many ports (" + portSet.size() + "): FleetFlash looks for routers, give at most " + MAX_PORTS);
        }
        for (AddressRange r : ranges) {
            refuseSpecial(r);
        }
        List<AddressRange> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparing(AddressRange::first));
        List<long[]> merged = new ArrayList<>();
        for (AddressRange r : sorted) {
            long s = r.first().unsigned();
            long e = r.last().unsigned();
            if (!merged.isEmpty() && s <= merged.get(merged.size() - 1)[1] + 1) {
                long[] last = merged.get(merged.size() - 1);
                last[1] = Math.max(last[1], e);
            } else {
                merged.add(new long[] {s, e});
            }
        }
        // The network and broadcast address of a block are not hosts; skip them unless named on their own.
        Set<Long> skip = new HashSet<>();
        for (AddressRange r : ranges) {
            if (r.hasNetworkAndBroadcast()) {
                skip.add(r.first().unsigned());
                skip.add(r.last().unsigned());
            }
        }
        for (AddressRange r : ranges) {
            if (!r.hasNetworkAndBroadcast()) {
                skip.removeIf(a -> r.contains(Ipv4Address.ofUnsigned(a)));
            }
        }
        long count = 0;
        for (long[] m : merged) {
            count += m[1] - m[0] + 1;
        }
        count -= skip.size();
        if (count > FORCED_MAX_ADDRESSES) {
            throw new ScanRefusedException("The targets hold " + count + " addresses; FleetFlash scans at most "
                    + FORCED_MAX_ADDRESSES + " (a /8) in one go, even with --force. Scan the subnets the routers are in.");
        }
        if (count > UNFORCED_MAX_ADDRESSES && !force) {
            throw new ScanRefusedException("The targets hold " + count + " addresses, more than a /16 (" + UNFORCED_MAX_ADDRESSES
                    + "). Check the ranges; if you really mean it, add --force.");
        }
        long[] starts = merged.stream().mapToLong(m -> m[0]).toArray();
        long[] ends = merged.stream().mapToLong(m -> m[1]).toArray();
        return new ScanPlan(List.copyOf(ranges), starts, ends, Set.copyOf(skip), portSet.stream().mapToInt(Integer::intValue).toArray(), count);
    }

    private static void refuseSpecial(AddressRange r) throws ScanRefusedException {
        long s = r.first().unsigned();
        long e = r.last().unsigned();
        if (s <= 0x00FF_FFFFL) {
            throw new ScanRefusedException("'" + r.source() + "' reaches into 0.0.0.0/8 (\"this network\", unspecified): not a target");
        }
        if (e >= 0xE000_0000L && s <= 0xEFFF_FFFFL) {
            throw new ScanRefusedException("'" + r.source() + "' reaches into 224.0.0.0/4 (multicast): not a target");
        }
        if (e >= 0xF000_0000L) {
            throw new ScanRefusedException("'" + r.source() + "' reaches into 240.0.0.0/4 (reserved, broadcast 255.255.255.255): not a target");
        }
    }

    /** The ranges as the user gave them (before merging). */
    public List<AddressRange> requested() {
        return requested;
    }

    /** Distinct addresses that will be tried. */
    public long addressCount() {
        return addressCount;
    }

    public List<Integer> ports() {
        return java.util.Arrays.stream(ports).boxed().toList();
    }

    /** Connection attempts: addresses times ports. */
    public long probeCount() {
        return addressCount * ports.length;
    }

    /** Network and broadcast addresses of the given blocks that are left out. */
    public Set<Ipv4Address> skippedAddresses() {
        Set<Ipv4Address> s = new TreeSet<>();
        skipped.forEach(a -> s.add(Ipv4Address.ofUnsigned(a)));
        return s;
    }

    /** True if the address is one the plan tries. */
    public boolean covers(Ipv4Address a) {
        long v = a.unsigned();
        if (skipped.contains(v)) {
            return false;
        }
        for (int i = 0; i < starts.length; i++) {
            if (v >= starts[i] && v <= ends[i]) {
                return true;
            }
        }
        return false;
    }

    /** Every address in ascending order, each once. */
    public Iterator<Ipv4Address> addresses() {
        return new Iterator<>() {
            int range = 0;
            long next = starts[0];

            {
                advance();
            }

            private void advance() {
                while (range < starts.length) {
                    if (next > ends[range]) {
                        range++;
                        if (range < starts.length) {
                            next = starts[range];
                        }
                        continue;
                    }
                    if (skipped.contains(next)) {
                        next++;
                        continue;
                    }
                    return;
                }
            }

            @Override
            public boolean hasNext() {
                return range < starts.length;
            }

            @Override
            public Ipv4Address next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Ipv4Address a = Ipv4Address.ofUnsigned(next);
                next++;
                advance();
                return a;
            }
        };
    }

    /** A plain description for logs and the screen: "2 ranges, 510 addresses, port 22". */
    public String describe() {
        return requested.size() + " target(s), " + addressCount + " address(es), port(s) " + ports();
    }
}

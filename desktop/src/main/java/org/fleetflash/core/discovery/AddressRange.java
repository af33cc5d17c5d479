package org.fleetflash.core.discovery;

import java.util.Objects;

/**
 * A contiguous run of IPv4 addresses to scan, as the user wrote it ({@code 192.168.1.0/24},
 * {@code 192.168.1.10-20}, {@code 192.168.1.10-192.168.2.5} or one address).
 */
public record AddressRange(Ipv4Address first, Ipv4Address last, String source, int prefixLength) {

    /** Marks a range that was not written as CIDR. */
    public static final int NOT_CIDR = -1;

    public AddressRange {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(last, "last");
        Objects.requireNonNull(source, "source");
        if (first.compareTo(last) > 0) {
            throw new IllegalArgumentException("Range '" + source + "' ends before it starts: write the lower address first");
        }
    }

    /** Parses one target as the user typed it; names are refused (they would need a lookup). */
    public static AddressRange parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("Empty target: give an address, a range like 192.168.1.10-20 or a block like 192.168.1.0/24");
        }
        String t = text.trim();
        int slash = t.indexOf('/');
        if (slash >= 0) {
            Ipv4Address base = Ipv4Address.tryParse(t.substring(0, slash));
            int prefix = parsePrefix(t.substring(slash + 1), t);
            if (base == null) {
                throw notAnAddress(t);
            }
            int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
            int network = base.bits() & mask;
            if (network != base.bits()) {
                throw new IllegalArgumentException("'" + t + "' has host bits set: the block starts at "
                        + new Ipv4Address(network) + "/" + prefix + "; write that");
            }
            return new AddressRange(new Ipv4Address(network), new Ipv4Address(network | ~mask), t, prefix);
        }
        int dash = t.indexOf('-');
        if (dash >= 0) {
            Ipv4Address from = Ipv4Address.tryParse(t.substring(0, dash));
            String end = t.substring(dash + 1).trim();
            if (from == null) {
                throw notAnAddress(t);
            }
            Ipv4Address to = Ipv4Address.tryParse(end);
            if (to == null) {
                if (!end.matches("\\d{1,3}") || Integer.parseInt(end) > 255) {
                    throw new IllegalArgumentException("'" + t + "' is not a range: write a.b.c.d-e (e = 0-255) or a.b.c.d-a.b.c.d");
                }
                to = new Ipv4Address((from.bits() & 0xFFFF_FF00) | Integer.parseInt(end));
            }
            if (from.compareTo(to) > 0) {
                throw new IllegalArgumentException("Range '" + t + "' ends before it starts: write the lower address first");
            }
            return new AddressRange(from, to, t, NOT_CIDR);
        }
        Ipv4Address single = Ipv4Address.tryParse(t);
        if (single == null) {
            throw notAnAddress(t);
        }
        return new AddressRange(single, single, t, NOT_CIDR);
    }

    private static int parsePrefix(String p, String whole) {
        if (!p.matches("\\d{1,2}") || Integer.parseInt(p) > 32) {
            throw new IllegalArgumentException("'" + whole + "': the prefix length after / must be 0-32");
        }
        return Integer.parseInt(p);
    }

    private static IllegalArgumentException notAnAddress(String t) {
        return new IllegalArgumentException("'" + t + "' is not an IPv4 address, range or block. Names are not resolved "
                + "(that would send queries): give numbers, e.g. 192.168.1.1, 192.168.1.10-20 or 192.168.1.0/24");
    }

    public long size() {
        return last.unsigned() - first.unsigned() + 1;
    }

    public boolean contains(Ipv4Address a) {
        return first.compareTo(a) <= 0 && a.compareTo(last) <= 0;
    }

    /** True for CIDR blocks of /30 or wider, whose first and last address are not hosts (network, broadcast). */
    public boolean hasNetworkAndBroadcast() {
        return prefixLength != NOT_CIDR && prefixLength <= 30;
    }
}

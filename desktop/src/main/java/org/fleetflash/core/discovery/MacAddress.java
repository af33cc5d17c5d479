package org.fleetflash.core.discovery;

import java.util.Optional;

/** A 48-bit link-layer (Ethernet) address, as neighbour tables print it. */
public record MacAddress(long bits) {

    public MacAddress {
        if (bits < 0 || bits > 0xFFFF_FFFF_FFFFL) {
            throw new IllegalArgumentException("Not a 48-bit MAC address: " + Long.toHexString(bits));
        }
    }

    /**
     * Parses the spellings the operating systems print: {@code 00:50:bf:25:68:f3} (Linux),
     * {@code 0:18:1:8f:23:ed} (macOS and FreeBSD drop leading zeros), {@code 00-e0-98-00-7c-dc} (Windows),
     * {@code 0050.bf25.68f3} (Cisco style).
     */
    public static Optional<MacAddress> tryParse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.trim();
        String[] parts;
        if (t.matches("[0-9A-Fa-f]{4}\\.[0-9A-Fa-f]{4}\\.[0-9A-Fa-f]{4}")) {
            return Optional.of(new MacAddress(Long.parseLong(t.replace(".", ""), 16)));
        } else if (t.indexOf(':') >= 0) {
            parts = t.split(":", -1);
        } else if (t.indexOf('-') >= 0) {
            parts = t.split("-", -1);
        } else {
            return Optional.empty();
        }
        if (parts.length != 6) {
            return Optional.empty();
        }
        long v = 0;
        for (String p : parts) {
            if (!p.matches("[0-9A-Fa-f]{1,2}")) {
                return Optional.empty();
            }
            v = (v << 8) | Integer.parseInt(p, 16);
        }
        return Optional.of(new MacAddress(v));
    }

    public static MacAddress parse(String text) {
        return tryParse(text).orElseThrow(() -> new IllegalArgumentException("Not a MAC address: '" + text + "'"));
    }

    /** The first three bytes, the IEEE MA-L assignment. */
    public int oui24() {
        return (int) (bits >>> 24);
    }

    /** Set when the address was made up locally (virtual machines, randomised Wi-Fi addresses): no vendor applies. */
    public boolean isLocallyAdministered() {
        return ((bits >>> 40) & 0x02) != 0;
    }

    public boolean isMulticast() {
        return ((bits >>> 40) & 0x01) != 0;
    }

    /** 00:00:00:00:00:00, what Linux shows for an unresolved entry. */
    public boolean isZero() {
        return bits == 0;
    }

    /** Upper-case hex digits without separators, 12 of them. */
    public String hex() {
        return String.format("%012X", bits);
    }

    @Override
    public String toString() {
        String h = String.format("%012x", bits);
        StringBuilder sb = new StringBuilder(17);
        for (int i = 0; i < 12; i += 2) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(h, i, i + 2);
        }
        return sb.toString();
    }
}

package org.fleetflash.core.discovery;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IPv4 address as an unsigned 32-bit value; parsed from dotted-quad literals only, so nothing is ever looked up. */
public record Ipv4Address(int bits) implements Comparable<Ipv4Address> {

    /** Parses {@code a.b.c.d} (decimal, no leading sign); throws {@link IllegalArgumentException} on anything else. */
    public static Ipv4Address parse(String text) {
        Ipv4Address a = tryParse(text);
        if (a == null) {
            throw new IllegalArgumentException("Not an IPv4 address: '" + text + "' (write four numbers 0-255 like 192.168.1.1)");
        }
        return a;
    }

    /** Like {@link #parse} but returns null instead of throwing. */
    public static Ipv4Address tryParse(String text) {
        if (text == null) {
            return null;
        }
        String[] parts = text.trim().split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        int value = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3) {
                return null;
            }
            int octet = 0;
            for (int i = 0; i < p.length(); i++) {
                char c = p.charAt(i);
                if (c < '0' || c > '9') {
                    return null;
                }
                octet = octet * 10 + (c - '0');
            }
            if (octet > 255) {
                return null;
            }
            value = (value << 8) | octet;
        }
        return new Ipv4Address(value);
    }

    public static Ipv4Address ofUnsigned(long value) {
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("Out of the IPv4 range: " + value);
        }
        return new Ipv4Address((int) value);
    }

    /** The value as an unsigned number, 0 .. 2^32-1. */
    public long unsigned() {
        return Integer.toUnsignedLong(bits);
    }

    public int octet(int index) {
        return (bits >>> (24 - 8 * index)) & 0xFF;
    }

    public byte[] bytes() {
        return new byte[] {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits};
    }

    /** The JDK address built from the bytes: no name service is asked. */
    public Inet4Address toInetAddress() {
        try {
            return (Inet4Address) InetAddress.getByAddress(bytes());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always a valid address", e);
        }
    }

    public boolean isLoopback() {
        return octet(0) == 127;
    }

    /** 224.0.0.0/4. */
    public boolean isMulticast() {
        return (bits >>> 28) == 0xE;
    }

    /** 0.0.0.0/8: "this network", never a host to connect to. */
    public boolean isUnspecified() {
        return octet(0) == 0;
    }

    /** 240.0.0.0/4 including the limited broadcast 255.255.255.255. */
    public boolean isReservedOrBroadcast() {
        return (bits >>> 28) == 0xF;
    }

    @Override
    public int compareTo(Ipv4Address o) {
        return Integer.compareUnsigned(bits, o.bits);
    }

    @Override
    public String toString() {
        return octet(0) + "." + octet(1) + "." + octet(2) + "." + octet(3);
    }
}

package org.fleetflash.core.device;

import java.util.Locale;
import java.util.regex.Pattern;
import org.fleetflash.core.text.Sanitize;

/**
 * The SSH address of one router: a host name or IP literal and a TCP port.
 * Parsed from what a technician types ({@code 192.168.1.1}, {@code router:2222}, {@code [::1]:22}).
 */
public record SshTarget(String host, int port) {

    /** The port a router's sshd listens on unless told otherwise. */
    public static final int DEFAULT_PORT = 22;

    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern NUMERIC = Pattern.compile("[0-9.]+");
    private static final Pattern IPV4 = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");
    private static final Pattern HEX_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");
    private static final Pattern ZONE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final int MAX_NAME = 253;
    private static final String WHAT_IS_VALID = "write an IPv4 address (192.168.1.1), a host name made of letters, digits and '-' "
            + "in dot-separated parts of 1 to 63 characters (router-7.lan), or an IPv6 address in brackets ([fe80::1]:22)";

    /**
     * Validates the parts; {@code host} is the bare host (no brackets around an IPv6 literal). A host that is only
     * digits and dots must be an IPv4 dotted quad; any other host must be an RFC 1123 host name or an IPv6 literal.
     * Nothing is resolved here.
     */
    public SshTarget {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("The router address is empty: give HOST or HOST:PORT, e.g. 192.168.1.1:22");
        }
        checkHost(host);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("Port " + port + " of " + host + " is out of range: use 1 to 65535 (SSH is usually 22)");
        }
        host = host.toLowerCase(Locale.ROOT);
    }

    private static void checkHost(String host) {
        String shown = Sanitize.line(host, 80);
        if (host.indexOf(':') >= 0) {
            if (!isIpv6(host)) {
                throw new IllegalArgumentException("'" + shown + "' is not a host name or IP address: " + WHAT_IS_VALID + ".");
            }
            return;
        }
        if (NUMERIC.matcher(host).matches()) {
            if (!isIpv4(host)) {
                throw new IllegalArgumentException("'" + shown + "' is not an IPv4 address: write four numbers from 0 to 255 "
                        + "separated by dots, without leading zeros (e.g. 192.168.1.1).");
            }
            return;
        }
        if (host.length() > MAX_NAME) {
            throw new IllegalArgumentException("'" + shown + "' is not a host name or IP address: a host name has at most "
                    + MAX_NAME + " characters; " + WHAT_IS_VALID + ".");
        }
        for (String label : host.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                throw new IllegalArgumentException("'" + shown + "' is not a host name or IP address: " + WHAT_IS_VALID + ".");
            }
        }
    }

    private static boolean isIpv4(String s) {
        if (!IPV4.matcher(s).matches()) {
            return false;
        }
        for (String part : s.split("\\.")) {
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    /** An RFC 4291 text address: up to 8 hex groups, one "::" at most, an IPv4 tail allowed, an optional %zone. */
    private static boolean isIpv6(String s) {
        String addr = s;
        int percent = s.indexOf('%');
        if (percent >= 0) {
            if (!ZONE.matcher(s.substring(percent + 1)).matches()) {
                return false;
            }
            addr = s.substring(0, percent);
        }
        int gap = addr.indexOf("::");
        if (gap >= 0 && addr.indexOf("::", gap + 1) >= 0) {
            return false;
        }
        String[] sides = gap >= 0 ? new String[] {addr.substring(0, gap), addr.substring(gap + 2)} : new String[] {addr};
        int groups = 0;
        for (int side = 0; side < sides.length; side++) {
            if (sides[side].isEmpty()) {
                continue;
            }
            String[] parts = sides[side].split(":", -1);
            for (int i = 0; i < parts.length; i++) {
                boolean lastOfAll = side == sides.length - 1 && i == parts.length - 1;
                if (lastOfAll && parts[i].indexOf('.') >= 0) {
                    if (!isIpv4(parts[i])) {
                        return false;
                    }
                    groups += 2;
                } else if (HEX_GROUP.matcher(parts[i]).matches()) {
                    groups++;
                } else {
                    return false;
                }
            }
        }
        return gap >= 0 ? groups <= 7 : groups == 8;
    }

    /** A target on the default port 22. */
    public static SshTarget of(String host) {
        return new SshTarget(host, DEFAULT_PORT);
    }

    /**
     * Parses {@code HOST}, {@code HOST:PORT}, {@code [IPV6]}, {@code [IPV6]:PORT} or a bare IPv6 literal
     * (which then gets port 22).
     *
     * @throws IllegalArgumentException with a sentence that says what a valid address looks like
     */
    public static SshTarget parse(String text) {
        if (text == null || text.isBlank()) {
            return new SshTarget("", DEFAULT_PORT); // throws the "empty" message
        }
        String s = text.strip();
        if (s.contains("://")) {
            throw new IllegalArgumentException("'" + Sanitize.line(text, 80) + "' is a URL: give only HOST or HOST:PORT, e.g. 192.168.1.1:22");
        }
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + Sanitize.line(text, 80) + "' opens '[' but never closes it: write an IPv6 address as [::1] or [::1]:22");
            }
            String host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (rest.isEmpty()) {
                return new SshTarget(host, DEFAULT_PORT);
            }
            if (!rest.startsWith(":")) {
                throw new IllegalArgumentException("'" + Sanitize.line(text, 80) + "' has text after ']' that is not ':PORT': write it as [::1]:22");
            }
            return new SshTarget(host, parsePort(rest.substring(1), text));
        }
        int first = s.indexOf(':');
        if (first < 0) {
            return new SshTarget(s, DEFAULT_PORT);
        }
        if (s.indexOf(':', first + 1) >= 0) {
            if (!isIpv6(s)) {
                throw new IllegalArgumentException("'" + Sanitize.line(text, 80) + "' is not a host name or "
                        + "IP address: " + WHAT_IS_VALID + ". A port is written once, after the host: HOST:PORT.");
            }
            return new SshTarget(s, DEFAULT_PORT); // bare IPv6 literal: no port possible without brackets
        }
        return new SshTarget(s.substring(0, first), parsePort(s.substring(first + 1), text));
    }

    private static int parsePort(String port, String whole) {
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("The port in '" + Sanitize.line(whole, 80) + "' is not a number from 1 to 65535: write HOST:PORT, e.g. 192.168.1.1:22");
        }
        return Integer.parseInt(port);
    }

    /**
     * Whether a router named as {@code given} ({@code HOST} or {@code HOST:PORT}, see {@link #parse}) is this one:
     * the same host, and the same port when {@code given} names one.
     */
    public static boolean matches(String given, String host, int port) {
        SshTarget t = parse(given);
        return t.host().equals(host) && (!namesPort(given) || t.port() == port);
    }

    /** Whether {@code given} (as {@link #parse} reads it) names a port, rather than leaving it to the default. */
    public static boolean namesPort(String given) {
        String g = given.strip();
        return g.startsWith("[") ? g.contains("]:") : g.indexOf(':') >= 0 && g.indexOf(':') == g.lastIndexOf(':');
    }

    /** {@code host:port}, with brackets around an IPv6 literal: the form {@link #parse} reads back. */
    public String hostPort() {
        return hostPort(host, port);
    }

    /** {@code host:port} of a host already checked (as {@link #hostPort()} writes it), without checking it again. */
    public static String hostPort(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return hostPort();
    }
}

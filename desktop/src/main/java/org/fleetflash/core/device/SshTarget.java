package org.fleetflash.core.device;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The SSH address of one router: a host name or IP literal and a TCP port.
 * Parsed from what a technician types ({@code 192.168.1.1}, {@code router:2222}, {@code [::1]:22}).
 */
public record SshTarget(String host, int port) {

    /** The port a router's sshd listens on unless told otherwise. */
    public static final int DEFAULT_PORT = 22;

    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+(%[A-Za-z0-9._-]+)?");

    /** Validates the parts; {@code host} is the bare host (no brackets around an IPv6 literal). */
    public SshTarget {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("The router address is empty: give HOST or HOST:PORT, e.g. 192.168.1.1:22");
        }
        boolean v6 = host.indexOf(':') >= 0;
        if (v6 ? !IPV6.matcher(host).matches() : !HOST_NAME.matcher(host).matches()) {
            throw new IllegalArgumentException("'" + host + "' is not a host name or IP address: use letters, digits, "
                    + "'.', '-' (e.g. 192.168.1.1 or router-7.lan), or an IPv6 literal in brackets ([fe80::1]:22)");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("Port " + port + " of " + host + " is out of range: use 1 to 65535 (SSH is usually 22)");
        }
        host = host.toLowerCase(Locale.ROOT);
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
            throw new IllegalArgumentException("'" + text + "' is a URL: give only HOST or HOST:PORT, e.g. 192.168.1.1:22");
        }
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + text + "' opens '[' but never closes it: write an IPv6 address as [::1] or [::1]:22");
            }
            String host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (rest.isEmpty()) {
                return new SshTarget(host, DEFAULT_PORT);
            }
            if (!rest.startsWith(":")) {
                throw new IllegalArgumentException("'" + text + "' has text after ']' that is not ':PORT': write it as [::1]:22");
            }
            return new SshTarget(host, parsePort(rest.substring(1), text));
        }
        int first = s.indexOf(':');
        if (first < 0) {
            return new SshTarget(s, DEFAULT_PORT);
        }
        if (s.indexOf(':', first + 1) >= 0) {
            return new SshTarget(s, DEFAULT_PORT); // bare IPv6 literal: no port possible without brackets
        }
        return new SshTarget(s.substring(0, first), parsePort(s.substring(first + 1), text));
    }

    private static int parsePort(String port, String whole) {
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("The port in '" + whole + "' is not a number from 1 to 65535: write HOST:PORT, e.g. 192.168.1.1:22");
        }
        return Integer.parseInt(port);
    }

    /** {@code host:port}, with brackets around an IPv6 literal: the form {@link #parse} reads back. */
    public String hostPort() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return hostPort();
    }
}

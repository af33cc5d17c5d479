package org.fleetflash.server.ftp;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The TCP ports the image server opens for passive data connections, one per router downloading at once.
 * A laptop firewall must let routers reach them, so the technician sets the range ({@link #parse(String)});
 * {@link #ANY} leaves the choice to the operating system (fine where no firewall is in the way).
 *
 * @param first first port of the range, 0 (with {@code last} 0) for any free port
 * @param last  last port of the range, inclusive
 */
public record PassivePorts(int first, int last) {

    /** Any free port, chosen per transfer by the operating system. */
    public static final PassivePorts ANY = new PassivePorts(0, 0);

    private static final Pattern RANGE = Pattern.compile("(\\d{1,9})(?:\\s*-\\s*(\\d{1,9}))?");
    private static final String EXAMPLE = "give FIRST-LAST, for example 50000-50100, or 'any'";

    public PassivePorts {
        if (first != 0 || last != 0) {
            checkPort("first", first);
            checkPort("last", last);
            if (first > last) {
                throw new IllegalArgumentException("Passive port range " + first + "-" + last
                        + " ends before it starts: give the lower port first, e.g. " + last + "-" + first);
            }
        }
    }

    /**
     * Reads a range as a technician types it: {@code 50000-50100}, a single port {@code 50000}, or {@code any}.
     *
     * @throws IllegalArgumentException with a sentence that says what is wrong and what to give instead
     */
    public static PassivePorts parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("No passive port range given: " + EXAMPLE);
        }
        String trimmed = text.strip();
        if (trimmed.equalsIgnoreCase("any")) {
            return ANY;
        }
        Matcher m = RANGE.matcher(trimmed);
        if (!m.matches()) {
            throw new IllegalArgumentException("Passive port range '" + printable(trimmed) + "' is not a range of port numbers: "
                    + EXAMPLE);
        }
        int first = Integer.parseInt(m.group(1));
        int last = m.group(2) == null ? first : Integer.parseInt(m.group(2));
        if (first == 0 || last == 0) {
            throw new IllegalArgumentException("Passive port range '" + trimmed + "' contains port 0, which is no port: "
                    + "ports are 1-65535; " + EXAMPLE);
        }
        return new PassivePorts(first, last);
    }

    /** Whether the operating system picks the port. */
    public boolean isAny() {
        return first == 0;
    }

    /** How many ports the range has, so how many transfers can run at once; {@link Integer#MAX_VALUE} for {@link #ANY}. */
    public int count() {
        return isAny() ? Integer.MAX_VALUE : last - first + 1;
    }

    /** The range as {@link #parse(String)} reads it: {@code first-last}, or {@code any}. */
    @Override
    public String toString() {
        return isAny() ? "any" : first + "-" + last;
    }

    /** FtpServer's notation: {@code "0"} for any port, else {@code "first-last"}. */
    String ftpServerSpec() {
        return isAny() ? "0" : first + "-" + last;
    }

    private static void checkPort(String which, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("Passive port " + port + " (" + which + " of the range) is not a port: "
                    + "ports are 1-65535; " + EXAMPLE);
        }
    }

    private static String printable(String text) {
        String bounded = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return bounded.replaceAll("[^\\x20-\\x7e]", "?");
    }
}

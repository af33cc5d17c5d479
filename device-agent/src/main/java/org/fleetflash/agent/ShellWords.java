package org.fleetflash.agent;

import java.util.Objects;

/**
 * The one place that puts values into a router's shell: the engine, the simulator and the tests all quote through
 * it, so a value that came from a router (a partition name, a host name) is always one word of data, never code.
 */
public final class ShellWords {

    private ShellWords() {
    }

    /**
     * Quotes {@code value} as one word for a POSIX shell: single quotes, each embedded {@code '} written as
     * {@code '\''}.
     *
     * @throws IllegalArgumentException for a NUL character, which no shell word can hold
     */
    public static String quote(String value) {
        Objects.requireNonNull(value, "value");
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("A value for the router's shell cannot contain a NUL character: remove it");
        }
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /**
     * A remote command that runs {@code script} with the router's {@code sh}, whatever the user's login shell is
     * (root's is csh on older FreeBSD; decision 0003).
     */
    public static String sh(String script) {
        return "sh -c " + quote(script);
    }
}

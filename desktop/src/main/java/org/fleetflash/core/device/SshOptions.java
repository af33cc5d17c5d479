package org.fleetflash.core.device;

import java.time.Duration;
import java.util.Objects;

/**
 * Deadlines and host-key policy for one SSH connection to a router.
 *
 * @param connectTimeout   TCP connect plus SSH greeting and key exchange (host key check included)
 * @param authTimeout      user authentication after the key exchange
 * @param commandDeadline  default deadline of a remote command when the caller gives none
 * @param acceptNewHostKey pin the host key of a router seen for the first time (never a changed one)
 */
public record SshOptions(Duration connectTimeout, Duration authTimeout, Duration commandDeadline, boolean acceptNewHostKey) {

    /** 10 s to connect, 15 s to log in, 60 s per command, unknown host keys refused. */
    public static final SshOptions DEFAULTS = new SshOptions(Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(60), false);

    /** Rejects missing, zero or negative durations. */
    public SshOptions {
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(authTimeout, "authTimeout");
        requirePositive(commandDeadline, "commandDeadline");
    }

    public SshOptions withConnectTimeout(Duration d) {
        return new SshOptions(d, authTimeout, commandDeadline, acceptNewHostKey);
    }

    public SshOptions withAuthTimeout(Duration d) {
        return new SshOptions(connectTimeout, d, commandDeadline, acceptNewHostKey);
    }

    public SshOptions withCommandDeadline(Duration d) {
        return new SshOptions(connectTimeout, authTimeout, d, acceptNewHostKey);
    }

    public SshOptions withAcceptNewHostKey(boolean accept) {
        return new SshOptions(connectTimeout, authTimeout, commandDeadline, accept);
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }
}

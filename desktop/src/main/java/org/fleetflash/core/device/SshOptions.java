package org.fleetflash.core.device;

import java.time.Duration;
import java.util.Objects;

/**
 * Deadlines, host-key policy and algorithm policy for SSH connections to routers.
 *
 * @param connectTimeout   TCP connect plus SSH greeting and key exchange (host key check included)
 * @param authTimeout      user authentication after the key exchange
 * @param commandDeadline  default deadline of a remote command when the caller gives none
 * @param acceptNewHostKey pin the host key of a router seen for the first time (never a changed one)
 * @param legacyAlgorithms the routers that may be spoken to with legacy algorithms ({@link SshAlgorithms#LEGACY})
 */
public record SshOptions(Duration connectTimeout, Duration authTimeout, Duration commandDeadline, boolean acceptNewHostKey,
        LegacyAlgorithms legacyAlgorithms) {

    /** 10 s to connect, 15 s to log in, 60 s per command, unknown host keys refused, legacy algorithms refused. */
    public static final SshOptions DEFAULTS = new SshOptions(Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(60), false,
            LegacyAlgorithms.NONE);

    /** Rejects missing, zero or negative durations. */
    public SshOptions {
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(authTimeout, "authTimeout");
        requirePositive(commandDeadline, "commandDeadline");
        Objects.requireNonNull(legacyAlgorithms, "legacyAlgorithms");
    }

    /** Options that refuse legacy algorithms. */
    public SshOptions(Duration connectTimeout, Duration authTimeout, Duration commandDeadline, boolean acceptNewHostKey) {
        this(connectTimeout, authTimeout, commandDeadline, acceptNewHostKey, LegacyAlgorithms.NONE);
    }

    public SshOptions withConnectTimeout(Duration d) {
        return new SshOptions(d, authTimeout, commandDeadline, acceptNewHostKey, legacyAlgorithms);
    }

    public SshOptions withAuthTimeout(Duration d) {
        return new SshOptions(connectTimeout, d, commandDeadline, acceptNewHostKey, legacyAlgorithms);
    }

    public SshOptions withCommandDeadline(Duration d) {
        return new SshOptions(connectTimeout, authTimeout, d, acceptNewHostKey, legacyAlgorithms);
    }

    public SshOptions withAcceptNewHostKey(boolean accept) {
        return new SshOptions(connectTimeout, authTimeout, commandDeadline, accept, legacyAlgorithms);
    }

    public SshOptions withLegacyAlgorithms(LegacyAlgorithms legacy) {
        return new SshOptions(connectTimeout, authTimeout, commandDeadline, acceptNewHostKey, legacy);
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }
}

package org.fleetflash.server.ftp;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the {@link ImageServer} listens: interface, control port, passive data ports and limits.
 *
 * @param bindAddress      the interface the technician chose; control and passive data connections bind here
 * @param port             control port, {@code 0} for any free port ({@link ImageServer#port()} tells the real one)
 * @param passivePortFirst first passive data port, {@code 0} (with {@code passivePortLast} 0) for any free port
 * @param passivePortLast  last passive data port (inclusive)
 * @param maxLogins        concurrent logins the server accepts (a batch of routers downloads at once)
 * @param idleTimeout      idle time after which a control or data connection is closed
 * @param progressInterval minimum time between two RUNNING progress events of one download ({@link Duration#ZERO}: every chunk)
 * @param workDirectory    where per-publication directories are created; empty: a fresh temporary directory
 */
public record ImageServerConfig(
        InetAddress bindAddress,
        int port,
        int passivePortFirst,
        int passivePortLast,
        int maxLogins,
        Duration idleTimeout,
        Duration progressInterval,
        Optional<Path> workDirectory) {

    /** Default number of concurrent logins: a large batch, far above FtpServer's own default of 10. */
    public static final int DEFAULT_MAX_LOGINS = 200;
    /** Default idle timeout of control and data connections. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(120);
    /** Default minimum time between two RUNNING progress events of one download. */
    public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofMillis(250);

    public ImageServerConfig {
        Objects.requireNonNull(bindAddress, "bindAddress: choose the interface the routers can reach");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(progressInterval, "progressInterval");
        Objects.requireNonNull(workDirectory, "workDirectory");
        if (bindAddress.isAnyLocalAddress() || bindAddress.isMulticastAddress()) {
            throw new IllegalArgumentException("Bind address " + bindAddress.getHostAddress()
                    + " is not one interface: choose the address of the interface the routers can reach");
        }
        checkPort("port", port);
        checkPort("passivePortFirst", passivePortFirst);
        checkPort("passivePortLast", passivePortLast);
        if ((passivePortFirst == 0) != (passivePortLast == 0) || passivePortFirst > passivePortLast) {
            throw new IllegalArgumentException("Passive port range " + passivePortFirst + "-" + passivePortLast
                    + " is invalid: give first <= last (both non-zero), or 0-0 for any free port");
        }
        if (maxLogins < 1) {
            throw new IllegalArgumentException("maxLogins must be at least 1 (one per router of the batch), was "
                    + maxLogins);
        }
        if (idleTimeout.isNegative() || idleTimeout.toSeconds() < 1 || idleTimeout.toSeconds() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("idleTimeout must be at least one second, was " + idleTimeout);
        }
        if (progressInterval.isNegative()) {
            throw new IllegalArgumentException("progressInterval must not be negative, was " + progressInterval);
        }
    }

    /** A configuration with the defaults: any free control and passive port, 200 logins, 120 s idle timeout. */
    public static ImageServerConfig on(InetAddress bindAddress) {
        return new ImageServerConfig(bindAddress, 0, 0, 0, DEFAULT_MAX_LOGINS, DEFAULT_IDLE_TIMEOUT,
                DEFAULT_PROGRESS_INTERVAL, Optional.empty());
    }

    /** These settings on another laptop address (the one a router reaches). */
    public ImageServerConfig withBindAddress(InetAddress address) {
        return new ImageServerConfig(address, port, passivePortFirst, passivePortLast, maxLogins,
                idleTimeout, progressInterval, workDirectory);
    }

    public ImageServerConfig withPort(int newPort) {
        return new ImageServerConfig(bindAddress, newPort, passivePortFirst, passivePortLast, maxLogins,
                idleTimeout, progressInterval, workDirectory);
    }

    public ImageServerConfig withPassivePorts(int first, int last) {
        return new ImageServerConfig(bindAddress, port, first, last, maxLogins, idleTimeout, progressInterval,
                workDirectory);
    }

    public ImageServerConfig withMaxLogins(int newMaxLogins) {
        return new ImageServerConfig(bindAddress, port, passivePortFirst, passivePortLast, newMaxLogins,
                idleTimeout, progressInterval, workDirectory);
    }

    public ImageServerConfig withIdleTimeout(Duration newIdleTimeout) {
        return new ImageServerConfig(bindAddress, port, passivePortFirst, passivePortLast, maxLogins,
                newIdleTimeout, progressInterval, workDirectory);
    }

    public ImageServerConfig withProgressInterval(Duration newInterval) {
        return new ImageServerConfig(bindAddress, port, passivePortFirst, passivePortLast, maxLogins,
                idleTimeout, newInterval, workDirectory);
    }

    public ImageServerConfig withWorkDirectory(Path directory) {
        return new ImageServerConfig(bindAddress, port, passivePortFirst, passivePortLast, maxLogins,
                idleTimeout, progressInterval, Optional.of(directory));
    }

    /** The passive ports in FtpServer's notation: {@code "0"} (any) or {@code "first-last"}. */
    String passivePortsSpec() {
        return passivePortFirst == 0 ? "0" : passivePortFirst + "-" + passivePortLast;
    }

    private static void checkPort(String name, int value) {
        if (value < 0 || value > 65535) {
            throw new IllegalArgumentException(name + " must be 0..65535, was " + value);
        }
    }
}

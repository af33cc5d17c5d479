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
 * @param concurrency      how many routers of a batch download at once ({@link #withConcurrency(int)}); each holds one
 *                         passive port while it downloads, so a passive range must have at least this many ports
 * @param maxLogins        concurrent logins the server accepts, at least {@code concurrency}: by default
 *                         {@value #LOGINS_PER_ROUTER} per router, since a router whose download failed resumes once
 *                         while the server may still hold its first session (until the idle timeout)
 * @param idleTimeout      idle time after which a control or data connection is closed
 * @param progressInterval minimum time between two RUNNING progress events of one download ({@link Duration#ZERO}: every chunk)
 * @param workDirectory    where the copy of each {@link HostedImage hosted image} is kept; empty: a fresh temporary directory
 */
public record ImageServerConfig(
        InetAddress bindAddress,
        int port,
        int passivePortFirst,
        int passivePortLast,
        int concurrency,
        int maxLogins,
        Duration idleTimeout,
        Duration progressInterval,
        Optional<Path> workDirectory) {

    /** Default number of routers downloading at once: a large batch. */
    public static final int DEFAULT_CONCURRENCY = 200;
    /** Logins allowed per router downloading at once: its session, and the one of its single resume. */
    public static final int LOGINS_PER_ROUTER = 2;
    /** Default number of concurrent logins, far above FtpServer's own default of 10. */
    public static final int DEFAULT_MAX_LOGINS = DEFAULT_CONCURRENCY * LOGINS_PER_ROUTER;
    /** Most routers downloading at once that one server is sized for (a thread and a socket pair each). */
    public static final int MAX_CONCURRENCY = 5000;
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
        new PassivePorts(passivePortFirst, passivePortLast); // checks the range, says what to give instead
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new IllegalArgumentException("The number of routers downloading at once must be 1 to " + MAX_CONCURRENCY
                    + ", was " + concurrency);
        }
        if (maxLogins < concurrency) {
            throw new IllegalArgumentException("maxLogins (" + maxLogins + ") must be at least the number of routers"
                    + " downloading at once (" + concurrency + "): each needs a login");
        }
        if (idleTimeout.isNegative() || idleTimeout.toSeconds() < 1 || idleTimeout.toSeconds() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("idleTimeout must be at least one second, was " + idleTimeout);
        }
        if (progressInterval.isNegative()) {
            throw new IllegalArgumentException("progressInterval must not be negative, was " + progressInterval);
        }
    }

    /**
     * A configuration with the defaults: any free control and passive port, 200 routers downloading at once (400
     * logins), 120 s idle timeout.
     */
    public static ImageServerConfig on(InetAddress bindAddress) {
        return new ImageServerConfig(bindAddress, 0, 0, 0, DEFAULT_CONCURRENCY, DEFAULT_MAX_LOGINS, DEFAULT_IDLE_TIMEOUT,
                DEFAULT_PROGRESS_INTERVAL, Optional.empty());
    }

    public ImageServerConfig withPort(int newPort) {
        return new ImageServerConfig(bindAddress, newPort, passivePortFirst, passivePortLast, concurrency, maxLogins,
                idleTimeout, progressInterval, workDirectory);
    }

    public ImageServerConfig withPassivePorts(int first, int last) {
        return new ImageServerConfig(bindAddress, port, first, last, concurrency, maxLogins, idleTimeout, progressInterval,
                workDirectory);
    }

    /** The passive data ports, as the technician set them for the laptop's firewall ({@link PassivePorts#parse(String)}). */
    public ImageServerConfig withPassivePorts(PassivePorts ports) {
        return withPassivePorts(ports.first(), ports.last());
    }

    /** Sets the logins the server accepts; the concurrency is lowered to it if it was higher. */
    public ImageServerConfig withMaxLogins(int newMaxLogins) {
        return new ImageServerConfig(bindAddress, port, passivePortFirst, passivePortLast,
                Math.max(1, Math.min(concurrency, newMaxLogins)), newMaxLogins, idleTimeout, progressInterval, workDirectory);
    }

    /**
     * Sizes the server for a batch in which {@code routers} routers download at once: {@value #LOGINS_PER_ROUTER}
     * logins each. The passive range, if one is set, must then have at least {@code routers} ports
     * ({@link #checkPassivePortsCoverConcurrency()}).
     */
    public ImageServerConfig withConcurrency(int routers) {
        int logins = routers < 1 || routers > MAX_CONCURRENCY ? routers : routers * LOGINS_PER_ROUTER;
        return new ImageServerConfig(bindAddress, port, passivePortFirst, passivePortLast, routers, logins,
                idleTimeout, progressInterval, workDirectory);
    }

    /** The passive data ports. */
    public PassivePorts passivePorts() {
        return new PassivePorts(passivePortFirst, passivePortLast);
    }

    /**
     * Checks that every router that may download at once can have a passive port: FtpServer refuses {@code PASV}
     * ({@code 425}) once the range is used up. {@link ImageServer#start} calls it.
     *
     * @throws IllegalArgumentException saying how far to widen the range, or how far to lower the concurrency
     */
    public void checkPassivePortsCoverConcurrency() {
        PassivePorts ports = passivePorts();
        if (ports.count() >= concurrency) {
            return;
        }
        long widenedLast = (long) ports.first() + concurrency - 1;
        String widen = widenedLast <= 65535
                ? "widen it to " + ports.first() + "-" + widenedLast
                : "give a range of at least " + concurrency + " ports";
        throw new IllegalArgumentException("The passive port range " + ports + " has " + ports.count() + " port"
                + (ports.count() == 1 ? "" : "s") + ", fewer than the " + concurrency + " routers that may download at once: "
                + widen + " (and allow it in this computer's firewall), or lower the concurrency to " + ports.count() + ".");
    }

    public ImageServerConfig withIdleTimeout(Duration newIdleTimeout) {
        return new ImageServerConfig(bindAddress, port, passivePortFirst, passivePortLast, concurrency, maxLogins,
                newIdleTimeout, progressInterval, workDirectory);
    }

    public ImageServerConfig withProgressInterval(Duration newInterval) {
        return new ImageServerConfig(bindAddress, port, passivePortFirst, passivePortLast, concurrency, maxLogins,
                idleTimeout, newInterval, workDirectory);
    }

    public ImageServerConfig withWorkDirectory(Path directory) {
        return new ImageServerConfig(bindAddress, port, passivePortFirst, passivePortLast, concurrency, maxLogins,
                idleTimeout, progressInterval, Optional.of(directory));
    }

    /** The passive ports in FtpServer's notation: {@code "0"} (any) or {@code "first-last"}. */
    String passivePortsSpec() {
        return passivePorts().ftpServerSpec();
    }

    private static void checkPort(String name, int value) {
        if (value < 0 || value > 65535) {
            throw new IllegalArgumentException(name + " must be 0..65535, was " + value);
        }
    }
}

package org.fleetflash.core.upgrade;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Objects;
import org.fleetflash.server.ftp.ImageServerConfig;
import org.fleetflash.server.ftp.PassivePorts;

/**
 * How a batch's image server listens, as the technician set it: the FTP control port and the passive data ports,
 * which a firewall on the laptop must let the routers reach, and how many routers download at once.
 *
 * @param port         FTP control port, 0 for any free port
 * @param passivePorts passive data ports, at least {@code concurrency} of them unless {@link PassivePorts#ANY}
 * @param concurrency  routers that download at once
 */
public record ImageHosting(int port, PassivePorts passivePorts, int concurrency) {

    /** Any free ports, sized for a large batch. */
    public static final ImageHosting DEFAULT = new ImageHosting(0, PassivePorts.ANY, ImageServerConfig.DEFAULT_CONCURRENCY);

    /** @throws IllegalArgumentException with what to change: a port out of range, or a range smaller than the batch */
    public ImageHosting {
        Objects.requireNonNull(passivePorts, "passivePorts");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("FTP port " + port + " is not a port: give 1-65535, or 0 for any free port");
        }
        // checked now, before any router is touched, not when the first router needs the server
        config(port, passivePorts, concurrency, InetAddress.getLoopbackAddress(), Path.of("")).checkPassivePortsCoverConcurrency();
    }

    /** The image server's configuration on {@code address}, keeping its copies under {@code workDirectory}. */
    ImageServerConfig config(InetAddress address, Path workDirectory) {
        return config(port, passivePorts, concurrency, address, workDirectory);
    }

    private static ImageServerConfig config(int port, PassivePorts passivePorts, int concurrency, InetAddress address,
            Path workDirectory) {
        return ImageServerConfig.on(address).withPort(port).withConcurrency(concurrency).withPassivePorts(passivePorts)
                .withWorkDirectory(workDirectory);
    }
}

package org.fleetflash.core.upgrade;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.fleetflash.core.device.SshConnector;
import org.fleetflash.server.ftp.ImageServer;
import org.fleetflash.server.ftp.ImageServerConfig;
import org.fleetflash.server.ftp.ImageServerException;
import org.fleetflash.server.telemetry.TelemetryException;
import org.fleetflash.server.telemetry.TelemetryReceiver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the laptop runs for a batch of upgrades: the SSH connector, and per laptop address one image
 * server and one telemetry receiver, started when the first router needs them and stopped together.
 */
public final class UpgradeServices implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UpgradeServices.class);

    private final SshConnector connector;
    private final Path workDirectory;
    private final Map<InetAddress, ImageServer> imageServers = new HashMap<>();
    private final Map<InetAddress, TelemetryReceiver> receivers = new HashMap<>();

    /** @param workDirectory where the image server keeps its per-publication copies */
    public UpgradeServices(SshConnector connector, Path workDirectory) {
        this.connector = connector;
        this.workDirectory = workDirectory;
    }

    public SshConnector connector() {
        return connector;
    }

    /** The image server on {@code address}, started on first use (any free port). */
    public synchronized ImageServer imageServer(InetAddress address) throws ImageServerException {
        ImageServer server = imageServers.get(address);
        if (server == null) {
            server = ImageServer.start(ImageServerConfig.on(address).withWorkDirectory(workDirectory.resolve("ftp")));
            imageServers.put(address, server);
            LOG.info("Image server listening on {}:{}", address.getHostAddress(), server.port());
        }
        return server;
    }

    /** The telemetry receiver on {@code address}, started on first use (any free UDP port). */
    public synchronized TelemetryReceiver telemetry(InetAddress address) throws TelemetryException {
        TelemetryReceiver receiver = receivers.get(address);
        if (receiver == null) {
            receiver = TelemetryReceiver.start(address, 0);
            receivers.put(address, receiver);
            LOG.info("Telemetry receiver listening on {}:{}/udp", address.getHostAddress(), receiver.port());
        }
        return receiver;
    }

    @Override
    public synchronized void close() {
        imageServers.values().forEach(ImageServer::close);
        receivers.values().forEach(TelemetryReceiver::close);
        imageServers.clear();
        receivers.clear();
    }
}

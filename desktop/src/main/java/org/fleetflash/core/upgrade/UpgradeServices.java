package org.fleetflash.core.upgrade;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.fleetflash.core.device.SshConnector;
import org.fleetflash.server.ftp.HostedImage;
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
 * Each image is hosted once per batch and address ({@link #hostedImage}); every router gets its own
 * account onto that copy ({@link HostedImage#grant}).
 */
public final class UpgradeServices implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UpgradeServices.class);

    private final SshConnector connector;
    private final Path workDirectory;
    private final ImageHosting hosting;
    private final Map<InetAddress, ImageServer> imageServers = new HashMap<>();
    private final Map<HostedKey, HostedImage> hostedImages = new HashMap<>();
    private final Map<InetAddress, TelemetryReceiver> receivers = new HashMap<>();

    /** One image file served on one laptop address. */
    private record HostedKey(InetAddress address, Path image) {
    }

    /**
     * Services for a batch with the image server's defaults: any free ports, up to
     * {@value ImageServerConfig#DEFAULT_CONCURRENCY} routers downloading at once.
     *
     * @param workDirectory where the image server keeps the copy of each hosted image
     */
    public UpgradeServices(SshConnector connector, Path workDirectory) {
        this(connector, workDirectory, ImageHosting.DEFAULT);
    }

    /**
     * Services for a batch whose image servers listen as {@code hosting} says (the ports a laptop firewall lets
     * through, the routers downloading at once).
     */
    public UpgradeServices(SshConnector connector, Path workDirectory, ImageHosting hosting) {
        this.connector = connector;
        this.workDirectory = workDirectory;
        this.hosting = Objects.requireNonNull(hosting, "hosting");
    }

    public SshConnector connector() {
        return connector;
    }

    /** The image server on {@code address}, started on first use (on the ports {@link ImageHosting} gives). */
    public synchronized ImageServer imageServer(InetAddress address) throws ImageServerException {
        ImageServer server = imageServers.get(address);
        if (server == null) {
            server = ImageServer.start(serverConfig(address));
            imageServers.put(address, server);
            LOG.info("Image server listening on {}:{}", address.getHostAddress(), server.port());
        }
        return server;
    }

    /**
     * The image hosted on {@code address} for this batch: copied and hashed on the first call, the same
     * {@link HostedImage} for every later router (give each its account with {@link HostedImage#grant}, and take
     * it back with {@link HostedImage#revoke}). Closed with these services.
     */
    public synchronized HostedImage hostedImage(InetAddress address, Path image) throws ImageServerException {
        HostedKey key = new HostedKey(address, image.toAbsolutePath().normalize());
        HostedImage hosted = hostedImages.get(key);
        if (hosted == null || hosted.isClosed()) {
            hosted = imageServer(address).host(image);
            hostedImages.put(key, hosted);
        }
        return hosted;
    }

    private ImageServerConfig serverConfig(InetAddress address) {
        return hosting.config(address, workDirectory.resolve("ftp"));
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
        hostedImages.values().forEach(HostedImage::close);
        hostedImages.clear();
        imageServers.values().forEach(ImageServer::close);
        receivers.values().forEach(TelemetryReceiver::close);
        imageServers.clear();
        receivers.clear();
    }
}

package org.fleetflash.core.upgrade;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.fleetflash.core.device.SshConnector;
import org.fleetflash.server.ftp.HostedImage;
import org.fleetflash.server.ftp.ImageServer;
import org.fleetflash.server.ftp.ImageServerException;
import org.fleetflash.server.ftp.Publication;
import org.fleetflash.server.telemetry.TelemetryEvent;
import org.fleetflash.server.telemetry.TelemetryException;
import org.fleetflash.server.telemetry.TelemetryReceiver;
import org.fleetflash.server.telemetry.TelemetryToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the laptop runs for upgrades: the SSH connector, the event thread, the clock, and per laptop address one
 * image server and one telemetry receiver, started when the first router needs them and stopped together. Each
 * image is hosted once per address ({@link #hostedImage}: one copy, one digest) and every router gets its own
 * account onto it. Made once by the application's composition root and shared by every upgrade and batch.
 */
public final class UpgradeServices implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UpgradeServices.class);

    private final SshConnector connector;
    private final Path workDirectory;
    private final EventDelivery delivery;
    private final Clock clock;
    private final ImageHosting hosting;
    private final Map<InetAddress, ImageServer> imageServers = new HashMap<>();
    private final Map<HostedKey, HostedImage> hostedImages = new HashMap<>();
    private final Map<InetAddress, TelemetryReceiver> receivers = new HashMap<>();
    private final LaptopSide laptop = new Laptop();
    private final ImageStudy study = new ImageStudy();

    /** One image file served on one laptop address. */
    private record HostedKey(InetAddress address, Path image) {
    }

    /**
     * @param workDirectory where the image servers keep the copy of each hosted image
     * @param hosting       how the image servers listen (the ports a laptop firewall lets through, the routers
     *                      downloading at once)
     */
    public UpgradeServices(SshConnector connector, Path workDirectory, ImageHosting hosting, Clock clock) {
        this.connector = Objects.requireNonNull(connector, "connector");
        this.workDirectory = Objects.requireNonNull(workDirectory, "workDirectory");
        this.hosting = Objects.requireNonNull(hosting, "hosting");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.delivery = new EventDelivery();
    }

    /** With the image server's defaults and the system clock. */
    public UpgradeServices(SshConnector connector, Path workDirectory) {
        this(connector, workDirectory, ImageHosting.DEFAULT, Clock.systemUTC());
    }

    /** Whether the upgrades' messages are the window's ({@link #useWindowWording}). */
    private volatile boolean windowWording;

    /**
     * Words the upgrades' messages for the window, which never overrides a refusal: no {@code --force-image} nor
     * {@code --reflash} is suggested there, as the window has neither (the command line keeps them).
     */
    public void useWindowWording() {
        windowWording = true;
    }

    boolean windowWording() {
        return windowWording;
    }

    public SshConnector connector() {
        return connector;
    }

    /** The engine's event thread. */
    public EventDelivery delivery() {
        return delivery;
    }

    public Clock clock() {
        return clock;
    }

    LaptopSide laptop() {
        return laptop;
    }

    /** What was read from images, kept for the next router. */
    ImageStudy study() {
        return study;
    }

    /** The image server on {@code address}, started on first use. */
    public synchronized ImageServer imageServer(InetAddress address) throws ImageServerException {
        ImageServer server = imageServers.get(address);
        if (server == null) {
            server = ImageServer.start(hosting.config(address, workDirectory.resolve("ftp")));
            imageServers.put(address, server);
            LOG.info("Image server listening on {}:{}", address.getHostAddress(), server.port());
        }
        return server;
    }

    /**
     * The image hosted on {@code address}: copied and hashed on the first call, the same {@link HostedImage} for every
     * later router (each gets its own account with {@link HostedImage#grant}). Closed with these services.
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

    /**
     * Offers backup files that earlier runs took (the history's, newest last) to this run's backups: a router whose
     * partition has the same bytes links the file instead of sending them again (decision 0022).
     */
    public void rememberEarlierBackups(List<KnownBackup> earlier) {
        laptop.backups().addEarlier(earlier);
    }

    /** Image bytes the routers downloaded from every image server so far. */
    public synchronized long bytesServed() {
        return imageServers.values().stream().mapToLong(ImageServer::bytesServed).sum();
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
    public void close() {
        synchronized (this) {
            hostedImages.values().forEach(HostedImage::close);
            hostedImages.clear();
            imageServers.values().forEach(ImageServer::close);
            receivers.values().forEach(TelemetryReceiver::close);
            imageServers.clear();
            receivers.clear();
        }
        delivery.close();
    }

    /** The laptop side of every attempt. */
    private final class Laptop implements LaptopSide {
        private final BackupIndex backups = BackupIndex.create();

        @Override
        public BackupIndex backups() {
            return backups;
        }

        @Override
        public Served serve(Path image, InetAddress address, DownloadWatcher watcher) throws UpgradeFailure {
            try {
                HostedImage hosted = hostedImage(address, image);
                AtomicLong bytes = new AtomicLong();
                Publication publication = hosted.grant(p -> {
                    bytes.set(p.bytes());
                    watcher.progress(p.bytes(), p.total(), p.bytesPerSecond());
                });
                return new Served() {
                    @Override
                    public String url() {
                        return publication.url().toString();
                    }

                    @Override
                    public String password() {
                        return publication.password();
                    }

                    @Override
                    public String sha256() {
                        return hosted.sha256();
                    }

                    @Override
                    public long bytes() {
                        return bytes.get();
                    }

                    @Override
                    public java.util.Optional<String> serverProblem() {
                        return hosted.serverProblem(publication);
                    }

                    @Override
                    public void close() {
                        hosted.revoke(publication);
                    }
                };
            } catch (ImageServerException e) {
                // publishing copies the image into the server's work directory: what failed there says what to do
                String why = String.valueOf(e.getMessage()).strip();
                throw UpgradeFailure.safe(FailureCode.LAPTOP_SERVICE_FAILED, "The laptop's image server could not serve "
                        + image.getFileName() + ": " + why + (why.endsWith(".") ? "" : "."));
            }
        }

        @Override
        public Listening listen(InetAddress address, String router, Consumer<TelemetryEvent> events) throws UpgradeFailure {
            try {
                TelemetryReceiver receiver = telemetry(address);
                TelemetryToken token = receiver.register(router, events::accept);
                return new Listening() {
                    @Override
                    public int port() {
                        return receiver.port();
                    }

                    @Override
                    public String token() {
                        return token.value();
                    }

                    @Override
                    public void close() {
                        receiver.unregister(token);
                    }
                };
            } catch (TelemetryException e) {
                throw UpgradeFailure.safe(FailureCode.LAPTOP_SERVICE_FAILED, "The laptop's telemetry receiver could not start"
                        + " on " + address.getHostAddress() + ": " + e.getMessage() + ".");
            }
        }
    }
}

package org.fleetflash.server.ftp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.ftpserver.ConnectionConfigFactory;
import org.apache.ftpserver.DataConnectionConfigurationFactory;
import org.apache.ftpserver.FtpServer;
import org.apache.ftpserver.FtpServerConfigurationException;
import org.apache.ftpserver.FtpServerFactory;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.ftplet.Ftplet;
import org.apache.ftpserver.impl.FtpIoSession;
import org.apache.ftpserver.listener.Listener;
import org.apache.ftpserver.listener.ListenerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded FTP server (Apache FtpServer) that serves firmware images to routers:
 * each {@link #publish(Path) publication} gets its own random read-only account whose home holds only
 * that image; anonymous login and active mode are off; {@code REST} works; downloads are counted
 * per transfer and reported to {@link DownloadListener}s.
 */
public final class ImageServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ImageServer.class);
    private static final String LISTENER = "default";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ImageServerConfig config;
    private final Path workDirectory;
    private final boolean ownsWorkDirectory;
    private final PublicationUserManager users;
    private final Map<String, PublishedImage> publications = new ConcurrentHashMap<>();
    private final List<DownloadListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong downloadIds = new AtomicLong();
    private final FtpServer server;
    private final Listener listener;
    private volatile boolean closed;

    private ImageServer(ImageServerConfig config, Path workDirectory, boolean ownsWorkDirectory)
            throws ImageServerException {
        this.config = config;
        this.workDirectory = workDirectory;
        this.ownsWorkDirectory = ownsWorkDirectory;
        int idleSeconds = (int) config.idleTimeout().toSeconds();
        this.users = new PublicationUserManager(idleSeconds);
        String host = config.bindAddress().getHostAddress();

        DataConnectionConfigurationFactory data = new DataConnectionConfigurationFactory();
        data.setActiveEnabled(false);
        data.setPassivePorts(config.passivePortsSpec());
        data.setPassiveAddress(host);
        data.setPassiveExternalAddress(host);
        data.setPassiveIpCheck(true);
        data.setIdleTime(idleSeconds);

        ListenerFactory listenerFactory = new ListenerFactory();
        listenerFactory.setServerAddress(host);
        listenerFactory.setPort(config.port());
        listenerFactory.setIdleTimeout(idleSeconds);
        listenerFactory.setDataConnectionConfiguration(data.createDataConnectionConfiguration());
        this.listener = listenerFactory.createListener();

        ConnectionConfigFactory connections = new ConnectionConfigFactory();
        connections.setAnonymousLoginEnabled(false);
        connections.setMaxAnonymousLogins(0);
        connections.setMaxLogins(config.maxLogins());
        // a RETR occupies one thread for the whole transfer: one per login
        connections.setMaxThreads(config.maxLogins());

        FtpServerFactory factory = new FtpServerFactory();
        factory.addListener(LISTENER, listener);
        factory.setConnectionConfig(connections.createConnectionConfig());
        factory.setUserManager(users);
        factory.setFileSystem(new PublicationFileSystem(users, this::startDownload));
        Map<String, Ftplet> ftplets = new HashMap<>(); // FtpServer clears this map on stop: must be mutable
        ftplets.put("fleetflash", new ImageFtplet(users));
        factory.setFtplets(ftplets);
        this.server = factory.createServer();
        try {
            server.start();
        } catch (FtpException | FtpServerConfigurationException e) {
            server.stop();
            throw new ImageServerException("Cannot serve FTP on " + host + ":" + config.port() + " ("
                    + rootMessage(e) + "). Choose another port, or the address of an interface this computer has.",
                    e);
        }
        LOG.info("Image server listening on {}:{} (passive ports {}, max {} logins)", host, listener.getPort(),
                config.passivePortsSpec(), config.maxLogins());
    }

    /**
     * Starts a server as configured.
     *
     * @throws ImageServerException if it cannot listen (address not local, port taken) or has no work directory
     */
    public static ImageServer start(ImageServerConfig config) throws ImageServerException {
        Objects.requireNonNull(config, "config");
        Path work;
        boolean owns;
        try {
            if (config.workDirectory().isPresent()) {
                work = Files.createDirectories(config.workDirectory().get());
                owns = false;
            } else {
                work = Files.createTempDirectory("fleetflash-ftp-");
                owns = true;
            }
        } catch (IOException e) {
            throw new ImageServerException("Cannot create the image server's work directory ("
                    + e.getMessage() + "). Choose a writable work directory.", e);
        }
        try {
            return new ImageServer(config, work, owns);
        } catch (ImageServerException | RuntimeException e) {
            if (owns) {
                deleteTree(work);
            }
            throw e;
        }
    }

    /** The control port the server really listens on. */
    public int port() {
        return listener.getPort();
    }

    public ImageServerConfig config() {
        return config;
    }

    /**
     * Publishes a copy of the image under a fresh random read-only account. The copy is what is
     * served and hashed, so later changes to the original do not reach the routers.
     *
     * @throws ImageServerException if the image is missing, empty or unreadable, or the copy fails
     */
    public Publication publish(Path image) throws ImageServerException {
        Objects.requireNonNull(image, "image");
        ensureOpen();
        if (!Files.isRegularFile(image) || !Files.isReadable(image)) {
            throw new ImageServerException("Image " + image + " is not a readable file: choose an existing image file");
        }
        String name = servedName(image);
        String user = "ff" + randomHex(8);
        String password = randomHex(16);
        Path directory = workDirectory.resolve(user);
        Path served = directory.resolve(name);
        long size;
        String sha256;
        try {
            Files.createDirectory(directory);
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(Files.newInputStream(image), digest);
                    OutputStream out = Files.newOutputStream(served)) {
                size = in.transferTo(out);
            }
            sha256 = HexFormat.of().formatHex(digest.digest());
            if (!served.toFile().setReadOnly()) {
                LOG.debug("Could not mark {} read-only", served);
            }
        } catch (IOException e) {
            deleteTree(directory);
            throw new ImageServerException("Cannot copy image " + image + " for publishing (" + e.getMessage()
                    + "). Check the disk space of " + workDirectory + ".", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This Java runtime has no SHA-256", e);
        }
        if (size == 0) {
            deleteTree(directory);
            throw new ImageServerException("Image " + image + " is empty: choose a firmware image file");
        }
        Publication publication = new Publication(url(user, name), user, password, name, size, sha256);
        PublishedImage published = new PublishedImage(publication, directory, served);
        publications.put(user, published);
        users.add(published);
        LOG.info("Published {} as {} ({} bytes, sha256 {})", image, publication.url(), size, sha256);
        return publication;
    }

    /**
     * Withdraws a publication: its account stops authenticating, running transfers fail and its
     * sessions are closed. Unknown or already withdrawn publications are ignored.
     */
    public void unpublish(Publication publication) {
        PublishedImage image = publications.remove(publication.user());
        if (image == null) {
            return;
        }
        image.withdraw();
        users.remove(publication.user());
        int closedSessions = endSessions(publication.user());
        deleteTree(image.directory());
        LOG.info("Withdrew {} ({} sessions closed)", publication.url(), closedSessions);
    }

    /** Snapshot of every download of a publication so far (running and finished), oldest first. */
    public List<DownloadProgress> downloads(Publication publication) {
        PublishedImage image = publications.get(publication.user());
        return image == null ? List.of() : image.downloads();
    }

    public void addDownloadListener(DownloadListener downloadListener) {
        listeners.add(Objects.requireNonNull(downloadListener, "downloadListener"));
    }

    public void removeDownloadListener(DownloadListener downloadListener) {
        listeners.remove(downloadListener);
    }

    /** Stops the server, ends all sessions and deletes the served copies. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (PublishedImage image : publications.values()) {
            image.withdraw();
        }
        endSessions(null);
        server.stop();
        for (PublishedImage image : publications.values()) {
            deleteTree(image.directory());
        }
        publications.clear();
        if (ownsWorkDirectory) {
            deleteTree(workDirectory);
        }
        LOG.info("Image server on {}:{} stopped", config.bindAddress().getHostAddress(), listener.getPort());
    }

    /**
     * Ends the sessions of one account ({@code null}: all): the data connection first, so that a
     * transfer blocked on a client that stopped reading fails now, then the control connection.
     */
    private int endSessions(String user) {
        int count = 0;
        for (FtpIoSession session : listener.getActiveSessions()) {
            boolean matches = user == null
                    || (session.getUser() != null && user.equals(session.getUser().getName()));
            if (matches) {
                if (session.getDataConnection() != null) {
                    session.getDataConnection().closeDataConnection();
                }
                session.closeNow();
                count++;
            }
        }
        return count;
    }

    private DownloadTracker startDownload(PublishedImage image, InetSocketAddress client, long offset) {
        long interval = config.progressInterval().toNanos();
        DownloadTracker tracker = new DownloadTracker(downloadIds.incrementAndGet(), image.publication().user(),
                client, offset, image.publication().size(), interval, this::fire);
        image.add(tracker);
        return tracker;
    }

    private void fire(DownloadProgress progress) {
        for (DownloadListener each : listeners) {
            try {
                each.onProgress(progress);
            } catch (RuntimeException e) {
                LOG.warn("Download listener {} failed on {}", each, progress, e);
            }
        }
    }

    private URI url(String user, String name) {
        try {
            String host = config.bindAddress() instanceof Inet6Address
                    ? "[" + config.bindAddress().getHostAddress() + "]"
                    : config.bindAddress().getHostAddress();
            return new URI("ftp://" + user + "@" + host + ":" + port() + "/" + name);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Cannot build the image URL for " + name, e);
        }
    }

    /** The file name routers see: the image's own name with anything but [A-Za-z0-9._-] replaced. */
    static String servedName(Path image) {
        String original = image.getFileName() == null ? "" : image.getFileName().toString();
        String cleaned = original.replaceAll("[^A-Za-z0-9._-]", "_");
        if (cleaned.isEmpty() || cleaned.chars().allMatch(c -> c == '.')) {
            return "firmware.bin";
        }
        return cleaned;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("The image server is closed");
        }
    }

    private static String randomHex(int bytes) {
        byte[] buffer = new byte[bytes];
        RANDOM.nextBytes(buffer);
        return HexFormat.of().formatHex(buffer);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not delete {}: {}", root, e.getMessage());
        }
    }
}

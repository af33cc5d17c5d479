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
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
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
 * The embedded FTP server (Apache FtpServer) that serves firmware images to routers. A batch
 * {@link #host(Path) hosts} each image once (one read-only copy, hashed once) and
 * {@link HostedImage#grant(DownloadListener) grants} each router its own random read-only account onto it,
 * whose home holds only that image; anonymous login and active mode are off; {@code REST} works; downloads
 * are counted per transfer and reported to the listener of the account that made them, and added up per
 * hosted image and for the server.
 */
public final class ImageServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ImageServer.class);
    private static final String LISTENER = "default";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ImageServerConfig config;
    private final Path workDirectory;
    private final boolean ownsWorkDirectory;
    private final PublicationUserManager users;
    private final Set<HostedImage> hostedImages = ConcurrentHashMap.newKeySet();
    /** Images hosted by {@link #publish(Path)}, by the user of their only account. */
    private final Map<String, HostedImage> singleGrantImages = new ConcurrentHashMap<>();
    private final List<DownloadListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong downloadIds = new AtomicLong();
    private final LongAdder bytesServed = new LongAdder();
    private final AtomicInteger activeTransfers = new AtomicInteger();
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
        ftplets.put("fleetflash", new ImageFtplet(users, config.passivePorts()));
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
        LOG.info("Image server listening on {}:{} (passive ports {}, {} routers at once, max {} logins)", host,
                listener.getPort(), config.passivePorts(), config.concurrency(), config.maxLogins());
    }

    /**
     * Starts a server as configured.
     *
     * @throws ImageServerException if it cannot listen (address not local, port taken), has no work directory, or
     *     its passive port range has fewer ports than routers may download at once
     */
    public static ImageServer start(ImageServerConfig config) throws ImageServerException {
        Objects.requireNonNull(config, "config");
        try {
            config.checkPassivePortsCoverConcurrency();
        } catch (IllegalArgumentException e) {
            throw new ImageServerException(e.getMessage(), e);
        }
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
     * Hosts an image for a batch: copies it once into the work directory and hashes the copy in the same pass, so
     * later changes to the original do not reach the routers. Each router then gets its own account onto this one
     * copy with {@link HostedImage#grant(DownloadListener)}; closing the hosted image withdraws them all.
     *
     * @throws ImageServerException if the image is missing, empty or unreadable, or the copy fails
     */
    public HostedImage host(Path image) throws ImageServerException {
        Objects.requireNonNull(image, "image");
        ensureOpen();
        if (!Files.isRegularFile(image) || !Files.isReadable(image)) {
            throw new ImageServerException("Image " + image + " is not a readable file: choose an existing image file");
        }
        String name = servedName(image);
        Path directory = workDirectory.resolve("image-" + randomHex(8));
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
            throw new ImageServerException("Cannot copy image " + image + " for serving (" + e.getMessage()
                    + "). Check the disk space of " + workDirectory + ".", e);
        } catch (NoSuchAlgorithmException e) {
            deleteTree(directory);
            throw new IllegalStateException("This Java runtime has no SHA-256", e);
        }
        if (size == 0) {
            deleteTree(directory);
            throw new ImageServerException("Image " + image + " is empty: choose a firmware image file");
        }
        HostedImage hosted = new HostedImage(this, image, directory, served, name, size, sha256);
        hostedImages.add(hosted);
        if (closed) { // closed while copying: close() may have missed it
            hosted.close();
            throw new IllegalStateException("The image server is closed");
        }
        LOG.info("Hosting {} as {} ({} bytes, sha256 {})", image, name, size, sha256);
        return hosted;
    }

    /**
     * Hosts a copy of the image with a single account on it.
     *
     * @deprecated a batch hosts each image once: {@link #host(Path)}, then {@link HostedImage#grant(DownloadListener)}
     *     per router; this makes one copy per call
     */
    @Deprecated
    public Publication publish(Path image) throws ImageServerException {
        HostedImage hosted = host(image);
        Publication publication = hosted.grant(progress -> { });
        singleGrantImages.put(publication.user(), hosted);
        return publication;
    }

    /**
     * Withdraws an account: a {@link #publish(Path) published} one together with its copy, any other as
     * {@link HostedImage#revoke(Publication)} does. Unknown or already withdrawn accounts are ignored.
     *
     * @deprecated use {@link HostedImage#revoke(Publication)}, and {@link HostedImage#close()} when the batch is done
     */
    @Deprecated
    public void unpublish(Publication publication) {
        HostedImage single = singleGrantImages.remove(publication.user());
        if (single != null) {
            single.close();
            return;
        }
        ImageAccount account = users.accountOf(publication.user());
        if (account != null) {
            account.image().revoke(publication);
        }
    }

    /** Snapshot of every download by an account so far (running and finished), oldest first; empty once withdrawn. */
    public List<DownloadProgress> downloads(Publication publication) {
        ImageAccount account = users.accountOf(publication.user());
        return account == null ? List.of() : account.downloads();
    }

    /** The images hosted now (not yet closed). */
    public List<HostedImage> hostedImages() {
        return List.copyOf(hostedImages);
    }

    /** Bytes read from served copies for all transfers since the server started. */
    public long bytesServed() {
        return bytesServed.sum();
    }

    /** Transfers running now, of all hosted images. */
    public int activeTransfers() {
        return activeTransfers.get();
    }

    /**
     * Adds a listener that hears every download of every account.
     *
     * @deprecated give each router's listener to {@link HostedImage#grant(DownloadListener)}: it hears that account only
     */
    @Deprecated
    public void addDownloadListener(DownloadListener downloadListener) {
        listeners.add(Objects.requireNonNull(downloadListener, "downloadListener"));
    }

    /** @deprecated see {@link #addDownloadListener(DownloadListener)} */
    @Deprecated
    public void removeDownloadListener(DownloadListener downloadListener) {
        listeners.remove(downloadListener);
    }

    /** Stops the server: closes every hosted image (its accounts, sessions and copy) and stops listening. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (HostedImage hosted : List.copyOf(hostedImages)) {
            hosted.close();
        }
        endSessions(user -> true);
        server.stop();
        singleGrantImages.clear();
        if (ownsWorkDirectory) {
            deleteTree(workDirectory);
        }
        LOG.info("Image server on {}:{} stopped ({} bytes served)", config.bindAddress().getHostAddress(),
                listener.getPort(), bytesServed());
    }

    /** A new random account onto {@code image}, registered with the user manager. */
    ImageAccount openAccount(HostedImage image, DownloadListener downloadListener) {
        ensureOpen();
        String user = "ff" + randomHex(8);
        String password = randomHex(16);
        Publication publication = new Publication(url(user, image.name()), user, password, image.name(), image.size(),
                image.sha256());
        ImageAccount account = new ImageAccount(publication, image, downloadListener);
        users.add(account);
        return account;
    }

    /** Withdraws accounts already marked withdrawn: no more logins, sessions closed. Returns the sessions closed. */
    int closeAccounts(List<ImageAccount> accounts) {
        Set<String> names = new HashSet<>();
        for (ImageAccount account : accounts) {
            names.add(account.publication().user());
            users.remove(account.publication().user());
        }
        return names.isEmpty() ? 0 : endSessions(names::contains);
    }

    void forget(HostedImage image) {
        hostedImages.remove(image);
    }

    void served(long bytes) {
        bytesServed.add(bytes);
    }

    /**
     * Ends the sessions of the accounts {@code users} accepts: the data connection first, so that a
     * transfer blocked on a client that stopped reading fails now, then the control connection.
     */
    private int endSessions(Predicate<String> users) {
        int count = 0;
        for (FtpIoSession session : listener.getActiveSessions()) {
            String user = session.getUser() == null ? null : session.getUser().getName();
            if (users.test(user)) {
                if (session.getDataConnection() != null) {
                    session.getDataConnection().closeDataConnection();
                }
                session.closeNow();
                count++;
            }
        }
        return count;
    }

    private DownloadTracker startDownload(ImageAccount account, InetSocketAddress client, long offset) {
        long interval = config.progressInterval().toNanos();
        HostedImage image = account.image();
        image.transferStarted();
        activeTransfers.incrementAndGet();
        DownloadTracker tracker = new DownloadTracker(downloadIds.incrementAndGet(), account.publication().user(),
                client, offset, image.size(), interval, progress -> {
                    if (progress.state().isFinal()) { // exactly once per transfer, before anyone hears of it
                        image.transferEnded();
                        activeTransfers.decrementAndGet();
                    }
                    fire(account, progress);
                });
        account.add(tracker);
        return tracker;
    }

    private void fire(ImageAccount account, DownloadProgress progress) {
        try {
            account.listener().onProgress(progress);
        } catch (RuntimeException e) {
            LOG.warn("Download listener of {} failed on {}", account.publication().user(), progress, e);
        }
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

    static void deleteTree(Path root) {
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

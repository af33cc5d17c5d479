package org.fleetflash.server.ftp;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One firmware image served to a batch of routers: a single read-only copy in the server's work directory, hashed
 * once when it was {@link ImageServer#host(Path) hosted}, onto which each router gets its own random account
 * ({@link #grant(DownloadListener)}). Name, size and SHA-256 are known before the first grant, and a grant neither
 * copies nor reads the image, so granting 200 routers costs 200 map entries.
 *
 * <p>Closing it withdraws every account on it (a transfer still running is cut; finished downloads stay as they
 * were) and deletes the copy. Closing the server closes every hosted image. Thread-safe.
 */
public final class HostedImage implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HostedImage.class);

    private final ImageServer server;
    private final Path source;
    private final Path directory;
    private final Path file;
    private final String name;
    private final long size;
    private final String sha256;
    private final Map<String, ImageAccount> accounts = new ConcurrentHashMap<>();
    private final LongAdder bytesServed = new LongAdder();
    private final AtomicInteger activeTransfers = new AtomicInteger();
    private volatile boolean closed;

    HostedImage(ImageServer server, Path source, Path directory, Path file, String name, long size, String sha256) {
        this.server = server;
        this.source = source;
        this.directory = directory;
        this.file = file;
        this.name = name;
        this.size = size;
        this.sha256 = sha256;
    }

    /** The file the copy was made from (later changes to it are not served). */
    public Path source() {
        return source;
    }

    /** The file name routers see. */
    public String name() {
        return name;
    }

    /** Size of the served copy in bytes. */
    public long size() {
        return size;
    }

    /** Lowercase hex SHA-256 of the served copy, computed once when the image was hosted. */
    public String sha256() {
        return sha256;
    }

    /**
     * Opens a new random read-only account onto this image, for one router. {@code listener} hears the downloads of
     * that account only: STARTED, RUNNING progress, then COMPLETE, or ABORTED with the position reached when a
     * transfer was cut. It is called on the FTP transfer thread: return quickly.
     *
     * @throws IllegalStateException if this image or its server was closed
     */
    public Publication grant(DownloadListener listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("The image " + name + " is no longer hosted: host it again");
            }
            ImageAccount account = server.openAccount(this, listener);
            accounts.put(account.publication().user(), account);
            LOG.debug("Granted {} on {}", account.publication().user(), name);
            return account.publication();
        }
    }

    /**
     * Withdraws one account: it stops logging in, and its sessions are closed (a transfer of it still running is
     * cut). Revoking again, or revoking an account this image did not grant, does nothing.
     */
    public void revoke(Publication publication) {
        ImageAccount account;
        synchronized (this) {
            account = accounts.get(publication.user());
            if (account == null || account.withdrawn()) {
                return;
            }
            account.revoke();
        }
        int sessions = server.closeAccounts(List.of(account));
        LOG.debug("Revoked {} on {} ({} sessions closed)", publication.user(), name, sessions);
    }

    /** The accounts granted and not yet revoked, in no particular order. */
    public List<Publication> grants() {
        List<Publication> live = new ArrayList<>();
        for (ImageAccount account : accounts.values()) {
            if (!account.withdrawn()) {
                live.add(account.publication());
            }
        }
        return live;
    }

    /** Snapshot of every download by one account so far (running and finished, also after a revoke), oldest first. */
    public List<DownloadProgress> downloads(Publication publication) {
        ImageAccount account = accounts.get(publication.user());
        return account == null ? List.of() : account.downloads();
    }

    /**
     * What the server itself could not do for one account's client, for the laptop to say when that router's download
     * fails (e.g. every passive data port of the range in use by other programs), or empty.
     */
    public java.util.Optional<String> serverProblem(Publication publication) {
        ImageAccount account = accounts.get(publication.user());
        return account == null ? java.util.Optional.empty() : java.util.Optional.ofNullable(account.serverProblem());
    }

    /** Bytes read from the copy for all transfers of all accounts on this image so far. */
    public long bytesServed() {
        return bytesServed.sum();
    }

    /** Transfers of this image running now. */
    public int activeTransfers() {
        return activeTransfers.get();
    }

    public boolean isClosed() {
        return closed;
    }

    /** Withdraws every account on this image, cuts their running transfers and deletes the copy. Idempotent. */
    @Override
    public void close() {
        List<ImageAccount> live;
        synchronized (this) {
            if (closed) {
                return;
            }
            live = accounts.values().stream().filter(account -> !account.withdrawn()).toList();
            closed = true;
        }
        int sessions = server.closeAccounts(live);
        ImageServer.deleteTree(directory);
        server.forget(this);
        LOG.info("Stopped hosting {} ({} accounts withdrawn, {} sessions closed, {} bytes served)", name, live.size(),
                sessions, bytesServed());
    }

    @Override
    public String toString() {
        return "HostedImage[" + name + ", " + size + " bytes, sha256 " + sha256 + (closed ? ", closed]" : "]");
    }

    Path directory() {
        return directory;
    }

    Path file() {
        return file;
    }

    void served(long bytes) {
        bytesServed.add(bytes);
        server.served(bytes);
    }

    void transferStarted() {
        activeTransfers.incrementAndGet();
    }

    void transferEnded() {
        activeTransfers.decrementAndGet();
    }

    ImageAccount account(String user) {
        return accounts.get(user);
    }
}

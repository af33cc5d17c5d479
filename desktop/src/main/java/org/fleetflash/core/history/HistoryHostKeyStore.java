package org.fleetflash.core.history;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.fleetflash.core.device.HostKeyStore;
import org.fleetflash.core.device.HostKeys;
import org.fleetflash.core.device.RepinPermit;
import org.fleetflash.core.device.SshTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pinned SSH host keys, kept in the history: one key in force per router {@code host:port}, and every key
 * the router had before, with when and why it changed. Safe for many connection threads (one connection,
 * one call at a time).
 *
 * <p>A router's key may change only while an upgrade of that router allows it ({@link #allowRepin}): the new
 * firmware may bring new host keys. Then {@link #repinIfAllowed} records old → new, naming the attempt, and pins
 * the new key. Outside such a window a changed key stays refused, as before.
 */
public final class HistoryHostKeyStore implements HostKeyStore {

    private static final Logger LOG = LoggerFactory.getLogger(HistoryHostKeyStore.class);
    private static final String IMPORTED = "known_hosts imported";

    private final Connection connection;
    private final Path databaseFile;
    private final Map<SshTarget, String> repinAllowed = new ConcurrentHashMap<>();

    HistoryHostKeyStore(Database db) throws IOException {
        this.databaseFile = db.file();
        try {
            connection = db.connect();
        } catch (SQLException e) {
            throw new IOException("Cannot open the host keys in " + db.file() + ": " + e.getMessage(), e);
        }
    }

    /** What an import of a known_hosts file did. */
    public record ImportResult(boolean done, int imported, int skipped) {
    }

    /** A router's key that is or was pinned. */
    public record PinnedKey(String fingerprint, Instant pinnedAt, String pinnedBy, Optional<String> attemptId,
            Optional<Instant> unpinnedAt, Optional<String> unpinnedBy) {
    }

    /**
     * An upgrade's permission to re-pin its router's key; {@link #close()} ends it. Opened by the engine for the
     * attempt that rerooted the router, closed when the attempt ends.
     */
    private final class Permit implements RepinPermit {
        private final SshTarget target;
        private final String attemptId;

        private Permit(SshTarget target, String attemptId) {
            this.target = target;
            this.attemptId = attemptId;
        }

        @Override
        public void close() {
            repinAllowed.remove(target, attemptId);
        }
    }

    @Override
    public synchronized Optional<PublicKey> pinned(SshTarget target) throws IOException {
        try {
            Optional<String> text = inForce(target);
            return text.isEmpty() ? Optional.empty() : Optional.of(parse(text.get(), target));
        } catch (SQLException e) {
            throw failure("read the pinned key of " + target, e);
        }
    }

    @Override
    public synchronized PublicKey pinIfAbsent(SshTarget target, PublicKey key) throws IOException {
        try {
            Optional<String> text = Rows.inTransaction(connection, c -> {
                Optional<String> there = inForce(target);
                if (there.isEmpty()) {
                    insertKey(target, key, "FIRST_USE", null, Instant.now());
                }
                return there;
            });
            return text.isPresent() ? parse(text.get(), target) : key;
        } catch (SQLException e) {
            throw failure("pin the key of " + target, e);
        }
    }

    @Override
    public synchronized boolean forget(SshTarget target) throws IOException {
        try {
            int n = Rows.update(connection, "UPDATE host_keys SET unpinned_at = ?, unpinned_by = 'FORGOTTEN' WHERE unpinned_at IS NULL "
                    + "AND router_id = (SELECT id FROM routers WHERE host = ? AND port = ?)", Instant.now(), target.host(), target.port());
            return n > 0;
        } catch (SQLException e) {
            throw failure("forget the key of " + target, e);
        }
    }

    /** Whether this history serves the window, whose remedy for a changed key is its own action, not a command. */
    private volatile boolean windowWording;

    /**
     * Says what to do about a changed host key the window's way: the window holds the data directory, so the command
     * that forgets a key cannot run beside it, and it takes no {@code --accept-new-host-key}.
     */
    public void useWindowWording() {
        windowWording = true;
    }

    @Override
    public String howToTrustNew(SshTarget target) {
        return windowWording ? "press the action again and tick Trust a router seen for the first time in the login it asks for"
                : HostKeyStore.super.howToTrustNew(target);
    }

    @Override
    public String howToTrustAgain(SshTarget target) {
        return windowWording ? "forget the old key (Fleet tab: right-click the router, Forget host key…) and probe it again with"
                + " Trust a router seen for the first time ticked" : HostKeyStore.super.howToTrustAgain(target);
    }

    @Override
    public String howToForget(SshTarget target) {
        // the data directory this history is in, unless it is the default one: the command, run as printed, must reach it
        Path dir = databaseFile.toAbsolutePath().getParent();
        boolean usual = dir.equals(org.fleetflash.core.settings.DataDirectory.forThisUser(java.util.Optional.empty()).path()
                .toAbsolutePath());
        return "run: fleetflash history forget-host-key " + target.hostPort() + (usual ? ""
                : " --data-dir " + org.fleetflash.agent.ShellWords.quote(dir.toString()));
    }

    /**
     * Lets the upgrade {@code attemptId} re-pin the key of {@code target} until the permit is closed. A permit
     * already open for the router is replaced.
     */
    @Override
    public RepinPermit allowRepin(SshTarget target, String attemptId) {
        Objects.requireNonNull(attemptId, "attemptId");
        repinAllowed.put(target, attemptId);
        LOG.info("Attempt {} may re-pin the host key of {}", attemptId, target);
        return new Permit(target, attemptId);
    }

    /**
     * Called when {@code target} presented {@code presented} instead of {@code pinned}: if an upgrade of the router
     * allows it, records the change (old key unpinned by that attempt, new key pinned by it) and returns true; else
     * changes nothing and returns false (the caller refuses the key, as always).
     */
    @Override
    public synchronized boolean repinIfAllowed(SshTarget target, PublicKey pinned, PublicKey presented) throws IOException {
        String attemptId = repinAllowed.get(target);
        if (attemptId == null) {
            return false;
        }
        try {
            boolean repinned = Rows.inTransaction(connection, c -> {
                Optional<String> text = inForce(target);
                if (text.isPresent() && !KeyUtils.compareKeys(parse(text.get(), target), pinned)) {
                    return false; // the pin moved meanwhile: the caller's view is stale, let it refuse
                }
                Instant now = Instant.now();
                Rows.update(c, "UPDATE host_keys SET unpinned_at = ?, unpinned_by = 'UPGRADE' WHERE unpinned_at IS NULL "
                        + "AND router_id = (SELECT id FROM routers WHERE host = ? AND port = ?)", now, target.host(), target.port());
                insertKey(target, presented, "UPGRADE", attemptId, now);
                return true;
            });
            if (!repinned) {
                return false;
            }
            LOG.warn("Host key of {} changed during upgrade attempt {}: {} -> {} (re-pinned)", target, attemptId,
                    HostKeys.fingerprint(pinned), HostKeys.fingerprint(presented));
            return true;
        } catch (SQLException e) {
            throw failure("re-pin the key of " + target, e);
        }
    }

    /** Every key {@code target} was pinned with, oldest first. */
    public synchronized List<PinnedKey> keyHistory(SshTarget target) throws IOException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT k.fingerprint, k.pinned_at, k.pinned_by, k.attempt_id, "
                + "k.unpinned_at, k.unpinned_by FROM host_keys k JOIN routers r ON r.id = k.router_id WHERE r.host = ? AND r.port = ? "
                + "ORDER BY k.id")) {
            ps.setString(1, target.host());
            ps.setInt(2, target.port());
            List<PinnedKey> keys = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long unpinned = rs.getLong(5);
                    boolean stillPinned = rs.wasNull();
                    keys.add(new PinnedKey(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3),
                            Optional.ofNullable(rs.getString(4)), stillPinned ? Optional.empty() : Optional.of(Instant.ofEpochMilli(unpinned)),
                            Optional.ofNullable(rs.getString(6))));
                }
            }
            return keys;
        } catch (SQLException e) {
            throw failure("read the key history of " + target, e);
        }
    }

    /**
     * Imports the pins of a known_hosts file of earlier FleetFlash versions ({@code HOST KEYTYPE BASE64} lines,
     * HOST bare for port 22 or {@code [host]:port}), once per history: a later call does nothing, so a key the
     * technician forgot since does not come back. A router already pinned here keeps its key. The file is left
     * as it is. Lines it does not understand (comments, hashed hosts, damaged keys) are skipped and logged.
     */
    public synchronized ImportResult importKnownHostsOnce(Path file) throws IOException {
        List<String> lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        try {
            return Rows.inTransaction(connection, c -> importLines(file, lines));
        } catch (SQLException e) {
            throw failure("import the pinned keys of " + file, e);
        }
    }

    private ImportResult importLines(Path file, List<String> lines) throws SQLException {
        if (metaValue(IMPORTED).isPresent()) {
            return new ImportResult(false, 0, 0);
        }
        int imported = 0;
        int skipped = 0;
        Instant now = Instant.now();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+", 2);
            try {
                SshTarget target = SshTarget.parse(parts[0]);
                PublicKey key = PublicKeyEntry.parsePublicKeyEntry(parts[1]).resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);
                if (inForce(target).isEmpty()) {
                    insertKey(target, key, "IMPORT", null, now);
                    imported++;
                }
            } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException | GeneralSecurityException | IOException e) {
                skipped++;
                LOG.warn("Skipped a line of {} that is not a pinned key ({})", file, e.getMessage());
            }
        }
        Rows.update(connection, "INSERT INTO meta (key, value) VALUES (?, ?)", IMPORTED, now + " from " + file);
        LOG.info("Imported {} pinned host keys from {} ({} lines skipped)", imported, file, skipped);
        return new ImportResult(true, imported, skipped);
    }

    synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.warn("Closing the host-key connection: {}", e.getMessage());
        }
    }

    private Optional<String> inForce(SshTarget target) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT k.public_key FROM host_keys k JOIN routers r ON r.id = k.router_id "
                + "WHERE r.host = ? AND r.port = ? AND k.unpinned_at IS NULL")) {
            ps.setString(1, target.host());
            ps.setInt(2, target.port());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private Optional<String> metaValue(String key) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT value FROM meta WHERE key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private void insertKey(SshTarget target, PublicKey key, String by, String attemptId, Instant at) throws SQLException {
        long router = Rows.routerId(connection, target.host(), target.port(), at);
        Rows.update(connection, "INSERT INTO host_keys (router_id, key_type, public_key, fingerprint, pinned_at, pinned_by, attempt_id) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?)", router, KeyUtils.getKeyType(key), PublicKeyEntry.toString(key), HostKeys.fingerprint(key),
                at, by, attemptId);
    }

    private PublicKey parse(String text, SshTarget target) throws IOException {
        try {
            return PublicKeyEntry.parsePublicKeyEntry(text).resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IOException("The pinned host key of " + target + " in " + databaseFile + " is damaged (" + e.getMessage() + "): "
                    + howToForget(target) + ", then verify the router and pin it again.", e);
        }
    }

    private IOException failure(String what, SQLException e) {
        return new IOException("Cannot " + what + " in the history " + databaseFile + ": " + e.getMessage(), e);
    }
}

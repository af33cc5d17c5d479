package org.fleetflash.core.history;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.fleetflash.core.device.SshTarget;
import org.fleetflash.core.settings.DataDirectory;
import org.fleetflash.core.upgrade.InterruptedAttempt;
import org.fleetflash.core.upgrade.KnownBackup;
import org.fleetflash.core.upgrade.Phase;
import org.fleetflash.core.upgrade.RouterId;
import org.fleetflash.core.upgrade.UpgradeServices;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The history of one data directory: every batch, attempt, router and pinned host key, in one SQLite file
 * ({@code history.db}, mode 600). Opening it takes the data directory's {@link InstanceLock} (one FleetFlash at
 * a time), brings the schema up to date and imports the known_hosts file of earlier versions once. Close it to
 * write what is queued and let the next FleetFlash in.
 */
public final class History implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(History.class);

    private final InstanceLock lock;
    private final Database db;
    private final String schemaVersion;
    private final HistoryHostKeyStore hostKeys;
    private final HistoryWriter writer;
    private int interruptedAtOpen;
    private Path backupsRoot;

    private History(InstanceLock lock, Database db, String schemaVersion, HistoryWriter.MacLookup macs) throws IOException {
        this.lock = lock;
        this.db = db;
        this.schemaVersion = schemaVersion;
        this.hostKeys = new HistoryHostKeyStore(db);
        HistoryWriter w;
        try {
            w = new HistoryWriter(db, macs);
        } catch (IOException e) {
            hostKeys.close();
            throw e;
        }
        this.writer = w;
    }

    /**
     * Opens the history of {@code data} (creating the directory and the file when missing) for this process alone.
     *
     * @throws InstanceLockedException another FleetFlash uses the directory; nothing was changed
     * @throws IOException             the file cannot be opened or brought to the current schema
     */
    public static History open(DataDirectory data) throws IOException {
        return open(data, HistoryWriter.MacLookup.local());
    }

    /** Opens the history as {@link #open(DataDirectory)} does, learning routers' MAC addresses from {@code macs}. */
    public static History open(DataDirectory data, HistoryWriter.MacLookup macs) throws IOException {
        data.ensureExists();
        return open(data, InstanceLock.acquire(data), macs);
    }

    /**
     * Opens the history as {@link #open(DataDirectory)} does under {@code lock}, the data directory's lock the caller
     * took (the window takes it before it shows, so a second FleetFlash is refused at once); the history owns it from
     * now on and releases it when closed, or now when it cannot be opened.
     */
    public static History open(DataDirectory data, InstanceLock lock) throws IOException {
        return open(data, lock, HistoryWriter.MacLookup.local());
    }

    private static History open(DataDirectory data, InstanceLock lock, HistoryWriter.MacLookup macs) throws IOException {
        History history = null;
        try {
            Database db = Database.openOrCreate(data.history());
            String version = db.migrate(Database.LATEST_VERSION);
            history = new History(lock, db, version, macs);
            history.backupsRoot = data.backups();
            int marked = history.markInterrupted();
            if (marked > 0) {
                LOG.warn("{} attempt(s) of an earlier FleetFlash never ended: marked interrupted", marked);
            }
            // every interrupted attempt that no resume has judged yet, not only those of the last stop: the reminder
            // stays until each one has an outcome
            history.interruptedAtOpen = history.interrupted().size();
            HistoryHostKeyStore.ImportResult imported = history.hostKeys.importKnownHostsOnce(data.knownHosts());
            if (imported.done() && imported.imported() > 0) {
                LOG.info("Moved {} pinned host keys from {} into the history", imported.imported(), data.knownHosts());
            }
            LOG.info("Opened the history {} (schema version {})", data.history(), version);
            return history;
        } catch (IOException | RuntimeException e) {
            if (history != null) {
                history.close();
            } else {
                lock.close();
            }
            throw e;
        }
    }

    /**
     * Reads the attempts of {@code data}'s history without opening it for writing: for a listing while another
     * FleetFlash holds the directory (SQLite lets readers in beside the writer). Needs a history the holder has
     * already brought to this version's schema.
     */
    public static List<AttemptRecord> readAttempts(DataDirectory data, AttemptFilter filter) throws IOException {
        Database db = Database.openReadOnly(data.history());
        try (Connection c = db.connect()) {
            return attempts(c, filter);
        } catch (SQLException e) {
            throw new IOException("Cannot read the history " + data.history() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Marks the attempts that have no end as interrupted. Only this process writes the file (it holds the data
     * directory's lock), so an attempt without an end was left by a FleetFlash that died.
     */
    private int markInterrupted() throws IOException {
        try (Connection c = db.connect()) {
            return Rows.update(c, "UPDATE attempts SET interrupted_at = ? WHERE outcome IS NULL AND interrupted_at IS NULL",
                    Instant.now());
        } catch (SQLException e) {
            throw new IOException("Cannot mark the unfinished attempts in " + db.file() + ": " + e.getMessage(), e);
        }
    }

    /**
     * When writes of {@code writer} failed after the first {@code before} failures: the rest of a sentence that starts
     * with the history's name, saying what is missing, why and what to do; empty when none failed since.
     */
    public static String incomplete(HistoryWriter writer, long before) {
        long n = writer.failedWrites() - before;
        if (n <= 0) {
            return "";
        }
        return "misses " + n + " record(s) of this run because " + writer.firstFailure().orElse("a write failed") + ": the"
                + " outcomes shown are what happened. Free disk space; then 'fleetflash resume' (Resume in the window) records,"
                + " from their flash, the routers whose attempt the history holds without an end.";
    }

    /** How many interrupted attempts (FleetFlash stopped before they ended) were still without an outcome at open. */
    public int interruptedAtOpen() {
        return interruptedAtOpen;
    }

    /**
     * The attempts whose FleetFlash died before they ended and that no resume has judged yet, oldest first, with what
     * the history knew of them.
     */
    public List<InterruptedAttempt> interrupted() throws IOException {
        try (Connection c = db.connect()) {
            List<InterruptedAttempt> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT a.id, a.batch_id, r.host, r.port, a.host_key_fingerprint, "
                    + "a.started_at, a.phase, a.image_path, i.sha256, a.layout, a.backup_dir FROM attempts a JOIN routers r ON "
                    + "r.id = a.router_id LEFT JOIN images i ON i.id = a.image_id WHERE a.outcome IS NULL AND a.interrupted_at IS NOT "
                    + "NULL ORDER BY a.started_at, a.rowid"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    Optional<Phase> phase = text(rs, 7).flatMap(History::phase);
                    List<String> layout = text(rs, 10).map(l -> List.of(l.split(","))).orElse(List.of());
                    out.add(new InterruptedAttempt(id, rs.getString(2), new RouterId(rs.getString(3), rs.getInt(4),
                            text(rs, 5)), Instant.ofEpochMilli(rs.getLong(6)), phase, text(rs, 8).map(Path::of), text(rs, 9),
                            layout, backups(c, id), text(rs, 11).map(Path::of)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IOException("Cannot read the history " + db.file() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads {@code data}'s history with {@code query} without opening it for writing, as {@link #readAttempts} does: for
     * a report while another FleetFlash holds the directory.
     */
    public static <T> T read(DataDirectory data, Query<T> query) throws IOException {
        Database db = Database.openReadOnly(data.history());
        try (Connection c = db.connect()) {
            return query.run(c);
        } catch (SQLException e) {
            throw new IOException("Cannot read the history " + data.history() + ": " + e.getMessage(), e);
        }
    }

    /** Runs {@code query} on a connection of its own: for readers that need more of the file than {@link #attempts}. */
    public <T> T read(Query<T> query) throws IOException {
        try (Connection c = db.connect()) {
            return query.run(c);
        } catch (SQLException e) {
            throw new IOException("Cannot read the history " + db.file() + ": " + e.getMessage(), e);
        }
    }

    private static Optional<Phase> phase(String name) {
        try {
            return Optional.of(Phase.valueOf(name));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // a phase of a newer FleetFlash
        }
    }

    private static List<InterruptedAttempt.RecordedBackup> backups(Connection c, String attemptId) throws SQLException {
        List<InterruptedAttempt.RecordedBackup> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT partition, size, sha256 FROM partition_backups WHERE attempt_id = ? "
                + "ORDER BY id")) {
            ps.setString(1, attemptId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new InterruptedAttempt.RecordedBackup(rs.getString(1), rs.getLong(2), rs.getString(3)));
                }
            }
        }
        return out;
    }

    /** How many recorded backup files {@link #offerBackups} offers at most (the newest). */
    static final int BACKUPS_OFFERED = 4096;

    /**
     * Offers the backup files still kept to the upgrades of this run (decision 0022). A history that cannot be read for
     * them offers none: every partition is then read, as on a first run.
     */
    public void offerBackups(UpgradeServices upgrades) {
        try {
            upgrades.rememberEarlierBackups(backupFiles(BACKUPS_OFFERED));
        } catch (IOException e) {
            LOG.warn("The backups of earlier runs are not offered to this one: {}", e.getMessage());
        }
    }

    /**
     * The partition backup files that are still kept (not pruned), the newest last, at most {@code max}: for the next
     * upgrades to link instead of reading the same bytes again (decision 0022). Files may have gone since; the engine
     * checks each before it uses it.
     */
    List<KnownBackup> backupFiles(int max) throws IOException {
        List<KnownBackup> out = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT pb.size, pb.sha256, pb.file FROM "
                + "partition_backups pb JOIN attempts a ON a.id = pb.attempt_id WHERE a.backup_pruned_at IS NULL ORDER BY pb.id DESC "
                + "LIMIT ?")) {
            ps.setInt(1, max);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new KnownBackup(rs.getLong(1), rs.getString(2), Path.of(rs.getString(3))));
                }
            }
        } catch (SQLException | java.nio.file.InvalidPathException e) {
            throw new IOException("Cannot read the backups recorded in " + db.file() + ": " + e.getMessage(), e);
        }
        java.util.Collections.reverse(out);
        return out;
    }

    /** Which partition backups may be deleted, and their deletion ({@code fleetflash history prune}). */
    public BackupRetention retention() {
        return new BackupRetention(db, backupsRoot);
    }

    /** A read of the history on one connection (such as a report's, in one transaction so that it reads one state). */
    @FunctionalInterface
    public interface Query<T> {
        T run(Connection c) throws SQLException;
    }

    /** The database file. */
    public Path file() {
        return db.file();
    }

    /** The schema version the file has: the latest this FleetFlash knows, or a newer one a later FleetFlash left. */
    public String schemaVersion() {
        return schemaVersion;
    }

    /** The writer to add as a batch's listener. */
    public HistoryWriter writer() {
        return writer;
    }

    /** The routers as the window's fleet list remembers them across starts. */
    public FleetRecords fleet() {
        return new FleetRecords(db);
    }

    /** The pinned host keys, to give the SSH connector. */
    public HistoryHostKeyStore hostKeys() {
        return hostKeys;
    }

    /** The attempts that match {@code filter}, oldest first (what is committed; see {@link HistoryWriter#awaitWritten}). */
    public List<AttemptRecord> attempts(AttemptFilter filter) throws IOException {
        try (Connection c = db.connect()) {
            return attempts(c, filter);
        } catch (SQLException e) {
            throw new IOException("Cannot read the history " + db.file() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The attempts that match {@code f}, oldest first, read on {@code c}: the one place that turns a filter into SQL,
     * for {@link #attempts(AttemptFilter)} and for readers that run inside their own {@link #read(Query)}.
     */
    public static List<AttemptRecord> attempts(Connection c, AttemptFilter f) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT a.id, a.batch_id, a.try_number, r.host, r.port, r.model, i.file_name, i.sha256, "
                + "a.old_version, a.new_version, a.started_at, a.ended_at, a.duration_ms, a.phase, a.outcome, a.failure_code, "
                + "a.failure_message, a.bytes_downloaded, a.blocks_written, a.blocks_unchanged, a.image_forced, a.interrupted_at, "
                + "a.resumed_at "
                + "FROM attempts a JOIN routers r ON r.id = a.router_id LEFT JOIN images i ON i.id = a.image_id WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        f.since().ifPresent(t -> {
            sql.append(" AND a.started_at >= ?");
            args.add(t.toEpochMilli());
        });
        f.until().ifPresent(t -> {
            sql.append(" AND a.started_at < ?");
            args.add(t.toEpochMilli());
        });
        f.outcome().ifPresent(o -> {
            if ("RUNNING".equals(o)) {
                sql.append(" AND a.outcome IS NULL AND a.interrupted_at IS NULL");
            } else if ("INTERRUPTED".equals(o)) {
                sql.append(" AND a.outcome IS NULL AND a.interrupted_at IS NOT NULL");
            } else {
                sql.append(" AND a.outcome = ?");
                args.add(o);
            }
        });
        f.router().ifPresent(r -> {
            SshTarget t = SshTarget.parse(r);
            sql.append(" AND r.host = ?");
            args.add(t.host());
            if (SshTarget.namesPort(r)) {
                sql.append(" AND r.port = ?");
                args.add(t.port());
            }
        });
        f.batch().ifPresent(b -> {
            sql.append(" AND a.batch_id = ?");
            args.add(b);
        });
        sql.append(" ORDER BY a.started_at, a.rowid"); // in one second (a batch's routers not started): the order recorded
        List<AttemptRecord> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new AttemptRecord(rs.getString(1), rs.getString(2), rs.getInt(3), new SshTarget(rs.getString(4), rs.getInt(5))
                            .hostPort(), text(rs, 6), text(rs, 7), text(rs, 8), text(rs, 9), text(rs, 10), Instant.ofEpochMilli(rs.getLong(11)),
                            millis(rs, 12).map(Instant::ofEpochMilli), millis(rs, 13).map(Duration::ofMillis), text(rs, 14), text(rs, 15),
                            text(rs, 16), text(rs, 17), rs.getLong(18), rs.getLong(19), rs.getLong(20), rs.getInt(21) != 0,
                            millis(rs, 22).map(Instant::ofEpochMilli), millis(rs, 23).map(Instant::ofEpochMilli)));
                }
            }
        }
        return out;
    }

    /** The text in {@code column} of the current row, empty when NULL. */
    static Optional<String> text(ResultSet rs, int column) throws SQLException {
        return Optional.ofNullable(rs.getString(column));
    }

    private static Optional<Long> millis(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(v);
    }

    /** Writes what is queued, closes the file and releases the data directory. */
    @Override
    public void close() throws IOException {
        try {
            writer.close();
            hostKeys.close();
        } finally {
            lock.close();
        }
    }
}

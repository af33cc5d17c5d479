package org.fleetflash.core.history.report;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.fleetflash.core.history.AttemptFilter;
import org.fleetflash.core.history.AttemptRecord;
import org.fleetflash.core.history.History;
import org.fleetflash.core.settings.DataDirectory;
import org.fleetflash.core.text.Sanitize;

/**
 * Reads a {@link Report} from the history: the attempts {@link History#attempts(Connection, AttemptFilter)} selects
 * (the history's one filter), then, in the same read transaction, the rest of each attempt's row, its router,
 * image, phases and backups, its batch and its router's host-key changes. Every text is escaped with
 * {@link Sanitize#escape} on the way in, whatever wrote it.
 */
public final class ReportReader {

    private ReportReader() {
    }

    /** The report of {@code filter} from an open history. */
    public static Report read(History history, AttemptFilter filter, Instant now) throws IOException {
        return history.read(c -> read(c, filter, now));
    }

    /** The report of {@code filter} from {@code data}'s history, read beside the FleetFlash that holds it. */
    public static Report readBeside(DataDirectory data, AttemptFilter filter, Instant now) throws IOException {
        return History.read(data, c -> read(c, filter, now));
    }

    /** The report of {@code filter} as a read to run on a history the caller has (the window's, opened or beside). */
    public static History.Query<Report> query(AttemptFilter filter, Instant now) {
        return c -> read(c, filter, now);
    }

    private static Report read(Connection c, AttemptFilter filter, Instant now) throws SQLException {
        c.setAutoCommit(false); // one read transaction: one state of the file, even while a writer commits beside it
        try {
            List<AttemptRecord> records = History.attempts(c, filter);
            List<ReportAttempt> attempts = new ArrayList<>(records.size());
            Set<String> batchIds = new LinkedHashSet<>();
            Map<String, Long> routers = new LinkedHashMap<>();
            try (PreparedStatement row = c.prepareStatement("SELECT r.host, r.port, r.hostname, r.architecture, r.mac, r.serial, "
                    + "i.size, i.format, i.version, a.image_path, a.layout, a.blocks_failed, a.host_key_fingerprint, a.backup_dir, r.id "
                    + "FROM attempts a JOIN routers r ON r.id = a.router_id LEFT JOIN images i ON i.id = a.image_id WHERE a.id = ?");
                    PreparedStatement phases = c.prepareStatement("SELECT phase, entered_at, left_at, duration_ms FROM phase_events "
                            + "WHERE attempt_id = ? ORDER BY entered_at, id");
                    PreparedStatement backups = c.prepareStatement("SELECT partition, file, size, sha256 FROM partition_backups "
                            + "WHERE attempt_id = ? ORDER BY id")) {
                for (AttemptRecord a : records) {
                    attempts.add(attempt(a, row, phases, backups, routers));
                    batchIds.add(a.batchId());
                }
            }
            return new Report(now, filter, attempts, batches(c, batchIds), hostKeyChanges(c, routers));
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
    }

    private static ReportAttempt attempt(AttemptRecord a, PreparedStatement row, PreparedStatement phases, PreparedStatement backups,
            Map<String, Long> routers) throws SQLException {
        row.setString(1, a.attemptId());
        try (ResultSet rs = row.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("the attempt " + a.attemptId() + " vanished while it was read");
            }
            String host = rs.getString(1);
            int port = rs.getInt(2);
            ReportAttempt out = new ReportAttempt(clean(a.attemptId()), clean(a.batchId()), a.tryNumber(), clean(host), port,
                    clean(a.model()), text(rs, 3), text(rs, 4), text(rs, 5), text(rs, 6), clean(a.imageFile()), clean(a.imageSha256()),
                    number(rs, 7), text(rs, 8), text(rs, 9), text(rs, 10), text(rs, 11), clean(a.oldVersion()), clean(a.newVersion()),
                    a.startedAt(), a.endedAt(), a.duration(), clean(a.phase()), clean(a.outcomeOrRunning()), clean(a.failureCode()),
                    clean(a.failureMessage()), a.bytesDownloaded(), a.blocksWritten(), a.blocksUnchanged(), rs.getLong(12), a.imageForced(),
                    text(rs, 13), text(rs, 14), phases(phases, a.attemptId()), backups(backups, a.attemptId()), a.resumedAt());
            routers.putIfAbsent(out.router(), rs.getLong(15));
            return out;
        }
    }

    private static List<ReportAttempt.PhaseTime> phases(PreparedStatement ps, String attemptId) throws SQLException {
        ps.setString(1, attemptId);
        List<ReportAttempt.PhaseTime> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new ReportAttempt.PhaseTime(clean(rs.getString(1)), Instant.ofEpochMilli(rs.getLong(2)),
                        number(rs, 3).map(Instant::ofEpochMilli), number(rs, 4).map(Duration::ofMillis)));
            }
        }
        return out;
    }

    private static List<ReportAttempt.Backup> backups(PreparedStatement ps, String attemptId) throws SQLException {
        ps.setString(1, attemptId);
        List<ReportAttempt.Backup> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new ReportAttempt.Backup(clean(rs.getString(1)), clean(rs.getString(2)), rs.getLong(3), clean(rs.getString(4))));
            }
        }
        return out;
    }

    private static List<ReportBatch> batches(Connection c, Set<String> ids) throws SQLException {
        List<ReportBatch> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, started_at, ended_at, router_count, operator, site, halted_reason "
                + "FROM batches WHERE id = ?")) {
            for (String id : ids) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        out.add(new ReportBatch(clean(rs.getString(1)), Instant.ofEpochMilli(rs.getLong(2)),
                                number(rs, 3).map(Instant::ofEpochMilli), number(rs, 4).map(Long::intValue), text(rs, 5), text(rs, 6),
                                text(rs, 7)));
                    }
                }
            }
        }
        out.sort((x, y) -> x.startedAt().compareTo(y.startedAt()));
        return out;
    }

    private static List<HostKeyChange> hostKeyChanges(Connection c, Map<String, Long> routers) throws SQLException {
        List<HostKeyChange> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT key_type, fingerprint, pinned_at, pinned_by, attempt_id, unpinned_at, "
                + "unpinned_by FROM host_keys WHERE router_id = ? AND (pinned_by = 'UPGRADE' OR unpinned_at IS NOT NULL) ORDER BY pinned_at, id")) {
            for (Map.Entry<String, Long> r : routers.entrySet()) {
                ps.setLong(1, r.getValue());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new HostKeyChange(r.getKey(), clean(rs.getString(1)), clean(rs.getString(2)), Instant.ofEpochMilli(rs.getLong(3)),
                                clean(rs.getString(4)), text(rs, 5), number(rs, 6).map(Instant::ofEpochMilli), text(rs, 7)));
                    }
                }
            }
        }
        out.sort((x, y) -> x.at().compareTo(y.at()));
        return out;
    }

    /** A text made inert wherever it is shown: control and format characters escaped as visible text. */
    static String clean(String text) {
        return text == null ? null : Sanitize.escape(text, false);
    }

    private static Optional<String> clean(Optional<String> text) {
        return text.map(ReportReader::clean);
    }

    private static Optional<String> text(ResultSet rs, int column) throws SQLException {
        return Optional.ofNullable(rs.getString(column)).map(ReportReader::clean);
    }

    private static Optional<Long> number(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(v);
    }
}

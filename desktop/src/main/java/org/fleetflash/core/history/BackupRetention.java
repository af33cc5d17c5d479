package org.fleetflash.core.history;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Which partition backups may go, and their deletion: the newest {@code keep} backups of each router stay (so never
 * a router's only one), and so does every backup of an attempt that may still be needed to restore a router (its
 * outcome NEEDS_ATTENTION, or no outcome yet). Only directories inside the data directory's backups folder are ever
 * deleted, and each deletion is recorded on its attempt.
 */
public final class BackupRetention {

    /** The fewest backups per router a technician may keep. */
    public static final int MIN_KEEP = 1;

    /**
     * A backup that the retention would delete.
     *
     * @param attemptId the attempt that took it
     * @param router    its router, {@code host:port}
     * @param startedAt when that attempt started
     * @param directory the backup's directory
     * @param bytes     its size on disk
     */
    public record Candidate(String attemptId, String router, Instant startedAt, Path directory, long bytes) {
    }

    /** What a prune did: the backups deleted and those it could not delete (with why). */
    public record Pruned(List<Candidate> deleted, Map<Candidate, String> failed) {
    }

    private static final Set<String> KEPT_FOR_RESTORE = Set.of("NEEDS_ATTENTION");

    private final Database db;
    private final Path root;

    BackupRetention(Database db, Path backupsRoot) {
        this.db = db;
        this.root = backupsRoot.toAbsolutePath().normalize();
    }

    /** The backups beyond the newest {@code keep} per router that may be deleted, oldest first; deletes nothing. */
    public List<Candidate> candidates(int keep) throws IOException {
        if (keep < MIN_KEEP) {
            throw new IllegalArgumentException("Keep at least " + MIN_KEEP + " backup per router, not " + keep + ".");
        }
        List<Candidate> out = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT a.id, r.host, r.port, a.started_at, "
                + "a.backup_dir, a.outcome FROM attempts a JOIN routers r ON r.id = a.router_id WHERE a.backup_dir IS NOT NULL AND "
                + "a.backup_pruned_at IS NULL ORDER BY a.started_at DESC, a.id DESC"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Path dir = Path.of(rs.getString(5)).toAbsolutePath().normalize();
                if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    continue; // already gone: nothing to keep or delete
                }
                if (!complete(c, rs.getString(1))) {
                    // a backup with a file gone or cut short restores nothing: it is not one of the kept, and not deleted
                    continue;
                }
                String router = rs.getString(2) + ":" + rs.getInt(3);
                int newer = seen.merge(router, 1, Integer::sum);
                String outcome = rs.getString(6);
                boolean neededForRestore = outcome == null || KEPT_FOR_RESTORE.contains(outcome);
                if (newer > keep && !neededForRestore && inside(dir)) {
                    out.add(new Candidate(rs.getString(1), router, Instant.ofEpochMilli(rs.getLong(4)), dir, size(dir)));
                }
            }
        } catch (SQLException e) {
            throw new IOException("Cannot read the history " + db.file() + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing(Candidate::startedAt));
        return out;
    }

    /** Whether every partition file the attempt's backup recorded is there at its recorded size. */
    private static boolean complete(Connection c, String attemptId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT file, size FROM partition_backups WHERE attempt_id = ?")) {
            ps.setString(1, attemptId);
            try (ResultSet rs = ps.executeQuery()) {
                boolean any = false;
                while (rs.next()) {
                    any = true;
                    Path file = Path.of(rs.getString(1));
                    try {
                        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) != rs.getLong(2)) {
                            return false;
                        }
                    } catch (IOException e) {
                        return false;
                    }
                }
                return any;
            }
        }
    }

    /** Deletes these backups (as {@link #candidates} listed them) and records it on their attempts. */
    public Pruned prune(List<Candidate> chosen) throws IOException {
        List<Candidate> deleted = new ArrayList<>();
        Map<Candidate, String> failed = new HashMap<>();
        try (Connection c = db.connect()) {
            for (Candidate k : chosen) {
                if (!inside(k.directory())) {
                    failed.put(k, "not inside " + root);
                    continue;
                }
                try {
                    deleteTree(k.directory());
                    Rows.update(c, "UPDATE attempts SET backup_pruned_at = ? WHERE id = ?", Instant.now(), k.attemptId());
                    deleted.add(k);
                } catch (IOException e) {
                    failed.put(k, e.getMessage());
                }
            }
        } catch (SQLException e) {
            throw new IOException("Cannot record the deleted backups in " + db.file() + ": " + e.getMessage(), e);
        }
        return new Pruned(deleted, failed);
    }

    /**
     * The disk space deleting {@code chosen} would give back: a file linked from a backup that stays (decision 0022:
     * backups of the same bytes share one file) frees nothing, so it counts only when every link to it is among the
     * chosen backups. Where the file system does not say how many links a file has, every file counts.
     */
    public static long freedBytes(List<Candidate> chosen) throws IOException {
        Map<Object, long[]> seen = new HashMap<>(); // file key -> {size, links seen, links in all}
        long unknown = 0;
        for (Candidate k : chosen) {
            try (Stream<Path> files = Files.walk(k.directory())) {
                for (Path p : files.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).toList()) {
                    Object key = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                            .fileKey();
                    Integer links = linkCount(p);
                    if (key == null || links == null) {
                        unknown += Files.size(p);
                    } else {
                        seen.computeIfAbsent(key, x -> new long[] {sizeOf(p), 0, links})[1]++;
                    }
                }
            }
        }
        return unknown + seen.values().stream().filter(v -> v[1] >= v[2]).mapToLong(v -> v[0]).sum();
    }

    private static Integer linkCount(Path p) {
        try {
            return (Integer) Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return null; // no such attribute here (Windows): the file counts whole
        }
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    private boolean inside(Path dir) {
        Path d = dir.toAbsolutePath().normalize();
        return d.startsWith(root) && !d.equals(root) && d.getParent().equals(root);
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            long total = 0;
            for (Path p : files.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).toList()) {
                total += Files.size(p);
            }
            return total;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

package org.fleetflash.core.upgrade;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The partition backups this process has taken, by size and SHA-256 (decision 0022). A batch of routers of one model
 * holds the same bootloader, kernel and root file system on most of them: where the router's own SHA-256 of a
 * partition names a file this index knows, the backup links that file (one copy on disk, nothing read over SSH)
 * instead of reading the partition again. It also remembers which erase blocks an image changes over a span with given
 * digests, so that routers with the same flash do not compare the same bytes again.
 *
 * <p>Only complete backups enter it. A file found here is used only while it still exists with its size; the index
 * is bounded and lives as long as the process. Thread-safe.
 */
final class BackupIndex {

    /** How many partition files and change lists are remembered at most (the oldest are forgotten first). */
    static final int MAX_ENTRIES = 4096;

    private final boolean enabled;
    private final Map<Key, Path> files = bounded();
    private final Map<String, List<Long>> changed = bounded();

    private record Key(long size, String sha256) {
    }

    private BackupIndex(boolean enabled) {
        this.enabled = enabled;
    }

    /** An index that remembers backups. */
    static BackupIndex create() {
        return new BackupIndex(true);
    }

    /** An index that knows nothing and remembers nothing: every partition is read. */
    static BackupIndex none() {
        return new BackupIndex(false);
    }

    /** Whether a known backup file has {@code size} bytes: only then is the router asked for that partition's digest. */
    synchronized boolean knowsSize(long size) {
        return files.keySet().stream().anyMatch(k -> k.size() == size);
    }

    /** A known backup file with exactly these bytes, if it is still there with its size. */
    synchronized Optional<Path> file(long size, String sha256) {
        Key key = new Key(size, sha256);
        Path file = files.get(key);
        if (file == null) {
            return Optional.empty();
        }
        try {
            if (Files.isRegularFile(file) && Files.size(file) == size) {
                return Optional.of(file);
            }
        } catch (IOException e) {
            // gone or unreadable: forgotten below
        }
        files.remove(key);
        return Optional.empty();
    }

    /** Remembers the files of a complete backup. */
    synchronized void add(List<UpgradeEvent.PartitionBackup> backup) {
        if (enabled) {
            backup.forEach(b -> files.put(new Key(b.size(), b.sha256()), b.file()));
        }
    }

    /** The changed erase blocks found before for {@code key} ({@link #changeKey}). */
    synchronized Optional<List<Long>> changedBlocks(String key) {
        return Optional.ofNullable(changed.get(key));
    }

    /** Remembers the changed erase blocks found for {@code key}. */
    synchronized void changedBlocks(String key, List<Long> blocks) {
        if (enabled) {
            changed.put(key, List.copyOf(blocks));
        }
    }

    /**
     * What the changed blocks depend on: the padded image (its SHA-256), the erase block and the span's backups (their
     * SHA-256s, in layout order).
     */
    static String changeKey(String paddedSha256, long eraseBlock, long blocks, List<String> spanSha256s) {
        return paddedSha256 + '/' + eraseBlock + '/' + blocks + '/' + String.join(",", spanSha256s);
    }

    private static <K, V> Map<K, V> bounded() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > MAX_ENTRIES;
            }
        };
    }
}

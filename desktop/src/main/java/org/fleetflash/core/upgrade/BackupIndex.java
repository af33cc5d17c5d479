package org.fleetflash.core.upgrade;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partition backups this process has taken, by size and SHA-256 (decision 0022). A batch of routers of one model
 * holds the same bootloader, kernel and root file system on most of them: where the router's own SHA-256 of a
 * partition names a file this index knows, the backup links that file (one copy on disk, nothing read over SSH)
 * instead of reading the partition again. It also remembers which erase blocks an image changes over a span with given
 * digests, so that routers with the same flash do not compare the same bytes again.
 *
 * <p>Only complete backups enter it: this run's, and those of earlier runs that the history lists ({@link KnownBackup},
 * checked against their digest before their first use). A file found here is used only while it still exists with its
 * size; the index is bounded. Thread-safe.
 */
final class BackupIndex {

    /** How many partition files and change lists are remembered at most (the oldest are forgotten first). */
    static final int MAX_ENTRIES = 4096;

    private static final Logger LOG = LoggerFactory.getLogger(BackupIndex.class);

    private final boolean enabled;
    private final Map<Key, Known> files = bounded();
    private final Map<String, List<Long>> changed = bounded();
    /** The comparisons under way, by key: at most one per key. */
    private final Map<String, CompletableFuture<List<Long>>> comparing = new HashMap<>();

    private record Key(long size, String sha256) {
    }

    /** A file, and whether its bytes have been seen to hash to its key (a file of an earlier run is checked once). */
    private record Known(Path file, boolean checked) {
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

    /**
     * A known backup file with exactly these bytes, if it is still there with its size. A file of an earlier run is
     * hashed before its first use (a disk's bit rot, or a hand, may have changed it since): one that no longer holds
     * its bytes is forgotten, and the partition is read.
     */
    Optional<Path> file(long size, String sha256) {
        Key key = new Key(size, sha256);
        Known known;
        synchronized (this) {
            known = files.get(key);
        }
        if (known == null) {
            return Optional.empty();
        }
        boolean there;
        try {
            there = Files.isRegularFile(known.file()) && Files.size(known.file()) == size;
        } catch (IOException e) {
            there = false;
        }
        boolean holds = there && (known.checked() || sha256.equals(digestOf(known.file())));
        synchronized (this) {
            if (holds) {
                files.put(key, new Known(known.file(), true));
            } else {
                files.remove(key, known);
            }
        }
        if (there && !holds) {
            LOG.warn("The backup file {} no longer holds the bytes it was taken with (SHA-256 {}): it is not linked, and the"
                    + " partition is read from the router again", known.file(), sha256);
        }
        return holds ? Optional.of(known.file()) : Optional.empty();
    }

    private static String digestOf(Path file) {
        try {
            return Digests.sha256Hex(file);
        } catch (IOException e) {
            return ""; // unreadable: it does not hold the bytes
        }
    }

    /** Remembers the files of a complete backup of this run. */
    synchronized void add(List<UpgradeEvent.PartitionBackup> backup) {
        if (enabled) {
            backup.forEach(b -> files.put(new Key(b.size(), b.sha256()), new Known(b.file(), true)));
        }
    }

    /** Remembers backup files of earlier runs, the newest last; each is checked before it is first linked. */
    synchronized void addEarlier(List<KnownBackup> earlier) {
        if (enabled) {
            earlier.forEach(b -> files.put(new Key(b.size(), b.sha256()), new Known(b.file(), false)));
        }
    }

    /** How the changed erase blocks are found when they are not known yet ({@link ChangedBlocks#of}). */
    @FunctionalInterface
    interface Comparison {
        List<Long> compare() throws IOException;
    }

    /**
     * The changed erase blocks for {@code key} ({@link #changeKey}): those found before, else what {@code comparison}
     * finds, once. The routers of a batch's first wave all reach this point together, with the same image over the
     * same flash: one compares (reading and digesting the image), the others wait for its answer. Should that
     * comparison fail, each waiting router compares on its own.
     */
    List<Long> changedBlocks(String key, Comparison comparison) throws IOException, InterruptedException {
        if (!enabled) {
            return comparison.compare();
        }
        CompletableFuture<List<Long>> mine = null;
        CompletableFuture<List<Long>> theirs;
        synchronized (this) {
            List<Long> known = changed.get(key);
            if (known != null) {
                return known;
            }
            theirs = comparing.get(key);
            if (theirs == null) {
                mine = new CompletableFuture<>();
                comparing.put(key, mine);
            }
        }
        if (theirs != null) {
            try {
                return theirs.get();
            } catch (ExecutionException e) {
                return comparison.compare();
            }
        }
        try {
            List<Long> found = List.copyOf(comparison.compare());
            synchronized (this) {
                changed.put(key, found);
                comparing.remove(key);
            }
            mine.complete(found);
            return found;
        } catch (IOException | RuntimeException | Error e) {
            synchronized (this) {
                comparing.remove(key);
            }
            mine.completeExceptionally(e);
            throw e;
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

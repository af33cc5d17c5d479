package org.fleetflash.core.upgrade;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.fleetflash.agent.protocol.DeviceFacts;
import org.fleetflash.agent.protocol.Partition;
import org.fleetflash.core.settings.DataDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backup of a router's flash on the laptop: one owner-only file per partition and a SHA256SUMS file, in a
 * directory of its own per attempt ({@code HOST_ROUTER_ATTEMPT}, router strings made file-name safe). A backup that
 * fails half-way is removed, so that no partial copy is ever taken for a good one.
 */
final class Backups {

    private static final Logger LOG = LoggerFactory.getLogger(Backups.class);

    /** Reports each partition as it completes. */
    @FunctionalInterface
    interface Progress {
        void partition(int index, int count, Partition partition);
    }

    private Backups() {
    }

    /** The directory for this attempt's backup under {@code root}. */
    static Path directoryFor(Path root, DeviceFacts facts, String router, String attempt) {
        return root.resolve(safeName(facts.hostname(), 48) + "_" + safeName(router, 64) + "_" + attempt);
    }

    /**
     * Copies every partition into {@code dir} (created here, owner-only).
     *
     * @throws UpgradeFailure BACKUP_FAILED (the partial backup removed), or the router side's own failure
     */
    static List<UpgradeEvent.PartitionBackup> take(RouterSide router, DeviceFacts facts, Path dir, Progress progress)
            throws UpgradeFailure {
        try {
            DataDirectory.ownerOnlyDirectory(dir.getParent());
            Files.createDirectory(dir);
            DataDirectory.ownerOnlyDirectory(dir);
        } catch (IOException e) {
            throw new UpgradeFailure(Outcome.FAILED_SAFE, FailureCode.BACKUP_FAILED, "Could not create the backup directory "
                    + dir + ": " + e.getMessage() + ". Check the data directory; nothing was changed on the router.", e);
        }
        boolean complete = false;
        List<Partition> parts = facts.partitions();
        Splitter split = new Splitter(parts, progress);
        try {
            Set<String> used = new HashSet<>();
            for (int i = 0; i < parts.size(); i++) {
                String base = safeName(parts.get(i).name(), 64);
                String fileName = used.add(base) ? base + ".bin" : base + "-" + i + ".bin";
                used.add(fileName);
                split.files.add(dir.resolve(fileName));
            }
            // one stream for the whole flash: one agent run instead of one per partition
            long n = router.readPartitions(parts.stream().map(Partition::name).toList(), split::write);
            split.close();
            long expected = parts.stream().mapToLong(Partition::size).sum();
            if (n != expected || split.done.size() != parts.size()) {
                Partition short_ = parts.get(Math.min(split.done.size(), parts.size() - 1));
                throw new UpgradeFailure(Outcome.FAILED_SAFE, FailureCode.BACKUP_FAILED, "The backup of partition "
                        + short_.name() + " ended after " + n + " of " + expected + " bytes of the flash; the incomplete backup"
                        + " was removed and nothing was changed on the router. Try again; if it happens again, the router's"
                        + " flash may be failing.");
            }
            StringBuilder sums = new StringBuilder();
            for (UpgradeEvent.PartitionBackup b : split.done) {
                sums.append(b.sha256()).append("  ").append(b.file().getFileName()).append('\n');
            }
            try (OutputStream out = newOwnerOnlyFile(dir.resolve("SHA256SUMS"))) {
                out.write(sums.toString().getBytes(StandardCharsets.UTF_8));
            }
            complete = true;
            return List.copyOf(split.done);
        } catch (UpgradeFailure f) {
            if (f.code() == FailureCode.BACKUP_FAILED) {
                throw f;
            }
            throw new UpgradeFailure(f.outcome(), FailureCode.BACKUP_FAILED, "Could not back up partition " + split.current()
                    + " before writing the flash: " + f.getMessage() + " The incomplete backup was removed; nothing was changed"
                    + " on the router.", f);
        } catch (IOException e) {
            throw new UpgradeFailure(Outcome.FAILED_SAFE, FailureCode.BACKUP_FAILED, "Could not write the backup of partition "
                    + split.current() + " to " + dir + ": " + e.getMessage() + ". Free some disk space; the incomplete backup was"
                    + " removed and nothing was changed on the router.", e);
        } finally {
            split.closeQuietly();
            if (!complete) {
                deleteTree(dir);
            }
        }
    }

    /** Cuts the flash's stream into one owner-only file per partition, each with its digest. */
    private static final class Splitter {
        private final List<Partition> parts;
        private final Progress progress;
        final List<Path> files = new ArrayList<>();
        final List<UpgradeEvent.PartitionBackup> done = new ArrayList<>();
        private OutputStream out;
        private MessageDigest sha;
        private long left;

        Splitter(List<Partition> parts, Progress progress) {
            this.parts = parts;
            this.progress = progress;
        }

        String current() {
            return parts.isEmpty() ? "" : parts.get(Math.min(done.size(), parts.size() - 1)).name();
        }

        void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (out == null) {
                    while (done.size() < parts.size() && parts.get(done.size()).size() == 0) {
                        open();
                        finish();
                    }
                    if (done.size() == parts.size()) {
                        throw new IOException("the router sent more bytes than its partitions hold");
                    }
                    open();
                }
                int n = (int) Math.min(len, left);
                out.write(b, off, n);
                sha.update(b, off, n);
                left -= n;
                off += n;
                len -= n;
                if (left == 0) {
                    finish();
                }
            }
        }

        private void open() throws IOException {
            Partition p = parts.get(done.size());
            out = newOwnerOnlyFile(files.get(done.size()));
            sha = Digests.sha256();
            left = p.size();
        }

        private void finish() throws IOException {
            Partition p = parts.get(done.size());
            out.close();
            out = null;
            done.add(new UpgradeEvent.PartitionBackup(p.name(), files.get(done.size()), p.size(),
                    HexFormat.of().formatHex(sha.digest())));
            progress.partition(done.size(), parts.size(), p);
        }

        /** Completes trailing empty partitions. */
        void close() throws IOException {
            while (out == null && done.size() < parts.size() && parts.get(done.size()).size() == 0) {
                open();
                finish();
            }
        }

        void closeQuietly() {
            if (out != null) {
                try {
                    out.close();
                } catch (IOException e) {
                    LOG.debug("Closing a backup file failed: {}", e.getMessage());
                }
                out = null;
            }
        }
    }

    /** A file-name-safe form of a router string: only [A-Za-z0-9._-], at most {@code max} characters, never empty. */
    static String safeName(String s, int max) {
        String safe = s.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("\\.{2,}", "_").replaceAll("^\\.", "_");
        if (safe.length() > max) {
            safe = safe.substring(0, max);
        }
        return safe.isEmpty() ? "_" : safe;
    }

    private static OutputStream newOwnerOnlyFile(Path file) throws IOException {
        return Files.newOutputStream(DataDirectory.createOwnerOnlyFile(file), StandardOpenOption.WRITE);
    }

    /** Removes a backup that did not complete; what cannot be removed is logged, never thrown. */
    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("Could not remove the incomplete backup {}: {}", dir, e.getMessage());
        }
    }
}

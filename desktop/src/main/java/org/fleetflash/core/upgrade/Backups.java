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
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.fleetflash.agent.protocol.AgentLine;
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

    /**
     * The smallest partition worth a digest run of its own before the backup: each costs the router a start of the
     * agent, more than reading a small partition (a boot loader, a configuration, radio data) along with the others.
     */
    static final long MIN_LINKED = 1 << 20;

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
     * Copies every partition into {@code dir} (created here, owner-only). A partition whose bytes {@code index} already
     * holds, as the router's own SHA-256 of it shows, is linked to that file instead of read (decision 0022); every
     * other partition is read in one stream. A complete backup enters {@code index}.
     *
     * @throws UpgradeFailure BACKUP_FAILED (the partial backup removed), or the router side's own failure
     */
    static List<UpgradeEvent.PartitionBackup> take(RouterSide router, DeviceFacts facts, Path dir, BackupIndex index,
            Progress progress) throws UpgradeFailure {
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
        List<Path> files = fileNames(dir, parts);
        int[] reported = {0};
        Progress counted = (i, count, p) -> progress.partition(++reported[0], parts.size(), p);
        UpgradeEvent.PartitionBackup[] taken = new UpgradeEvent.PartitionBackup[parts.size()];
        Splitter split = null;
        List<Integer> toRead = new ArrayList<>();
        try {
            link(router, facts, files, index, taken, counted);
            for (int i = 0; i < parts.size(); i++) {
                if (taken[i] == null) {
                    toRead.add(i);
                }
            }
            split = new Splitter(toRead.stream().map(parts::get).toList(), toRead.stream().map(files::get).toList(), counted);
            if (!toRead.isEmpty()) {
                // one stream for every partition to read: one agent run instead of one per partition
                long n = router.readPartitions(toRead.stream().map(i -> parts.get(i).name()).toList(), split::write);
                split.close();
                long expected = toRead.stream().mapToLong(i -> parts.get(i).size()).sum();
                if (n != expected || split.done.size() != toRead.size()) {
                    Partition short_ = parts.get(toRead.get(Math.min(split.done.size(), toRead.size() - 1)));
                    throw new UpgradeFailure(Outcome.FAILED_SAFE, FailureCode.BACKUP_FAILED, "The backup of partition "
                            + short_.name() + " ended after " + n + " of " + expected + " bytes read from the flash; the"
                            + " incomplete backup was removed and nothing was changed on the router. Try again; if it happens"
                            + " again, the router's flash may be failing.");
                }
                for (int k = 0; k < toRead.size(); k++) {
                    taken[toRead.get(k)] = split.done.get(k);
                }
            }
            StringBuilder sums = new StringBuilder();
            for (UpgradeEvent.PartitionBackup b : taken) {
                sums.append(b.sha256()).append("  ").append(b.file().getFileName()).append('\n');
            }
            try (OutputStream out = newOwnerOnlyFile(dir.resolve("SHA256SUMS"))) {
                out.write(sums.toString().getBytes(StandardCharsets.UTF_8));
            }
            complete = true;
            List<UpgradeEvent.PartitionBackup> backup = List.of(taken);
            index.add(backup);
            return backup;
        } catch (UpgradeFailure f) {
            if (split != null && split.localFailure != null) {
                // the laptop's write failed inside the stream, and the session went down with it: say what really failed
                throw cannotWrite(parts, taken, toRead, split, dir, split.localFailure);
            }
            if (f.code() == FailureCode.BACKUP_FAILED) {
                throw f;
            }
            throw new UpgradeFailure(f.outcome(), FailureCode.BACKUP_FAILED, "Could not back up partition "
                    + current(parts, taken, toRead, split) + " before writing the flash: " + f.getMessage() + " The incomplete backup was"
                    + " removed; nothing was changed on the router.", f);
        } catch (IOException e) {
            throw cannotWrite(parts, taken, toRead, split, dir, split != null && split.localFailure != null ? split.localFailure : e);
        } finally {
            if (split != null) {
                split.closeQuietly();
            }
            if (!complete) {
                deleteTree(dir);
            }
        }
    }

    private static UpgradeFailure cannotWrite(List<Partition> parts, UpgradeEvent.PartitionBackup[] taken, List<Integer> toRead,
            Splitter split, Path dir, IOException e) {
        return new UpgradeFailure(Outcome.FAILED_SAFE, FailureCode.BACKUP_FAILED, "Could not write the backup of partition "
                + current(parts, taken, toRead, split) + " to " + dir + " on this computer: " + e.getMessage() + ". Free some disk space"
                + " there (or choose another data directory); the incomplete backup was removed and nothing was changed on the router.",
                e);
    }

    /** One file name per partition, file-name safe and unique in the directory. */
    private static List<Path> fileNames(Path dir, List<Partition> parts) {
        List<Path> files = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (int i = 0; i < parts.size(); i++) {
            String base = safeName(parts.get(i).name(), 64);
            String fileName = used.add(base) ? base + ".bin" : base + "-" + i + ".bin";
            used.add(fileName);
            files.add(dir.resolve(fileName));
        }
        return files;
    }

    /**
     * Links every partition whose bytes {@code index} holds: the router digests the partitions of at least
     * {@link #MIN_LINKED} bytes and of a size that the index knows (one exec, where it has {@code sha256}), and each
     * digest found there becomes a hard link to the known file. Whatever cannot be linked (no such digest, a file
     * system without links) is left to be read.
     */
    private static void link(RouterSide router, DeviceFacts facts, List<Path> files, BackupIndex index,
            UpgradeEvent.PartitionBackup[] taken, Progress progress) throws UpgradeFailure {
        if (!facts.hasTool("sha256")) {
            return;
        }
        List<Partition> parts = facts.partitions();
        List<Integer> asked = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            Partition p = parts.get(i);
            if (p.size() >= MIN_LINKED && p.eraseBlock() > 0 && p.size() % p.eraseBlock() == 0 && index.knowsSize(p.size())) {
                asked.add(i);
            }
        }
        if (asked.isEmpty()) {
            return;
        }
        List<AgentLine.Digest> digests = router.partitionDigests(asked.stream().map(parts::get).toList());
        for (int k = 0; k < Math.min(digests.size(), asked.size()); k++) {
            int i = asked.get(k);
            Partition p = parts.get(i);
            String sha256 = digests.get(k).sha256();
            Optional<Path> known = index.file(p.size(), sha256);
            if (known.isEmpty()) {
                continue;
            }
            try {
                Files.createLink(files.get(i), known.get());
                taken[i] = new UpgradeEvent.PartitionBackup(p.name(), files.get(i), p.size(), sha256);
                progress.partition(i, parts.size(), p);
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                LOG.debug("Could not link {} to {} ({}): reading the partition instead", files.get(i), known.get(), e.getMessage());
            }
        }
    }

    /** The partition being backed up when a step failed: the one being read, else the first one not taken. */
    private static String current(List<Partition> parts, UpgradeEvent.PartitionBackup[] taken, List<Integer> toRead,
            Splitter split) {
        if (split != null && split.done.size() < toRead.size()) {
            return parts.get(toRead.get(split.done.size())).name();
        }
        for (int i = 0; i < parts.size(); i++) {
            if (taken[i] == null) {
                return parts.get(i).name();
            }
        }
        return parts.isEmpty() ? "" : parts.get(parts.size() - 1).name();
    }

    /** Cuts the flash's stream into one owner-only file per partition, each with its digest. */
    private static final class Splitter {
        private final List<Partition> parts;
        private final Progress progress;
        private final List<Path> files;
        final List<UpgradeEvent.PartitionBackup> done = new ArrayList<>();
        private OutputStream out;
        private MessageDigest sha;
        private long left;
        /** The laptop's own write that failed (a full disk, say), as the stream's callback saw it, or null. */
        volatile IOException localFailure;

        Splitter(List<Partition> parts, List<Path> files, Progress progress) {
            this.parts = parts;
            this.files = files;
            this.progress = progress;
        }

        /**
         * Writes what the router sent; a failure of this computer's own files is remembered ({@link #localFailure}),
         * since the stream that calls this only sees its session go down.
         */
        void write(byte[] b, int off, int len) throws IOException {
            try {
                split(b, off, len);
            } catch (TooMuch e) {
                throw e; // the router's doing, not this computer's
            } catch (IOException e) {
                localFailure = e;
                throw e;
            }
        }

        private void split(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (out == null) {
                    while (done.size() < parts.size() && parts.get(done.size()).size() == 0) {
                        open();
                        finish();
                    }
                    if (done.size() == parts.size()) {
                        throw new TooMuch();
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

        /** The router sent more than its partitions hold. */
        private static final class TooMuch extends IOException {
            TooMuch() {
                super("the router sent more bytes than its partitions hold");
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

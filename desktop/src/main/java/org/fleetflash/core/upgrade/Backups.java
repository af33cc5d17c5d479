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
import org.fleetflash.agent.plan.FlashPlan;
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
        String current = "";
        try {
            List<UpgradeEvent.PartitionBackup> files = new ArrayList<>();
            StringBuilder sums = new StringBuilder();
            Set<String> used = new HashSet<>();
            int i = 0;
            for (Partition p : facts.partitions()) {
                current = p.name();
                String base = safeName(p.name(), 64);
                String fileName = used.add(base) ? base + ".bin" : base + "-" + i + ".bin";
                used.add(fileName);
                Path file = dir.resolve(fileName);
                MessageDigest sha = Digests.sha256();
                long n;
                try (OutputStream out = newOwnerOnlyFile(file)) {
                    n = router.readPartition(p.name(), (b, off, len) -> {
                        out.write(b, off, len);
                        sha.update(b, off, len);
                    });
                }
                if (n != p.size()) {
                    throw new UpgradeFailure(Outcome.FAILED_SAFE, FailureCode.BACKUP_FAILED, "The backup of partition "
                            + p.name() + " read " + n + " bytes instead of " + p.size() + "; the incomplete backup was removed"
                            + " and nothing was changed on the router. Try again; if it happens again, the router's flash may"
                            + " be failing.");
                }
                String hex = HexFormat.of().formatHex(sha.digest());
                sums.append(hex).append("  ").append(fileName).append('\n');
                files.add(new UpgradeEvent.PartitionBackup(p.name(), file, n, hex));
                progress.partition(++i, facts.partitions().size(), p);
            }
            try (OutputStream out = newOwnerOnlyFile(dir.resolve("SHA256SUMS"))) {
                out.write(sums.toString().getBytes(StandardCharsets.UTF_8));
            }
            complete = true;
            return files;
        } catch (UpgradeFailure f) {
            if (f.code() == FailureCode.BACKUP_FAILED) {
                throw f;
            }
            throw new UpgradeFailure(f.outcome(), FailureCode.BACKUP_FAILED, "Could not back up partition " + current
                    + " before writing the flash: " + f.getMessage() + " The incomplete backup was removed; nothing was changed"
                    + " on the router.", f);
        } catch (IOException e) {
            throw new UpgradeFailure(Outcome.FAILED_SAFE, FailureCode.BACKUP_FAILED, "Could not write the backup of partition "
                    + current + " to " + dir + ": " + e.getMessage() + ". Free some disk space; the incomplete backup was"
                    + " removed and nothing was changed on the router.", e);
        } finally {
            if (!complete) {
                deleteTree(dir);
            }
        }
    }

    /** Whether the backup shows the layout's span already holding the plan's padded image byte for byte. */
    static boolean holdsImage(List<UpgradeEvent.PartitionBackup> backup, FlashPlan plan) throws UpgradeFailure {
        MessageDigest sha = Digests.sha256();
        long left = plan.paddedSize();
        try {
            for (String name : plan.layout()) {
                UpgradeEvent.PartitionBackup b = backup.stream().filter(p -> p.partition().equals(name)).findFirst().orElse(null);
                if (b == null) {
                    return false;
                }
                byte[] bytes = Files.readAllBytes(b.file());
                int n = (int) Math.min(bytes.length, left);
                sha.update(bytes, 0, n);
                left -= n;
            }
        } catch (IOException e) {
            throw new UpgradeFailure(Outcome.FAILED_SAFE, FailureCode.BACKUP_FAILED, "Could not read the backup back: "
                    + e.getMessage() + ". Nothing was changed on the router.", e);
        }
        return left == 0 && HexFormat.of().formatHex(sha.digest()).equals(plan.paddedSha256());
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

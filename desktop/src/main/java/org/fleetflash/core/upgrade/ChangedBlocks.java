package org.fleetflash.core.upgrade;

import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import org.fleetflash.agent.plan.FlashPlan;

/**
 * Which erase blocks of the span the flasher has to write: those where the padded image differs from the
 * flash as the backup of this attempt saw it. The flasher then neither reads nor writes the other blocks
 * (docs/decisions/0007-flash-only-changed-blocks.md); the read-back after the return still checks them all.
 */
public final class ChangedBlocks {

    private ChangedBlocks() {
    }

    /**
     * Compares the padded image with the layout's backup, block by block.
     *
     * @param plan the plan of this attempt (image size, erase block, layout)
     * @param image the image file the plan was made from
     * @param layoutBackups the backup files of the plan's layout partitions, in layout order: together the span
     * @return the 0-based span block indexes that differ, ascending; a block the backups do not cover counts as changed
     * @throws IOException when a file cannot be read
     * @throws IllegalArgumentException when the image is not the planned one (size, padded SHA-256) or the backups do
     *     not match the layout
     */
    public static List<Long> of(FlashPlan plan, Path image, List<Path> layoutBackups) throws IOException {
        if (layoutBackups.size() != plan.layout().size()) {
            throw new IllegalArgumentException("one backup file per layout partition " + plan.layout() + " is needed, got "
                    + layoutBackups.size());
        }
        if (Files.size(image) != plan.imageSize()) {
            throw new IllegalArgumentException("the image " + image + " has " + Files.size(image) + " bytes, the plan "
                    + plan.imageSize());
        }
        int eb = Math.toIntExact(plan.eraseBlock());
        long blocks = plan.blocks();
        List<Long> changed = new ArrayList<>();
        byte[] want = new byte[eb];
        MessageDigest padded = Digests.sha256();
        try (InputStream img = Files.newInputStream(image); InputStream flash = concatenated(layoutBackups)) {
            for (long b = 0; b < blocks; b++) {
                int n = img.readNBytes(want, 0, eb);
                Arrays.fill(want, n, eb, FlashPlan.PAD);
                padded.update(want);
                byte[] have = flash.readNBytes(eb);
                if (!Arrays.equals(want, have)) {
                    changed.add(b);
                }
            }
        }
        if (!HexFormat.of().formatHex(padded.digest()).equals(plan.paddedSha256())) {
            throw new IllegalArgumentException("the image " + image + " is no longer the one planned (its padded SHA-256"
                    + " differs from the plan's)");
        }
        return Collections.unmodifiableList(changed);
    }

    private static InputStream concatenated(List<Path> files) throws IOException {
        List<InputStream> streams = new ArrayList<>();
        try {
            for (Path f : files) {
                streams.add(Files.newInputStream(f));
            }
        } catch (IOException e) {
            for (InputStream s : streams) {
                s.close();
            }
            throw e;
        }
        Iterator<InputStream> it = streams.iterator();
        return new SequenceInputStream(new java.util.Enumeration<>() {
            @Override
            public boolean hasMoreElements() {
                return it.hasNext();
            }

            @Override
            public InputStream nextElement() {
                return it.next();
            }
        });
    }
}

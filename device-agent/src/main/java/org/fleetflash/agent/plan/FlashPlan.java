package org.fleetflash.agent.plan;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fleetflash.agent.protocol.Partition;

/**
 * Which bytes of the image go where on the router's flash: computed by the desktop from the image and
 * the probed partition table, re-checked by the agent on the device (one place decides, the other
 * verifies).
 *
 * <p>The layout names contiguous partitions in order ({@code kernel rootfs}); together they form the
 * <em>span</em>. The image is written from the start of the span, each segment through the partition
 * it falls into, the last erase block of each segment padded with {@code 0x00} (as {@code dd conv=sync}
 * does). Where a board finds the kernel/rootfs boundary by searching the flash (TL-WDR4300 hints), the
 * boundary moves with the image; so verification works on the span ({@link #paddedSha256()}), never on
 * the old boundary. Partitions outside the layout are never touched.
 */
public record FlashPlan(List<String> layout, long imageSize, String imageSha256, long eraseBlock,
        long spanOffset, long spanSize, long paddedSize, String paddedSha256, List<Segment> segments) {

    /** Padding byte of the last erase block: what {@code dd conv=sync} writes. */
    public static final byte PAD = 0x00;

    /** One partition's share of the image. */
    public record Segment(String partition, long flashOffset, long imageOffset, long length, long paddedLength,
            String paddedSha256) {
        /** Erase blocks this segment covers. */
        public long blocks(long eraseBlock) {
            return paddedLength / eraseBlock;
        }
    }

    public FlashPlan {
        layout = List.copyOf(layout);
        segments = List.copyOf(segments);
    }

    /** Erase blocks the whole image covers. */
    public long blocks() {
        return paddedSize / eraseBlock;
    }

    /**
     * Plans the image onto the layout.
     *
     * @throws PlanRefusedException when the layout does not exist, is not contiguous or writable, the erase
     *     block is unknown or does not divide the partitions, or the image does not fit
     */
    public static FlashPlan create(Path image, List<Partition> partitions, List<String> layout, long eraseBlock)
            throws IOException, PlanRefusedException {
        long imageSize = Files.size(image);
        List<Partition> span = checkLayout(partitions, layout, eraseBlock);
        long spanOffset = span.get(0).offset();
        long spanSize = span.stream().mapToLong(Partition::size).sum();
        if (imageSize == 0) {
            throw new PlanRefusedException(PlanRefusedException.Reason.EMPTY_IMAGE,
                    "The image " + image.getFileName() + " is empty. Choose the firmware image file.");
        }
        if (imageSize > spanSize) {
            throw new PlanRefusedException(PlanRefusedException.Reason.IMAGE_TOO_LARGE, String.format(
                    "The image is too large by %d bytes: %d bytes do not fit the %d bytes of %s."
                            + " Choose an image built for this router model.",
                    imageSize - spanSize, imageSize, spanSize, String.join(" + ", layout)));
        }
        long paddedSize = roundUp(imageSize, eraseBlock);
        List<Segment> segments = new ArrayList<>();
        MessageDigest whole = sha256();
        MessageDigest padded = sha256();
        try (InputStream in = Files.newInputStream(image)) {
            long imageOffset = 0;
            for (Partition p : span) {
                long length = Math.min(imageSize - imageOffset, p.size());
                if (length <= 0) {
                    break;
                }
                long paddedLength = roundUp(length, eraseBlock);
                MessageDigest segment = sha256();
                copyDigest(in, length, whole, padded, segment);
                byte[] pad = new byte[(int) (paddedLength - length)];
                java.util.Arrays.fill(pad, PAD);
                padded.update(pad);
                segment.update(pad);
                segments.add(new Segment(p.name(), p.offset(), imageOffset, length, paddedLength, hex(segment)));
                imageOffset += length;
            }
        }
        return new FlashPlan(layout, imageSize, hex(whole), eraseBlock, spanOffset, spanSize, paddedSize, hex(padded),
                segments);
    }

    private static List<Partition> checkLayout(List<Partition> partitions, List<String> layout, long eraseBlock)
            throws PlanRefusedException {
        if (layout.isEmpty()) {
            throw new PlanRefusedException(PlanRefusedException.Reason.EMPTY_LAYOUT,
                    "The layout names no partition. Name the partitions the image spans, e.g. \"kernel rootfs\".");
        }
        if (eraseBlock <= 0) {
            throw new PlanRefusedException(PlanRefusedException.Reason.NO_ERASE_BLOCK,
                    "The router did not report its flash erase block (Stripesize), so no write can be aligned."
                            + " Probe it again; if it persists, the router's GEOM_MAP support is not usable.");
        }
        Map<String, Partition> byName = new HashMap<>();
        partitions.forEach(p -> byName.put(p.name(), p));
        Set<String> seen = new HashSet<>();
        List<Partition> span = new ArrayList<>();
        for (String name : layout) {
            if (!seen.add(name)) {
                throw new PlanRefusedException(PlanRefusedException.Reason.DUPLICATE_PARTITION,
                        "The layout names " + name + " twice. Name each partition once, in flash order.");
            }
            Partition p = byName.get(name);
            if (p == null) {
                throw new PlanRefusedException(PlanRefusedException.Reason.UNKNOWN_PARTITION,
                        "The router has no partition named " + name + "; it has "
                                + String.join(", ", partitions.stream().map(Partition::name).toList())
                                + ". Check the layout for this model.");
            }
            if (p.readonly()) {
                throw new PlanRefusedException(PlanRefusedException.Reason.READONLY_PARTITION,
                        "Partition " + name + " is read-only on this router (hint.map readonly=1): its firmware"
                                + " cannot be upgraded online. It needs a build with writable partitions.");
            }
            if (p.offset() % eraseBlock != 0 || p.size() % eraseBlock != 0) {
                throw new PlanRefusedException(PlanRefusedException.Reason.MISALIGNED_PARTITION, String.format(
                        "Partition %s (offset %d, size %d) is not a whole number of %d-byte erase blocks;"
                                + " writing it would fail. Check the router's partition hints.",
                        name, p.offset(), p.size(), eraseBlock));
            }
            if (!span.isEmpty()) {
                Partition prev = span.get(span.size() - 1);
                if (prev.offset() + prev.size() != p.offset()) {
                    throw new PlanRefusedException(PlanRefusedException.Reason.NOT_CONTIGUOUS, String.format(
                            "Partitions %s and %s are not contiguous (%s ends at %d, %s starts at %d)."
                                    + " Name adjacent partitions in flash order.",
                            prev.name(), name, prev.name(), prev.offset() + prev.size(), name, p.offset()));
                }
            }
            span.add(p);
        }
        return span;
    }

    private static void copyDigest(InputStream in, long length, MessageDigest... digests) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long left = length;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new IOException("The image ended early (did it change while being planned?)");
            }
            for (MessageDigest d : digests) {
                d.update(buf, 0, n);
            }
            left -= n;
        }
    }

    static long roundUp(long value, long unit) {
        return (value + unit - 1) / unit * unit;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static String hex(MessageDigest d) {
        return HexFormat.of().formatHex(d.digest());
    }
}

package org.fleetflash.agent.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Pattern;

/**
  * Synthetic firmware images the simulated router can boot. An image is a kernel part that starts
  * with a 512-byte text header ({@code FFSIMG1}, version, total and kernel length) and a rootfs part
  * that starts with the profile's boundary marker ({@code #!/bin/sh} for a {@code .!/bin/sh} search)
  * at an erase-block boundary; the rest is deterministic pseudo-random bytes, and the last
  * {@value #TRAILER_SIZE} bytes are a trailer with the SHA-256 of everything between header and
  * trailer. The digest sits at the end so that two images of one version that differ only in their
  * last erase blocks differ nowhere else, as real images that share a kernel and most of a rootfs do.
  */
public final class SimImage {

    /** Size of the header at the start of the kernel part. */
    public static final int HEADER_SIZE = 512;
    /** Size of the digest trailer at the end of the image. */
    public static final int TRAILER_SIZE = 96;
    private static final String TRAILER_KEY = "FFSIMG1-SHA256=";
    private static final String MAGIC = "FFSIMG1\n";
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,63}");

    private SimImage() {}

    /** Writes an image of the profile carrying {@code version}; size 0 means the profile's image size. */
    public static void write(Profile p, String version, long sizeOrZeroForDefault, Path out) throws IOException {
        Files.write(out, bytes(p, version, sizeOrZeroForDefault));
    }

    /** An image whose filler is seeded from the version: two versions differ everywhere. */
    public static byte[] bytes(Profile p, String version, long sizeOrZeroForDefault) {
        return bytes(p, version, sizeOrZeroForDefault, seedOf(version));
    }

    /** An image with an explicit filler seed: same seed and size, same bytes after the header. */
    public static byte[] bytes(Profile p, String version, long sizeOrZeroForDefault, long seed) {
        long size = sizeOrZeroForDefault == 0 ? p.imageSize() : sizeOrZeroForDefault;
        long span = p.spanEnd() - p.spanStart();
        int kernel = kernelLength(p);
        if (size > span || size < kernel + p.eraseBlock()) {
            throw new IllegalArgumentException("Image size " + size + " must be between " + (kernel + p.eraseBlock())
                    + " and the layout span " + span + " of profile " + p.name());
        }
        byte[] img = new byte[(int) size];
        new Random(seed).nextBytes(img);
        byte[] marker = p.boundarySearch().map(Profile.Search::marker).orElse("#!/bin/sh".getBytes(StandardCharsets.US_ASCII));
        System.arraycopy(marker, 0, img, kernel, marker.length);
        return restamp(p, img, version);
    }

    /**
      * Writes a fresh header (version, lengths, digest) over the first 512 bytes of {@code image}
      * and returns it: tests change blocks of a valid image and restamp it to get a bootable one
      * that differs only in the header block and the changed blocks.
      */
    public static byte[] restamp(Profile p, byte[] image, String version) {
        if (!VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("Image version '" + version + "' must be 1-64 of [A-Za-z0-9._+-]");
        }
        byte[] out = image.clone();
        String header = MAGIC + "version=" + version + "\ntotal=" + out.length + "\nkernel=" + kernelLength(p) + "\n";
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        Arrays.fill(out, 0, HEADER_SIZE, (byte) 0);
        System.arraycopy(h, 0, out, 0, h.length);
        int trailerAt = out.length - TRAILER_SIZE;
        byte[] t = (TRAILER_KEY + sha256(out, HEADER_SIZE, trailerAt - HEADER_SIZE) + "\n").getBytes(StandardCharsets.US_ASCII);
        Arrays.fill(out, trailerAt, out.length, (byte) 0);
        System.arraycopy(t, 0, out, trailerAt, t.length);
        return out;
    }

    /**
      * The same image (same version, same length) with its last {@code blocks} erase blocks changed and
      * the trailer renewed: what a rebuild that changed only the end of the rootfs looks like. Counts
      * the last, possibly partial block as one.
      */
    public static byte[] withChangedTail(Profile p, byte[] image, int blocks) {
        Map<String, String> h = header(Arrays.copyOf(image, HEADER_SIZE));
        if (h.isEmpty()) {
            throw new IllegalArgumentException("Not a simulator image: its header is missing");
        }
        int eb = p.eraseBlock();
        int lastBlock = (image.length - 1) / eb;
        int tailStart = (lastBlock - blocks + 1) * eb;
        if (blocks < 1 || tailStart < kernelLength(p) + eb) {
            throw new IllegalArgumentException("Can change 1 to " + (lastBlock - kernelLength(p) / eb - 1)
                    + " trailing erase blocks of this image, not " + blocks);
        }
        byte[] out = image.clone();
        for (int i = tailStart; i < out.length; i++) {
            out[i] = (byte) ~out[i];
        }
        return restamp(p, out, h.get("version"));
    }

    /** Length of the kernel part: the fixed kernel partition, or the profile's kernel size rounded up to the search step. */
    public static int kernelLength(Profile p) {
        Profile.Partition first = p.partition(p.layout().get(0)).orElseThrow();
        if (first.end() instanceof Profile.Fixed f) {
            return (int) (f.offset() - p.spanStart());
        }
        long step = p.boundarySearch().orElseThrow().step();
        long k = p.imageKernelSize() > 0 ? p.imageKernelSize() : 19L * step;
        return (int) ((k + step - 1) / step * step);
    }

    /** What the router would boot from this flash file; empty when the image there is not intact. */
    public static Optional<String> bootableVersion(Profile p, Path flashFile) throws IOException {
        return bootableVersion(p, Files.readAllBytes(flashFile));
    }

    /** What the router would boot from these flash contents; empty when the image there is not intact. */
    public static Optional<String> bootableVersion(Profile p, byte[] flash) {
        FlashLayout layout = FlashLayout.resolve(p, flash);
        for (String name : p.layout()) {
            if (layout.slice(name).isEmpty()) {
                return Optional.empty();
            }
        }
        int start = (int) p.spanStart();
        long span = p.spanEnd() - p.spanStart();
        Map<String, String> h = header(Arrays.copyOfRange(flash, start, start + HEADER_SIZE));
        if (h.isEmpty()) {
            return Optional.empty();
        }
        try {
            long total = Long.parseLong(h.getOrDefault("total", "-1"));
            long kernel = Long.parseLong(h.getOrDefault("kernel", "-1"));
            if (total <= HEADER_SIZE || total > span || kernel <= 0 || kernel >= total) {
                return Optional.empty();
            }
            FlashLayout.Slice second = layout.slice(p.layout().get(Math.min(1, p.layout().size() - 1))).orElseThrow();
            if (p.layout().size() > 1 && second.offset() != start + kernel) {
                return Optional.empty();
            }
            int trailerAt = start + (int) total - TRAILER_SIZE;
            String trailer = new String(flash, trailerAt, TRAILER_SIZE, StandardCharsets.ISO_8859_1);
            if (!trailer.startsWith(TRAILER_KEY)) {
                return Optional.empty();
            }
            String expected = trailer.substring(TRAILER_KEY.length(), TRAILER_KEY.length() + 64);
            String digest = sha256(flash, start + HEADER_SIZE, trailerAt - start - HEADER_SIZE);
            return digest.equals(expected) ? Optional.ofNullable(h.get("version")) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Map<String, String> header(byte[] block) {
        String text = new String(block, StandardCharsets.ISO_8859_1);
        if (!text.startsWith(MAGIC)) {
            return Map.of();
        }
        int nul = text.indexOf('\0');
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.substring(MAGIC.length(), nul < 0 ? text.length() : nul).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                out.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return out;
    }

    private static long seedOf(String version) {
        byte[] v = version.getBytes(StandardCharsets.UTF_8);
        byte[] d = sha256Bytes(v, 0, v.length);
        long seed = 0;
        for (int i = 0; i < 8; i++) {
            seed = seed << 8 | (d[i] & 0xff);
        }
        return seed;
    }

    static String sha256(byte[] data, int off, int len) {
        return HexFormat.of().formatHex(sha256Bytes(data, off, len));
    }

    private static byte[] sha256Bytes(byte[] data, int off, int len) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(data, off, len);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}

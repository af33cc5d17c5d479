package org.fleetflash.agent.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Pattern;
import org.fleetflash.agent.image.ImageInfo;
import org.fleetflash.agent.image.ImageInspector;
import org.fleetflash.agent.image.TpLinkHeader;
import org.fleetflash.agent.image.UImageHeader;
import org.fleetflash.agent.image.UzipHeader;

/**
  * Synthetic firmware images in the real formats, which the simulated router boots like a real one
  * ({@link SimBoot}). A raw image ({@link ImageInfo.Format#UIMAGE_RAW}) is:
  *
  * <pre>
  * [U-Boot header: FreeBSD, the profile's architecture, kernel, lzma, the profile's load address and entry
  *  point, name "FreeBSD &lt;version&gt;"]
  * [pseudo-random kernel data] [0xFF padding up to the kernel length]
  * [mkuzip header "#!/bin/sh\n#L3.0\n...", block size, block count and table of offsets, where the profile's
  *  hints find the root file system]
  * [pseudo-random root file system] [trailer: "FFSIMG1-SHA256=" + SHA-256 of the root file system]
  * </pre>
  *
  * A TP-Link image ({@link ImageInfo.Format#TPLINK}) puts TP-Link's 512-byte header (the profile's
  * {@code board.hwid}) in front of the U-Boot header; the root file system stays where the hints find it.
  * The trailer stands in for the integrity of a real compressed root file system: it sits at the end so
  * that two images of one version that differ only in their last erase blocks differ nowhere else (the
  * kernel and its CRC do not change), as real images that share a kernel and most of a rootfs do.
  */
public final class SimImage {

    /** Size of the U-Boot header at the start of a raw image. */
    public static final int HEADER_SIZE = UImageHeader.SIZE;
    /** Size of the digest trailer at the end of the image. */
    public static final int TRAILER_SIZE = 96;
    /** Longest version: "FreeBSD " plus the version fill the 32-byte U-Boot name with a NUL left. */
    public static final int MAX_VERSION_LENGTH = UImageHeader.NAME_LENGTH - 1 - "FreeBSD ".length();
    /** Bytes of 0xFF between the kernel data and the root file system. */
    static final int KERNEL_PAD = 256;
    /** Compressed bytes per 64 KiB block of the simulated root file system (about what lzma makes of a FreeBSD root). */
    static final int ROOT_BYTES_PER_BLOCK = 24 * 1024;
    private static final long BUILD_TIME = 1455019211L; // 2016-02-09 12:00:11 UTC, the r295681 build
    private static final String TRAILER_KEY = "FFSIMG1-SHA256=";
    private static final byte[] TRAILER_KEY_BYTES = TRAILER_KEY.getBytes(StandardCharsets.US_ASCII);
    // mkuzip -L's header (FreeBSD usr.bin/mkuzip/mkuz_lzma.h CLOOP_MAGIC_LZMA), padded with NULs to 128 bytes
    private static final String UZIP_LZMA_MAGIC = "#!/bin/sh\n#L3.0\nn=uncompress\nm=geom_$n\n"
            + "(kldstat -m $m 2>&-||kldload $m)>&-&&mount_cd9660 /dev/`mdconfig -af $0`.$n $1\nexit $?\n";
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0," + (MAX_VERSION_LENGTH - 1) + "}");

    private SimImage() {}

    /** Writes a raw image of the profile carrying {@code version}; size 0 means the profile's image size. */
    public static void write(Profile p, String version, long sizeOrZeroForDefault, Path out) throws IOException {
        Files.write(out, bytes(p, version, sizeOrZeroForDefault));
    }

    /** Writes an image of the profile in {@code format} (raw or TP-Link). */
    public static void write(Profile p, String version, long sizeOrZeroForDefault, ImageInfo.Format format, Path out)
            throws IOException {
        Files.write(out, bytes(p, version, sizeOrZeroForDefault, seedOf(version), format));
    }

    /** A raw image whose filler is seeded from the version: two versions differ everywhere. */
    public static byte[] bytes(Profile p, String version, long sizeOrZeroForDefault) {
        return bytes(p, version, sizeOrZeroForDefault, seedOf(version));
    }

    /** An image in {@code format} whose filler is seeded from the version. */
    public static byte[] bytes(Profile p, String version, long sizeOrZeroForDefault, ImageInfo.Format format) {
        return bytes(p, version, sizeOrZeroForDefault, seedOf(version), format);
    }

    /** A raw image with an explicit filler seed: same seed and size, same bytes after the header. */
    public static byte[] bytes(Profile p, String version, long sizeOrZeroForDefault, long seed) {
        return bytes(p, version, sizeOrZeroForDefault, seed, ImageInfo.Format.UIMAGE_RAW);
    }

    /** An image in {@code format} with an explicit filler seed. */
    public static byte[] bytes(Profile p, String version, long sizeOrZeroForDefault, long seed, ImageInfo.Format format) {
        checkVersion(version);
        int kernelAt = kernelHeaderOffset(p, format);
        long size = sizeOrZeroForDefault == 0 ? p.imageSize() : sizeOrZeroForDefault;
        long span = p.spanEnd() - p.spanStart();
        int kernel = kernelLength(p);
        if (size > span || size < kernel + p.eraseBlock()) {
            throw new IllegalArgumentException("Image size " + size + " must be between " + (kernel + p.eraseBlock())
                    + " and the layout span " + span + " of profile " + p.name());
        }
        byte[] img = new byte[(int) size];
        new Random(seed).nextBytes(img);
        Arrays.fill(img, 0, kernelAt + HEADER_SIZE, (byte) 0);
        Arrays.fill(img, kernel - KERNEL_PAD, kernel, (byte) 0xff);
        byte[] magic = Arrays.copyOf(UZIP_LZMA_MAGIC.getBytes(StandardCharsets.US_ASCII), 128);
        System.arraycopy(magic, 0, img, kernel, magic.length);
        return stamp(p, img, version, format);
    }

    /**
      * Writes fresh headers (the version, the kernel CRCs, the TP-Link digest) and a fresh trailer into
      * a copy of {@code image} and returns it: tests change blocks of a valid image and restamp it to
      * get a bootable one that differs only in the header block and the changed blocks. The format
      * (raw or TP-Link) is kept.
      */
    public static byte[] restamp(Profile p, byte[] image, String version) {
        return stamp(p, image, version, TpLinkHeader.looksLike(image) ? ImageInfo.Format.TPLINK : ImageInfo.Format.UIMAGE_RAW);
    }

    private static byte[] stamp(Profile p, byte[] image, String version, ImageInfo.Format format) {
        checkVersion(version);
        byte[] out = image.clone();
        int kernelAt = kernelHeaderOffset(p, format);
        int kernel = kernelLength(p);
        if (out.length < kernel + TRAILER_SIZE + 128) {
            throw new IllegalArgumentException("An image of profile " + p.name() + " has more than " + kernel + " bytes");
        }
        int dataLength = kernel - KERNEL_PAD - kernelAt - HEADER_SIZE;
        int arch = UImageHeader.archOfMachineArch(p.hwMachineArch()).orElseThrow();
        UImageHeader h = UImageHeader.describing(UImageHeader.OS_FREEBSD, arch, UImageHeader.TYPE_KERNEL,
                UImageHeader.COMP_LZMA, p.kernelLoadAddress(), p.kernelEntryPoint(), BUILD_TIME, "FreeBSD " + version,
                out, kernelAt + HEADER_SIZE, dataLength);
        System.arraycopy(h.toBytes(), 0, out, kernelAt, HEADER_SIZE);
        // mkuzip's block size, count and table of offsets after its preamble, the last offset at the image's end, so
        // that a file cut inside the root file system is as detectable as a real one
        int rootLength = out.length - kernel;
        UzipHeader.write(out, kernel, rootLength, Math.max(1, rootLength / ROOT_BYTES_PER_BLOCK));
        int trailerAt = out.length - TRAILER_SIZE;
        byte[] t = (TRAILER_KEY + sha256(out, kernel, trailerAt - kernel) + "\n").getBytes(StandardCharsets.US_ASCII);
        Arrays.fill(out, trailerAt, out.length, (byte) 0);
        System.arraycopy(t, 0, out, trailerAt, t.length);
        if (format == ImageInfo.Format.TPLINK) {
            TpLinkHeader tp = new TpLinkHeader(TpLinkHeader.VERSION_V1, "TP-LINK Technologies", "ver. 1.0",
                    p.boardHwid().orElseThrow(), 1, 0, p.kernelLoadAddress(), p.kernelEntryPoint(), p.spanEnd() - p.spanStart(),
                    TpLinkHeader.SIZE, HEADER_SIZE + dataLength, kernel, out.length - kernel, 0, 0);
            System.arraycopy(tp.toBytes(), 0, out, 0, TpLinkHeader.SIZE);
            TpLinkHeader.sign(out);
        }
        return out;
    }

    /**
      * The same image (same version, same length, same format) with its last {@code blocks} erase blocks
      * changed and the trailer renewed: what a rebuild that changed only the end of the rootfs looks
      * like. Counts the last, possibly partial block as one.
      */
    public static byte[] withChangedTail(Profile p, byte[] image, int blocks) {
        ImageInfo info = ImageInspector.inspect(image);
        if (info.format() == ImageInfo.Format.UNKNOWN || info.version().isEmpty()) {
            throw new IllegalArgumentException("Not a firmware image: it has neither a TP-Link nor a U-Boot header");
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
        return restamp(p, out, info.version().get());
    }

    /**
      * A copy of {@code image} whose kernel header claims another CPU architecture (U-Boot's
      * {@code IH_ARCH_*} code), with both CRCs still right: what a build for another board looks like.
      */
    public static byte[] withKernelArch(byte[] image, int arch) {
        byte[] out = image.clone();
        int at = TpLinkHeader.looksLike(out) ? TpLinkHeader.SIZE : 0;
        UImageHeader h = UImageHeader.parse(out, at).orElseThrow(() -> new IllegalArgumentException("No U-Boot header"));
        UImageHeader other = new UImageHeader(0, true, h.time(), h.dataSize(), h.loadAddress(), h.entryPoint(), h.dataCrc(),
                h.os(), arch, h.type(), h.compression(), h.name());
        System.arraycopy(other.toBytes(), 0, out, at, HEADER_SIZE);
        if (at > 0) {
            TpLinkHeader.sign(out);
        }
        return out;
    }

    /**
      * Where every simulated kernel was loaded before profiles had {@code boot.kernel_load} and {@code boot.kernel_entry}:
      * the addresses of FreeBSD's AR71xx-AR934x kernels, for every board.
      */
    static final long FORMER_LOAD_ADDRESS = 0x80050000L;
    static final long FORMER_ENTRY_POINT = 0x80050100L;
    /** Beside a router's flash.bin: written by a simulator whose kernels carry their board's load address. */
    static final String FLASH_FORMAT_FILE = "flash.format";
    private static final String FLASH_FORMAT = "kernel-addresses-per-board\n";

    /** Records that the router's flash was made by this simulator (its kernels carry their board's addresses). */
    static void markFlashFormat(Path routerDir) throws IOException {
        Files.writeString(routerDir.resolve(FLASH_FORMAT_FILE), FLASH_FORMAT);
    }

    /**
      * Brings a router's flash made by an earlier simulator up to date, once: that simulator wrote every board's kernel
      * with the AR71xx addresses, and a board whose kernels load elsewhere ({@code generic-16m}) would now hang after
      * "Starting kernel ..." on the image it was given as its own. Such a kernel (old addresses, header intact) gets the
      * board's addresses; any other flash is left as it is. Then, or for a flash of this simulator, nothing is done.
      *
      * @return whether the kernel's header was rewritten
      */
    static boolean givesOldKernelTheBoardsAddresses(Profile p, Path routerDir, Path flashFile) throws IOException {
        if (Files.exists(routerDir.resolve(FLASH_FORMAT_FILE))) {
            return false;
        }
        boolean rewritten = false;
        if (p.kernelLoadAddress() != FORMER_LOAD_ADDRESS || p.kernelEntryPoint() != FORMER_ENTRY_POINT) {
            byte[] flash = Files.readAllBytes(flashFile);
            int start = (int) p.spanStart();
            byte[] head = Arrays.copyOfRange(flash, start, Math.min(flash.length, start + 4096));
            int at = start + TpLinkHeader.parse(head).map(h -> (int) h.kernelOffset()).orElse(0);
            UImageHeader h = UImageHeader.parse(flash, at).orElse(null);
            if (h != null && h.headerCrcOk() && h.loadAddress() == FORMER_LOAD_ADDRESS && h.entryPoint() == FORMER_ENTRY_POINT) {
                UImageHeader moved = new UImageHeader(0, true, h.time(), h.dataSize(), p.kernelLoadAddress(), p.kernelEntryPoint(),
                        h.dataCrc(), h.os(), h.arch(), h.type(), h.compression(), h.name());
                System.arraycopy(moved.toBytes(), 0, flash, at, HEADER_SIZE);
                Files.write(flashFile, flash);
                rewritten = true;
            }
        }
        markFlashFormat(routerDir);
        return rewritten;
    }

    /** A copy of {@code image} with one bit of its U-Boot header's name flipped: the header CRC no longer matches. */
    public static byte[] withCorruptHeader(byte[] image) {
        byte[] out = image.clone();
        int at = TpLinkHeader.looksLike(out) ? TpLinkHeader.SIZE : 0;
        out[at + 40] ^= 0x01;
        return out;
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

    /** What the router would boot from this flash file; empty when its boot would stop ({@link SimBoot}). */
    public static Optional<String> bootableVersion(Profile p, Path flashFile) throws IOException {
        return bootableVersion(p, Files.readAllBytes(flashFile));
    }

    /** What the router would boot from these flash contents; empty when its boot would stop ({@link SimBoot}). */
    public static Optional<String> bootableVersion(Profile p, byte[] flash) {
        return SimBoot.boot(p, flash).version();
    }

    /**
      * Whether the simulated root file system between {@code start} and {@code end} of {@code flash} is
      * intact: its trailer (the first one after the start) holds the SHA-256 of everything before it.
      */
    static boolean rootfsIntact(byte[] flash, long start, long end) {
        int from = (int) start;
        int to = (int) Math.min(end, flash.length) - TRAILER_SIZE;
        for (int i = from; i <= to; i++) {
            if (flash[i] == 'F' && Arrays.equals(flash, i, i + TRAILER_KEY_BYTES.length, TRAILER_KEY_BYTES, 0,
                    TRAILER_KEY_BYTES.length)) {
                int hexAt = i + TRAILER_KEY_BYTES.length;
                String expected = new String(flash, hexAt, 64, StandardCharsets.US_ASCII);
                return expected.equals(sha256(flash, from, i - from));
            }
        }
        return false;
    }

    private static int kernelHeaderOffset(Profile p, ImageInfo.Format format) {
        return switch (format) {
            case UIMAGE_RAW -> 0;
            case TPLINK -> {
                if (p.boardHwid().isEmpty()) {
                    throw new IllegalArgumentException("Profile " + p.name() + " has no board.hwid: it takes no TP-Link image");
                }
                yield TpLinkHeader.SIZE;
            }
            case UNKNOWN -> throw new IllegalArgumentException("An image is written as UIMAGE_RAW or TPLINK, not " + format);
        };
    }

    private static void checkVersion(String version) {
        if (version == null || !VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("Image version '" + version + "' must be 1-" + MAX_VERSION_LENGTH
                    + " of [A-Za-z0-9._+-], starting with a letter or digit (it goes into the 32-byte U-Boot image name)");
        }
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

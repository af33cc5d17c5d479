package org.fleetflash.agent.image;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.zip.CRC32;

/**
  * U-Boot's legacy image header ("uImage", {@code image_header_t} in U-Boot's include/image.h): 64
  * bytes, every number big-endian: magic 0x27051956, header CRC32 (computed over the 64 bytes with
  * this field zeroed), creation time, data size, load address, entry point, data CRC32, then one byte
  * each of operating system, CPU architecture, image type and compression, and a 32-byte name padded
  * with NUL bytes. The data follows the header. The codes below are U-Boot's ({@code IH_OS_*},
  * {@code IH_ARCH_*}, {@code IH_TYPE_*}, {@code IH_COMP_*}), which are appended to, never renumbered.
  *
  * <p>The header has no byte-order field: a big-endian and a little-endian MIPS kernel both say
  * MIPS. Numbers are kept as {@code long} so that unsigned 32-bit values stay positive.
  *
  * @param headerCrc   the header CRC as stored
  * @param headerCrcOk whether the stored header CRC matches the header (always true for a header built here)
  * @param name        the name up to its first NUL, non-printable bytes replaced by '?'
  */
public record UImageHeader(long headerCrc, boolean headerCrcOk, long time, long dataSize, long loadAddress,
        long entryPoint, long dataCrc, int os, int arch, int type, int compression, String name) {

    /** Size of the header in bytes. */
    public static final int SIZE = 64;
    /** The magic number at offset 0. */
    public static final int MAGIC = 0x27051956;
    /** Length of the name field. */
    public static final int NAME_LENGTH = 32;

    public static final int OS_OPENBSD = 1;
    public static final int OS_NETBSD = 2;
    public static final int OS_FREEBSD = 3;
    public static final int OS_LINUX = 5;

    public static final int ARCH_ARM = 2;
    public static final int ARCH_I386 = 3;
    public static final int ARCH_MIPS = 5;
    public static final int ARCH_MIPS64 = 6;
    public static final int ARCH_PPC = 7;
    public static final int ARCH_ARM64 = 22;
    public static final int ARCH_X86_64 = 24;
    public static final int ARCH_RISCV = 26;

    public static final int TYPE_STANDALONE = 1;
    public static final int TYPE_KERNEL = 2;
    public static final int TYPE_RAMDISK = 3;
    public static final int TYPE_MULTI = 4;
    public static final int TYPE_FIRMWARE = 5;
    public static final int TYPE_SCRIPT = 6;
    public static final int TYPE_FILESYSTEM = 7;
    public static final int TYPE_KERNEL_NOLOAD = 14;

    public static final int COMP_NONE = 0;
    public static final int COMP_GZIP = 1;
    public static final int COMP_BZIP2 = 2;
    public static final int COMP_LZMA = 3;
    public static final int COMP_LZO = 4;
    public static final int COMP_LZ4 = 5;
    public static final int COMP_ZSTD = 6;

    // names as mkimage -l prints them (U-Boot common/image.c tables)
    private static final Map<Integer, String> OS_NAMES = Map.of(OS_OPENBSD, "OpenBSD", OS_NETBSD, "NetBSD",
            OS_FREEBSD, "FreeBSD", 4, "4_4BSD", OS_LINUX, "Linux", 17, "Firmware");
    private static final Map<Integer, String> ARCH_NAMES = Map.ofEntries(Map.entry(1, "Alpha"), Map.entry(ARCH_ARM, "ARM"),
            Map.entry(ARCH_I386, "Intel x86"), Map.entry(4, "IA64"), Map.entry(ARCH_MIPS, "MIPS"),
            Map.entry(ARCH_MIPS64, "MIPS 64 Bit"), Map.entry(ARCH_PPC, "PowerPC"), Map.entry(9, "SuperH"),
            Map.entry(10, "SPARC"), Map.entry(11, "SPARC 64 Bit"), Map.entry(12, "M68K"), Map.entry(14, "MicroBlaze"),
            Map.entry(15, "NIOS II"), Map.entry(ARCH_ARM64, "AArch64"), Map.entry(23, "ARC"),
            Map.entry(ARCH_X86_64, "AMD x86_64"), Map.entry(25, "Xtensa"), Map.entry(ARCH_RISCV, "RISC-V"));
    private static final Map<Integer, String> TYPE_NAMES = Map.of(TYPE_STANDALONE, "Standalone Program",
            TYPE_KERNEL, "Kernel Image", TYPE_RAMDISK, "RAMDisk Image", TYPE_MULTI, "Multi-File Image",
            TYPE_FIRMWARE, "Firmware", TYPE_SCRIPT, "Script File", TYPE_FILESYSTEM, "Filesystem Image",
            8, "Flat Device Tree", TYPE_KERNEL_NOLOAD, "Kernel Image (no loading done)");
    private static final Map<Integer, String> COMP_NAMES = Map.of(COMP_NONE, "uncompressed", COMP_GZIP, "gzip compressed",
            COMP_BZIP2, "bzip2 compressed", COMP_LZMA, "lzma compressed", COMP_LZO, "lzo compressed",
            COMP_LZ4, "lz4 compressed", COMP_ZSTD, "zstd compressed");

    /** Whether {@code data} holds the magic number at {@code offset}. */
    public static boolean hasMagic(byte[] data, int offset) {
        return offset >= 0 && offset <= data.length - 4 && ByteBuffer.wrap(data, offset, 4).getInt() == MAGIC;
    }

    /** The header at {@code offset}; empty when fewer than 64 bytes are there or the magic number is missing. */
    public static Optional<UImageHeader> parse(byte[] data, int offset) {
        if (offset < 0 || offset > data.length - SIZE || !hasMagic(data, offset)) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(data, offset, SIZE);
        b.getInt();
        long hcrc = b.getInt() & 0xffffffffL;
        long time = b.getInt() & 0xffffffffL;
        long size = b.getInt() & 0xffffffffL;
        long load = b.getInt() & 0xffffffffL;
        long ep = b.getInt() & 0xffffffffL;
        long dcrc = b.getInt() & 0xffffffffL;
        int os = b.get() & 0xff;
        int arch = b.get() & 0xff;
        int type = b.get() & 0xff;
        int comp = b.get() & 0xff;
        byte[] copy = new byte[SIZE];
        System.arraycopy(data, offset, copy, 0, SIZE);
        copy[4] = 0;
        copy[5] = 0;
        copy[6] = 0;
        copy[7] = 0;
        boolean crcOk = crc32(copy, 0, SIZE) == hcrc;
        return Optional.of(new UImageHeader(hcrc, crcOk, time, size, load, ep, dcrc, os, arch, type, comp,
                name(data, offset + 32)));
    }

    /**
      * A header for {@code length} bytes of {@code data} from {@code offset}: data size and data CRC
      * computed, the name cut to 32 bytes.
      */
    public static UImageHeader describing(int os, int arch, int type, int compression, long loadAddress, long entryPoint,
            long time, String name, byte[] data, int offset, int length) {
        String n = name.length() > NAME_LENGTH ? name.substring(0, NAME_LENGTH) : name;
        UImageHeader h = new UImageHeader(0, true, time, length, loadAddress, entryPoint, crc32(data, offset, length),
                os, arch, type, compression, n);
        return h.withComputedCrc();
    }

    /** This header with its header CRC computed from its fields. */
    private UImageHeader withComputedCrc() {
        byte[] b = encode(0);
        return new UImageHeader(crc32(b, 0, SIZE), true, time, dataSize, loadAddress, entryPoint, dataCrc, os, arch,
                type, compression, name);
    }

    /** The 64 bytes of this header, with a header CRC computed over them. */
    public byte[] toBytes() {
        byte[] zeroCrc = encode(0);
        return encode(crc32(zeroCrc, 0, SIZE));
    }

    private byte[] encode(long hcrc) {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        b.putInt(MAGIC).putInt((int) hcrc).putInt((int) time).putInt((int) dataSize).putInt((int) loadAddress)
                .putInt((int) entryPoint).putInt((int) dataCrc)
                .put((byte) os).put((byte) arch).put((byte) type).put((byte) compression);
        byte[] n = name.getBytes(StandardCharsets.ISO_8859_1);
        b.put(n, 0, Math.min(n.length, NAME_LENGTH));
        return b.array();
    }

    /** Whether the data after a header at {@code headerOffset} is all there and matches the data CRC. */
    public boolean dataCrcMatches(byte[] image, int headerOffset) {
        long start = (long) headerOffset + SIZE;
        return !dataTruncated(image.length, headerOffset) && crc32(image, (int) start, (int) dataSize) == dataCrc;
    }

    /** Whether a header at {@code headerOffset} claims more data than an image of {@code imageLength} bytes holds. */
    public boolean dataTruncated(long imageLength, long headerOffset) {
        return headerOffset + SIZE + dataSize > imageLength;
    }

    /** Operating system as mkimage names it ("FreeBSD"), or "Unknown OS (N)". */
    public String osName() {
        return OS_NAMES.getOrDefault(os, "Unknown OS (" + os + ")");
    }

    /** CPU architecture as mkimage names it ("MIPS"), or "Unknown Architecture (N)". */
    public String archName() {
        return archName(arch);
    }

    /** Name of an architecture code. */
    public static String archName(int arch) {
        return ARCH_NAMES.getOrDefault(arch, "Unknown Architecture (" + arch + ")");
    }

    /** Image type as mkimage names it ("Kernel Image"). */
    public String typeName() {
        return TYPE_NAMES.getOrDefault(type, "Unknown Image (" + type + ")");
    }

    /** Compression as mkimage prints it ("lzma compressed"). */
    public String compressionName() {
        return COMP_NAMES.getOrDefault(compression, "unknown compression (" + compression + ")");
    }

    /** What mkimage -l prints on its "Image Type:" line: "MIPS FreeBSD Kernel Image (lzma compressed)". */
    public String imageTypeLine() {
        return archName() + " " + osName() + " " + typeName() + " (" + compressionName() + ")";
    }

    /** Whether the image type is one U-Boot's bootm starts as an operating system kernel. */
    public boolean isKernel() {
        return type == TYPE_KERNEL || type == TYPE_KERNEL_NOLOAD || type == TYPE_MULTI;
    }

    /**
      * The U-Boot architecture code a FreeBSD kernel for this {@code hw.machine_arch} ({@code uname -p})
      * carries: mips, mipsel, mipshf ... are MIPS; mips64* MIPS 64 Bit; arm, armv6, armv7 ARM; aarch64
      * AArch64; amd64 x86_64; i386 x86; powerpc* PowerPC; riscv64 RISC-V. Empty for anything else.
      */
    public static OptionalInt archOfMachineArch(String machineArch) {
        String m = machineArch == null ? "" : machineArch.strip().toLowerCase(Locale.ROOT);
        if (m.startsWith("mips64")) {
            return OptionalInt.of(ARCH_MIPS64);
        }
        if (m.startsWith("mips")) {
            return OptionalInt.of(ARCH_MIPS);
        }
        if (m.equals("aarch64") || m.equals("arm64")) {
            return OptionalInt.of(ARCH_ARM64);
        }
        if (m.startsWith("arm")) {
            return OptionalInt.of(ARCH_ARM);
        }
        if (m.equals("amd64") || m.equals("x86_64")) {
            return OptionalInt.of(ARCH_X86_64);
        }
        if (m.equals("i386")) {
            return OptionalInt.of(ARCH_I386);
        }
        if (m.startsWith("powerpc")) {
            return OptionalInt.of(ARCH_PPC);
        }
        if (m.startsWith("riscv")) {
            return OptionalInt.of(ARCH_RISCV);
        }
        return OptionalInt.empty();
    }

    /** CRC-32 (the one zlib and U-Boot use) of a range. */
    public static long crc32(byte[] data, int offset, int length) {
        CRC32 c = new CRC32();
        c.update(data, offset, length);
        return c.getValue();
    }

    private static String name(byte[] data, int at) {
        StringBuilder sb = new StringBuilder(NAME_LENGTH);
        for (int i = 0; i < NAME_LENGTH; i++) {
            int c = data[at + i] & 0xff;
            if (c == 0) {
                break;
            }
            sb.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
        }
        return sb.toString();
    }
}

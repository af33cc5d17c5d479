package org.fleetflash.agent.image;

/**
 * The header of a FreeBSD mkuzip image, as GEOM_UZIP reads it when it tastes the root partition: the 128-byte
 * {@code #!/bin/sh} preamble, the block size and the block count (big-endian 32-bit each), then a table of
 * {@code nblocks + 1} big-endian 64-bit offsets from the start of the image, the last of which is where the
 * compressed data ends. A file cut inside the root file system still has this header (it comes first), so the
 * table tells how many bytes the root file system needs, without decompressing anything.
 */
public final class UzipHeader {

    /** Where the block size is: after mkuzip's preamble (CLOOP_MAGIC_LEN). */
    public static final int MAGIC_LENGTH = 128;
    /** The preamble, the block size and the block count: where the table of offsets starts. */
    public static final int TABLE_AT = MAGIC_LENGTH + 8;
    /** mkuzip's limit on the block size (MAXPHYS-sized blocks of 128 KiB on stock systems; 1 MiB bounds any build). */
    static final long MAX_BLOCK_SIZE = 1L << 20;

    private UzipHeader() {
    }

    /**
     * Where the mkuzip image starting at {@code offset} ends, by its table of offsets (an end past the data means
     * the data is cut short), or -1 when no header that GEOM_UZIP would accept is there (a block size that is not a
     * multiple of 512 up to 1 MiB, no block, or offsets that go backwards): then nothing is said about its length.
     * A table that is itself cut short ends, at the least, where the table would end.
     */
    public static long end(byte[] data, long offset) {
        if (offset < 0 || offset + TABLE_AT > data.length) {
            return offset < 0 ? -1 : offset + TABLE_AT;
        }
        int at = (int) offset;
        long blockSize = u32(data, at + MAGIC_LENGTH);
        long blocks = u32(data, at + MAGIC_LENGTH + 4);
        if (blockSize == 0 || blockSize % 512 != 0 || blockSize > MAX_BLOCK_SIZE || blocks == 0
                || blocks > ImageInspector.MAX_IMAGE_SIZE / 512) {
            return -1;
        }
        long tableEnd = offset + TABLE_AT + 8 * (blocks + 1);
        if (tableEnd > data.length) {
            return tableEnd;
        }
        long previous = TABLE_AT + 8 * (blocks + 1);
        for (long i = 0; i <= blocks; i++) {
            long o = u64(data, (int) (offset + TABLE_AT + 8 * i));
            if (o < previous || o > ImageInspector.MAX_IMAGE_SIZE) {
                return -1;
            }
            previous = o;
        }
        return offset + previous;
    }

    /** Writes a header for {@code length} bytes of image at {@code offset}: blocks of 64 KiB, offsets spread evenly. */
    public static void write(byte[] data, int offset, int length, int blocks) {
        long table = TABLE_AT + 8L * (blocks + 1);
        if (blocks < 1 || table > length) {
            throw new IllegalArgumentException("A mkuzip image of " + length + " bytes cannot hold " + blocks + " blocks");
        }
        putU32(data, offset + MAGIC_LENGTH, 65536);
        putU32(data, offset + MAGIC_LENGTH + 4, blocks);
        for (int i = 0; i <= blocks; i++) {
            putU64(data, offset + TABLE_AT + 8 * i, table + (length - table) * i / blocks);
        }
    }

    private static long u32(byte[] d, int at) {
        return ((d[at] & 0xffL) << 24) | ((d[at + 1] & 0xffL) << 16) | ((d[at + 2] & 0xffL) << 8) | (d[at + 3] & 0xffL);
    }

    private static long u64(byte[] d, int at) {
        return (u32(d, at) << 32) | u32(d, at + 4);
    }

    private static void putU32(byte[] d, int at, long v) {
        for (int i = 0; i < 4; i++) {
            d[at + i] = (byte) (v >>> (24 - 8 * i));
        }
    }

    private static void putU64(byte[] d, int at, long v) {
        putU32(d, at, v >>> 32);
        putU32(d, at + 4, v);
    }
}

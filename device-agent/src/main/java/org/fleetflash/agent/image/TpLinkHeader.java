package org.fleetflash.agent.image;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Optional;

/**
  * TP-Link's v1 firmware header, as OpenWrt's firmware-utils {@code mktplinkfw.c} writes and reads it
  * ({@code struct fw_header}, 512 bytes, numbers big-endian):
  *
  * <pre>
  * 0x000 version (0x01000000 = v1, 0x02000000 = v2, same layout)   0x004 vendor name, 24 bytes
  * 0x01c firmware version string, 36 bytes                         0x040 hardware id
  * 0x044 hardware revision        0x048 region code                0x04c md5sum1, 16 bytes
  * 0x05c unknown                  0x060 md5sum2, 16 bytes          0x070 unknown
  * 0x074 kernel load address      0x078 kernel entry point         0x07c firmware length
  * 0x080 kernel offset            0x084 kernel length              0x088 rootfs offset
  * 0x08c rootfs length            0x090 boot loader offset         0x094 boot loader length
  * 0x098 version hi, mid, lo (16 bits each)   then padding and region strings up to 0x200
  * </pre>
  *
  * md5sum1 is the MD5 of the whole image computed while the field holds a fixed salt (one for images
  * without a boot loader, another for images with one); offsets are from the start of the image, which
  * is also the start of the firmware partition on the flash. OpenWrt reads a router's hardware id from
  * offset 0x40 of its own firmware partition and refuses an image with another one.
  *
  * @param vendor          the vendor string, non-printable bytes replaced by '?'
  * @param firmwareVersion the firmware version string, likewise
  */
public record TpLinkHeader(long headerVersion, String vendor, String firmwareVersion, long hardwareId,
        long hardwareRevision, long regionCode, long kernelLoad, long kernelEntry, long firmwareLength,
        long kernelOffset, long kernelLength, long rootfsOffset, long rootfsLength, long bootOffset, long bootLength) {

    /** Size of the header in bytes. */
    public static final int SIZE = 512;
    /** Offset of the hardware id. */
    public static final int HARDWARE_ID_OFFSET = 0x40;
    public static final long VERSION_V1 = 0x01000000L;
    public static final long VERSION_V2 = 0x02000000L;
    /** TL-WDR3600 v1 (OpenWrt ar71xx tp-link.mk TPLINK_HWID). */
    public static final long HWID_TL_WDR3600_V1 = 0x36000001L;
    /** TL-WDR4300 v1 (likewise). */
    public static final long HWID_TL_WDR4300_V1 = 0x43000001L;

    private static final int MD5_OFFSET = 0x4c;
    private static final int VENDOR_LENGTH = 24;
    private static final int FW_VERSION_LENGTH = 36;
    // mktplinkfw.c md5salt_normal and md5salt_boot
    private static final byte[] SALT_NORMAL = bytes(0xdc, 0xd7, 0x3a, 0xa5, 0xc3, 0x95, 0x98, 0xfb,
            0xdd, 0xf9, 0xe7, 0xf4, 0x0e, 0xae, 0x47, 0x38);
    private static final byte[] SALT_BOOT = bytes(0x8c, 0xef, 0x33, 0x5b, 0xd5, 0xc5, 0xce, 0xfa,
            0xa7, 0x9c, 0x28, 0xda, 0xb2, 0xe9, 0x0f, 0x42);

    /** Whether {@code data} starts with a v1 or v2 header version word and is long enough for a header. */
    public static boolean looksLike(byte[] data) {
        if (data.length < SIZE) {
            return false;
        }
        long v = ByteBuffer.wrap(data, 0, 4).getInt() & 0xffffffffL;
        return v == VERSION_V1 || v == VERSION_V2;
    }

    /** The header at the start of {@code data}; empty when it is not one ({@link #looksLike}). */
    public static Optional<TpLinkHeader> parse(byte[] data) {
        if (!looksLike(data)) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(data, 0, SIZE);
        long version = u32(b, 0);
        return Optional.of(new TpLinkHeader(version, text(data, 4, VENDOR_LENGTH), text(data, 0x1c, FW_VERSION_LENGTH),
                u32(b, 0x40), u32(b, 0x44), u32(b, 0x48), u32(b, 0x74), u32(b, 0x78), u32(b, 0x7c), u32(b, 0x80),
                u32(b, 0x84), u32(b, 0x88), u32(b, 0x8c), u32(b, 0x90), u32(b, 0x94)));
    }

    /** The 512 header bytes, with the salt in the md5sum1 field ({@link #sign} fills in the real digest). */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        b.putInt(0, (int) headerVersion);
        putText(b, 4, vendor, VENDOR_LENGTH);
        putText(b, 0x1c, firmwareVersion, FW_VERSION_LENGTH);
        b.putInt(0x40, (int) hardwareId).putInt(0x44, (int) hardwareRevision).putInt(0x48, (int) regionCode);
        b.put(MD5_OFFSET, bootLength == 0 ? SALT_NORMAL : SALT_BOOT);
        b.putInt(0x74, (int) kernelLoad).putInt(0x78, (int) kernelEntry).putInt(0x7c, (int) firmwareLength)
                .putInt(0x80, (int) kernelOffset).putInt(0x84, (int) kernelLength).putInt(0x88, (int) rootfsOffset)
                .putInt(0x8c, (int) rootfsLength).putInt(0x90, (int) bootOffset).putInt(0x94, (int) bootLength);
        return b.array();
    }

    /** Writes md5sum1 of a whole image that starts with a header, as mktplinkfw does. */
    public static void sign(byte[] image) {
        System.arraycopy(expectedMd5(image), 0, image, MD5_OFFSET, 16);
    }

    /** Whether md5sum1 of an image that starts with a header is right. */
    public static boolean md5Matches(byte[] image) {
        if (!looksLike(image)) {
            return false;
        }
        return Arrays.equals(expectedMd5(image), Arrays.copyOfRange(image, MD5_OFFSET, MD5_OFFSET + 16));
    }

    private static byte[] expectedMd5(byte[] image) {
        long bootLen = ByteBuffer.wrap(image, 0x94, 4).getInt() & 0xffffffffL;
        try {
            MessageDigest md = MessageDigest.getInstance("MD5");
            md.update(image, 0, MD5_OFFSET);
            md.update(bootLen == 0 ? SALT_NORMAL : SALT_BOOT);
            md.update(image, MD5_OFFSET + 16, image.length - MD5_OFFSET - 16);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every Java runtime", e);
        }
    }

    private static long u32(ByteBuffer b, int at) {
        return b.getInt(at) & 0xffffffffL;
    }

    private static String text(byte[] data, int at, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            int c = data[at + i] & 0xff;
            if (c == 0) {
                break;
            }
            sb.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
        }
        return sb.toString();
    }

    private static void putText(ByteBuffer b, int at, String s, int length) {
        byte[] t = s.getBytes(StandardCharsets.ISO_8859_1);
        b.put(at, t, 0, Math.min(t.length, length));
    }

    private static byte[] bytes(int... v) {
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (byte) v[i];
        }
        return out;
    }
}

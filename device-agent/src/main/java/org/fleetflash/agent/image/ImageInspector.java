package org.fleetflash.agent.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
  * Recognises a firmware image the way a router's boot chain will read it, like OpenWrt sysupgrade's
  * {@code platform_check_image}: a TP-Link header or a U-Boot legacy kernel header at the start, the
  * kernel's CRCs, and where a FreeBSD root file system (a mkuzip image) starts and, by its table of offsets, ends. It reads the image
  * once and looks for root markers only at block boundaries, so a 16 MiB image takes milliseconds.
  */
public final class ImageInspector {

    /**
      * Step of the root marker scan: the smallest erase block of NOR flash (4 KiB sectors), so that
      * every offset a router could put a partition boundary at is looked at.
      */
    public static final int MARKER_ALIGNMENT = 4096;
    /** Larger files are not read: no NOR flash of a router holds them. */
    public static final long MAX_IMAGE_SIZE = 64L << 20;
    /**
      * How a FreeBSD mkuzip image starts (mkuzip's CLOOP_MAGIC: "#!/bin/sh\n#V2.0 Format\n..." for zlib,
      * "#!/bin/sh\n#L3.0\n..." for lzma, "#Z4.0" for zstd): a shell script line then a '#' comment.
      */
    public static final byte[] UZIP_PREAMBLE = "#!/bin/sh\n#".getBytes(StandardCharsets.US_ASCII);

    private ImageInspector() {}

    /** Inspects an image file; a file larger than {@link #MAX_IMAGE_SIZE} is reported as UNKNOWN without reading it. */
    public static ImageInfo inspect(Path image) throws IOException {
        long size = Files.size(image);
        if (size > MAX_IMAGE_SIZE) {
            return unknown(size, List.of());
        }
        byte[] data;
        try (InputStream in = Files.newInputStream(image)) {
            data = in.readNBytes((int) size);
        }
        return inspect(data);
    }

    /** Inspects image bytes. */
    public static ImageInfo inspect(byte[] data) {
        List<Long> markers = rootMarkers(data);
        Optional<TpLinkHeader> tp = TpLinkHeader.parse(data);
        if (tp.isPresent()) {
            TpLinkHeader h = tp.get();
            boolean md5 = TpLinkHeader.md5Matches(data);
            boolean rootfsOutside = h.rootfsLength() > 0 && h.rootfsOffset() + h.rootfsLength() > data.length;
            Optional<ImageInfo.Kernel> kernel = h.kernelOffset() <= Integer.MAX_VALUE
                    ? kernelAt(data, (int) h.kernelOffset()) : Optional.empty();
            boolean truncated = rootfsOutside || h.kernelOffset() + h.kernelLength() > data.length
                    || kernel.map(k -> k.end() > data.length).orElse(false)
                    || rootCut(data, markers, kernel.map(ImageInfo.Kernel::end).orElse(h.kernelOffset() + h.kernelLength()));
            Optional<String> version = kernel.map(k -> versionOf(k.header().name()))
                    .or(() -> Optional.of(h.firmwareVersion()).filter(s -> !s.isBlank()));
            return new ImageInfo(ImageInfo.Format.TPLINK, data.length, kernel, version, tp, md5, markers, truncated);
        }
        Optional<ImageInfo.Kernel> kernel = kernelAt(data, 0);
        if (kernel.isPresent()) {
            ImageInfo.Kernel k = kernel.get();
            return new ImageInfo(ImageInfo.Format.UIMAGE_RAW, data.length, kernel, Optional.of(versionOf(k.header().name())),
                    Optional.empty(), false, markers, k.end() > data.length || rootCut(data, markers, k.end()));
        }
        return unknown(data.length, markers);
    }

    /**
      * The version a kernel name carries: "FreeBSD 11.0-r295681" gives "11.0-r295681"; a name without
      * the "FreeBSD " prefix is the version itself.
      */
    public static String versionOf(String uImageName) {
        String n = uImageName.strip();
        return n.startsWith("FreeBSD ") ? n.substring("FreeBSD ".length()).strip() : n;
    }

    /** Whether a FreeBSD mkuzip root file system starts at {@code offset}. */
    public static boolean isRootMarker(byte[] data, long offset) {
        if (offset < 0 || offset > data.length - UZIP_PREAMBLE.length) {
            return false;
        }
        for (int i = 0; i < UZIP_PREAMBLE.length; i++) {
            if (data[(int) offset + i] != UZIP_PREAMBLE[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the root file system after the kernel (the first root marker from {@code kernelEnd} on) needs more bytes
     * than the file has, by its mkuzip table of offsets: a file cut there passes every header check, and the router
     * then cannot mount its root (GEOM_UZIP reads past the partition's data).
     */
    private static boolean rootCut(byte[] data, List<Long> markers, long kernelEnd) {
        return markers.stream().filter(m -> m >= kernelEnd).findFirst().map(m -> UzipHeader.end(data, m) > data.length).orElse(false);
    }

    private static Optional<ImageInfo.Kernel> kernelAt(byte[] data, int offset) {
        return UImageHeader.parse(data, offset)
                .map(h -> new ImageInfo.Kernel(offset, h, h.dataCrcMatches(data, offset)));
    }

    private static List<Long> rootMarkers(byte[] data) {
        List<Long> out = new ArrayList<>();
        for (long off = 0; off < data.length; off += MARKER_ALIGNMENT) {
            if (isRootMarker(data, off)) {
                out.add(off);
            }
        }
        return out;
    }

    private static ImageInfo unknown(long size, List<Long> markers) {
        return new ImageInfo(ImageInfo.Format.UNKNOWN, size, Optional.empty(), Optional.empty(), Optional.empty(), false,
                markers, false);
    }
}

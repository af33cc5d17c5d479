package org.fleetflash.agent.image;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
  * What {@link ImageInspector} recognised in a firmware image file.
  *
  * @param format        which kind of image it is
  * @param size          the file's size in bytes
  * @param kernel        the U-Boot kernel header found, if any
  * @param version       the firmware version the image names, if any
  * @param tpLink        the TP-Link header, for {@link Format#TPLINK} images
  * @param tpLinkMd5Ok   whether the TP-Link header's md5sum1 is right (false when there is no TP-Link header)
  * @param rootMarkers   offsets in the image, on {@value ImageInspector#MARKER_ALIGNMENT}-byte boundaries,
  *                      where a FreeBSD mkuzip root file system starts ({@code #!/bin/sh\n#})
  * @param truncated     whether a header claims more bytes than the file holds
  */
public record ImageInfo(Format format, long size, Optional<Kernel> kernel, Optional<String> version,
        Optional<TpLinkHeader> tpLink, boolean tpLinkMd5Ok, List<Long> rootMarkers, boolean truncated) {

    public ImageInfo {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(tpLink, "tpLink");
        rootMarkers = List.copyOf(rootMarkers);
    }

    /** The kinds of image FleetFlash recognises. */
    public enum Format {
        /** A U-Boot legacy kernel image at offset 0, the root file system after it: what dd writes over kernel+rootfs. */
        UIMAGE_RAW("U-Boot kernel + root file system"),
        /** TP-Link's 512-byte firmware header, a U-Boot kernel at its kernel offset, then the root file system. */
        TPLINK("TP-Link firmware (header, U-Boot kernel, root file system)"),
        /** Neither: random bytes, a different vendor's container, a text file... */
        UNKNOWN("not a firmware image FleetFlash recognises");

        private final String humanName;

        Format(String humanName) {
            this.humanName = humanName;
        }

        /** A short description for people. */
        public String humanName() {
            return humanName;
        }
    }

    /**
      * The kernel's U-Boot header and what checking it found.
      *
      * @param offset    where the header starts in the image
      * @param header    the header as read
      * @param dataCrcOk whether the data behind the header is all there and matches the data CRC
      */
    public record Kernel(long offset, UImageHeader header, boolean dataCrcOk) {
        /** Where the kernel data ends in the image (exclusive). */
        public long end() {
            return offset + UImageHeader.SIZE + header.dataSize();
        }
    }

    /** The TP-Link hardware id, when the image has a TP-Link header. */
    public OptionalLong hardwareId() {
        return tpLink.map(h -> OptionalLong.of(h.hardwareId())).orElse(OptionalLong.empty());
    }
}

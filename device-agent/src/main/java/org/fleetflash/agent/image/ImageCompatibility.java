package org.fleetflash.agent.image;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
  * Decides whether an image may be written over a router's layout: the checks a router's boot chain
  * makes when it starts (U-Boot: magic, header CRC, data CRC, architecture, image type; FreeBSD:
  * where GEOM_MAP finds the root file system) and the board check OpenWrt's sysupgrade makes on
  * TP-Link boards (the hardware id). An image that fails one of them would leave the router dead
  * after the point of no return. Force sets aside only the findings that do not make the router
  * unbootable for sure: an unrecognised format and a different TP-Link hardware id.
  */
public final class ImageCompatibility {

    private ImageCompatibility() {}

    /** Checks an inspected image against a router; {@code force} sets aside the findings that allow it. */
    public static Verdict check(ImageInfo image, RouterBoot router, boolean force) {
        List<Finding> out = new ArrayList<>();
        String recognise = recognise(image);
        if (recognise != null) {
            out.add(new Finding(Finding.Code.NOT_FIRMWARE, recognise, force));
        }
        if (image.truncated()) {
            out.add(new Finding(Finding.Code.TRUNCATED, "The image is cut short: its headers describe more bytes than the "
                    + image.size() + " the file holds, so the download or copy was incomplete. Download the image again.", false));
        }
        image.kernel().ifPresent(k -> checkKernel(k, image, router, out));
        checkRoot(image, router, out);
        OptionalLong imageId = image.hardwareId();
        if (imageId.isPresent() && router.hardwareId().isPresent() && imageId.getAsLong() != router.hardwareId().getAsLong()) {
            out.add(new Finding(Finding.Code.WRONG_MODEL, "The image is for TP-Link hardware id " + hex(imageId.getAsLong())
                    + " but this router is " + hex(router.hardwareId().getAsLong()) + ": it was built for another model. "
                    + "Pick the image for this model.", force));
        }
        return Verdict.of(out);
    }

    private static String recognise(ImageInfo image) {
        return switch (image.format()) {
            case UNKNOWN -> image.size() > ImageInspector.MAX_IMAGE_SIZE
                    ? "The file has " + image.size() + " bytes, more than any router flash holds: it is not a firmware image. "
                        + "Pick the firmware image built for this router."
                    : "The file is not a firmware image FleetFlash recognises: it starts with neither a TP-Link header nor a "
                        + "U-Boot kernel header. It may be a wrong download, an archive that must be unpacked first, or an "
                        + "image for another kind of device. Pick the firmware image built for this router.";
            case TPLINK -> image.kernel().isEmpty()
                    ? "The file has a TP-Link header but no U-Boot kernel at its kernel offset "
                        + hex(image.tpLink().orElseThrow().kernelOffset()) + ": it is probably TP-Link's own firmware, "
                        + "not a FreeBSD image. Pick the FreeBSD image built for this router."
                    : null;
            case UIMAGE_RAW -> null;
        };
    }

    private static void checkKernel(ImageInfo.Kernel k, ImageInfo image, RouterBoot router, List<Finding> out) {
        UImageHeader h = k.header();
        if (!h.headerCrcOk()) {
            out.add(new Finding(Finding.Code.HEADER_CRC, "The kernel's header checksum is wrong (stored " + hex(h.headerCrc())
                    + "): the file is damaged, and the router's boot loader would print \"Bad Header Checksum\" and never "
                    + "start it. Download the image again.", false));
        } else if (!k.dataCrcOk() && !image.truncated()) {
            out.add(new Finding(Finding.Code.DATA_CRC, "The kernel data does not match the CRC in its header: the file is "
                    + "damaged, and the router's boot loader would print \"Bad Data CRC\" and never start it. "
                    + "Download the image again.", false));
        }
        if (!h.isKernel()) {
            out.add(new Finding(Finding.Code.NOT_A_KERNEL, "The U-Boot image in the file is a " + h.typeName()
                    + ", not a kernel: probably a boot loader, ramdisk or script file picked instead of the firmware. "
                    + "Pick the firmware image built for this router.", false));
        }
        OptionalInt want = UImageHeader.archOfMachineArch(router.machineArch());
        if (want.isPresent() && want.getAsInt() != h.arch()) {
            out.add(new Finding(Finding.Code.WRONG_ARCH, "The kernel is built for " + h.archName() + " but this router's CPU is "
                    + router.machineArch() + " (" + UImageHeader.archName(want.getAsInt()) + "): the image is for another kind "
                    + "of router, and its boot loader would print \"Unsupported Architecture\". Pick the image built for "
                    + router.machineArch() + ".", false));
        }
    }

    private static void checkRoot(ImageInfo image, RouterBoot router, List<Finding> out) {
        long kernelEnd = image.kernel().map(ImageInfo.Kernel::end).orElse(0L);
        String problem;
        if (router.rootRule() instanceof RouterBoot.SearchRule s) {
            problem = searchProblem(image, router, s, kernelEnd);
        } else {
            problem = fixedProblem(image, router, (RouterBoot.FixedRoot) router.rootRule(), kernelEnd);
        }
        if (problem != null) {
            // a file cut short has lost its root file system: that, not another board, is then the likely reason
            out.add(new Finding(Finding.Code.NO_ROOT, problem + " The router would stop at \"mountroot>\" and need a console "
                    + "cable. " + (image.truncated() ? "The file is cut short (see above): download the image again."
                    : "The image was probably built for a board with another flash layout."), false));
        }
    }

    private static String searchProblem(ImageInfo image, RouterBoot router, RouterBoot.SearchRule s, long kernelEnd) {
        String rule = "This router's kernel looks for its root file system at flash offsets " + hex(s.start()) + " + k*"
                + hex(s.step()) + " (key '" + s.key() + "')";
        byte[] marker = ImageInspector.UZIP_PREAMBLE;
        if (!s.matches(marker, 0) && !s.matches("#!/bin/sh\n#V2.0 Format\n".getBytes(StandardCharsets.US_ASCII), 0)) {
            return rule + ", a key no FreeBSD mkuzip root file system starts with.";
        }
        for (long m : image.rootMarkers()) {
            long flash = router.spanOffset() + m;
            if (flash < s.start() || (flash - s.start()) % s.step() != 0 || m >= router.spanSize()) {
                continue;
            }
            if (m < kernelEnd) {
                return rule + "; the first one it would find is at image offset " + hex(m) + ", inside the kernel, which ends at "
                        + hex(kernelEnd) + ".";
            }
            return null;
        }
        return rule + ", and the image has none there" + elsewhere(image) + ".";
    }

    private static String fixedProblem(ImageInfo image, RouterBoot router, RouterBoot.FixedRoot f, long kernelEnd) {
        long rel = f.offset() - router.spanOffset();
        String rule = "This router's root file system starts at flash offset " + hex(f.offset()) + " (image offset " + hex(rel) + ")";
        if (rel < 0 || rel >= router.spanSize()) {
            return rule + ", outside the layout the image is written to.";
        }
        if (!image.rootMarkers().contains(rel)) {
            return rule + ", and the image has no root file system there" + elsewhere(image) + ".";
        }
        if (kernelEnd > rel) {
            return rule + ", but the kernel runs on to image offset " + hex(kernelEnd) + " and would be cut short.";
        }
        return null;
    }

    private static String elsewhere(ImageInfo image) {
        if (image.rootMarkers().isEmpty()) {
            return " (nor anywhere else)";
        }
        List<String> at = image.rootMarkers().stream().limit(4).map(ImageCompatibility::hex).toList();
        return " (it has one at image offset " + String.join(", ", at) + (image.rootMarkers().size() > 4 ? ", ..." : "") + ")";
    }

    private static String hex(long v) {
        return String.format(Locale.ROOT, "0x%x", v);
    }
}

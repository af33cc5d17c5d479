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
  * where GEOM_MAP finds the root file system) and the board checks: the one OpenWrt's sysupgrade
  * makes on TP-Link boards (the hardware id), and the load address and entry point of the kernel,
  * which must be those of the kernel the router runs now (a kernel is linked for its system-on-chip).
  * An image that fails one of them would leave the router dead after the point of no return. Force
  * sets aside only the findings that do not make the router unbootable for sure: an unrecognised
  * format and another model (a board sold under two ids, a kernel moved to another address).
  *
  * <p>What cannot be checked is said, not passed over: an image that names no model, on a router
  * whose running kernel cannot be read, was checked for its architecture and root file system only.
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
        List<String> unchecked = new ArrayList<>();
        checkModel(image, router.running(), force, out, unchecked);
        return Verdict.of(out, unchecked);
    }

    /**
      * The board checks: the TP-Link hardware ids when both name one, and the kernel's load address and entry point
      * against those of the kernel the router runs now. Says what could not be compared.
      */
    private static void checkModel(ImageInfo image, RunningFirmware running, boolean force, List<Finding> out,
            List<String> unchecked) {
        OptionalLong imageId = image.hardwareId();
        OptionalLong routerId = running.hardwareId();
        if (imageId.isPresent() && routerId.isPresent() && imageId.getAsLong() != routerId.getAsLong()) {
            out.add(new Finding(Finding.Code.WRONG_MODEL, "The image is for TP-Link hardware id " + hex(imageId.getAsLong())
                    + " but this router is " + hex(routerId.getAsLong()) + ": it was built for another model. "
                    + "Pick the image for this model.", force));
        }
        if (image.kernel().isEmpty()) {
            return; // not firmware FleetFlash recognises: that finding says so already
        }
        UImageHeader offered = image.kernel().get().header();
        if (running.kernel().isPresent()) {
            UImageHeader now = running.kernel().get();
            if (offered.loadAddress() != now.loadAddress() || offered.entryPoint() != now.entryPoint()) {
                out.add(new Finding(Finding.Code.WRONG_MODEL, "The image's kernel is built to be loaded at "
                        + hex(offered.loadAddress()) + " and started at " + hex(offered.entryPoint()) + ", but the kernel this "
                        + "router runs now is loaded at " + hex(now.loadAddress()) + " and started at " + hex(now.entryPoint())
                        + ": the image was built for a board with another system-on-chip, and this router would hang after "
                        + "\"Starting kernel ...\". Pick the image for this model.", force));
            }
        } else if (imageId.isEmpty() || routerId.isEmpty()) {
            unchecked.add("Whether the image is for this model could not be checked: the first bytes of this router's "
                    + "layout hold no U-Boot kernel FleetFlash can read" + (imageId.isPresent() ? "" : ", and the image names no "
                    + "TP-Link hardware id") + ". Only the image's CPU architecture and where its root file system lies were "
                    + "checked: make sure it is built for this model.");
        }
        if (imageId.isPresent() && routerId.isEmpty()) {
            unchecked.add("The image is for TP-Link hardware id " + hex(imageId.getAsLong()) + ", but the firmware this router "
                    + "runs has no TP-Link header, so its board's id is not known and was not compared. Make sure its boot "
                    + "loader starts TP-Link images.");
        }
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

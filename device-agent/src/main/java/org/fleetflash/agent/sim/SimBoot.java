package org.fleetflash.agent.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import org.fleetflash.agent.image.ImageInspector;
import org.fleetflash.agent.image.TpLinkHeader;
import org.fleetflash.agent.image.UImageHeader;

/**
  * What the simulated router's boot loader and kernel make of its flash, checked the way U-Boot's
  * {@code bootm} and FreeBSD check it: on a board with a TP-Link hardware id a TP-Link header at the
  * start of the firmware must carry that id and points at the kernel; the kernel's U-Boot header needs
  * its magic, header CRC, data CRC, the board's CPU architecture and a kernel type; a kernel linked
  * for another board's load address and entry point hangs silently after "Starting kernel ..."; then GEOM_MAP
  * resolves the partitions from the hints and the root file system must start with a mkuzip header
  * (and pass the simulator's integrity trailer). Each failure prints what U-Boot or the kernel prints
  * and leaves the router dead.
  */
public final class SimBoot {

    /**
      * The outcome of one boot.
      *
      * @param version the firmware version running, empty when the boot stopped
      * @param console the lines the boot loader and the kernel printed on the serial console
      */
    public record Result(Optional<String> version, List<String> console) {
        public Result {
            console = List.copyOf(console);
        }

        /** Whether the router came up. */
        public boolean booted() {
            return version.isPresent();
        }
    }

    private SimBoot() {}

    /** Boots the flash contents of a router of profile {@code p}. */
    public static Result boot(Profile p, byte[] flash) {
        List<String> con = new ArrayList<>();
        int start = (int) p.spanStart();
        byte[] span = Arrays.copyOfRange(flash, start, (int) p.spanEnd());
        int kernelAt = 0;
        if (p.boardHwid().isPresent() && TpLinkHeader.looksLike(span)) {
            TpLinkHeader h = TpLinkHeader.parse(span).orElseThrow();
            long want = p.boardHwid().getAsLong();
            if (h.hardwareId() != want) {
                con.add(String.format(Locale.ROOT, "Firmware header: hardware id 0x%08x, this board is 0x%08x: not booting it",
                        h.hardwareId(), want));
                return stopped(con);
            }
            kernelAt = (int) Math.min(h.kernelOffset(), span.length);
        }
        con.add(String.format(Locale.ROOT, "## Booting kernel from Legacy Image at %08x ...", p.flashBase() + start + kernelAt));
        if (!UImageHeader.hasMagic(span, kernelAt) || UImageHeader.parse(span, kernelAt).isEmpty()) {
            con.add("Bad Magic Number");
            return uBootGaveUp(con);
        }
        UImageHeader h = UImageHeader.parse(span, kernelAt).orElseThrow();
        if (!h.headerCrcOk()) {
            con.add("Bad Header Checksum");
            return uBootGaveUp(con);
        }
        con.add("   Image Name:   " + h.name());
        con.add("   Image Type:   " + h.imageTypeLine());
        con.add(String.format(Locale.ROOT, "   Data Size:    %d Bytes = %s", h.dataSize(), humanSize(h.dataSize())));
        con.add(String.format(Locale.ROOT, "   Load Address: %08x", h.loadAddress()));
        con.add(String.format(Locale.ROOT, "   Entry Point:  %08x", h.entryPoint()));
        if (!h.dataCrcMatches(span, kernelAt)) {
            con.add("   Verifying Checksum ... Bad Data CRC");
            return uBootGaveUp(con);
        }
        con.add("   Verifying Checksum ... OK");
        OptionalInt arch = UImageHeader.archOfMachineArch(p.hwMachineArch());
        if (arch.isEmpty() || arch.getAsInt() != h.arch()) {
            con.add(String.format(Locale.ROOT, "Unsupported Architecture 0x%x", h.arch()));
            return uBootGaveUp(con);
        }
        if (!h.isKernel()) {
            con.add("Wrong Image Type for bootm command");
            return uBootGaveUp(con);
        }
        con.add("   Uncompressing Kernel Image ... OK");
        con.add("");
        con.add("Starting kernel ...");
        con.add("");
        if (h.loadAddress() != p.kernelLoadAddress() || h.entryPoint() != p.kernelEntryPoint()) {
            // a kernel linked for another system-on-chip's memory map: it dies before it prints anything
            return stopped(con);
        }
        return mountRoot(p, flash, h, con);
    }

    private static Result mountRoot(Profile p, byte[] flash, UImageHeader kernel, List<String> con) {
        String from = p.rootMountFrom();
        con.add("Trying to mount root from " + from + " []...");
        FlashLayout layout = FlashLayout.resolve(p, flash);
        Optional<FlashLayout.Slice> root = layout.slice(rootPartition(p));
        if (root.isEmpty() || !ImageInspector.isRootMarker(flash, root.get().offset())) {
            // no map/rootfs, or GEOM_UZIP did not taste it: no map/rootfs.uncompress (ENODEV)
            con.add("Mounting from " + from + " failed with error 19.");
            con.add("mountroot>");
            return stopped(con);
        }
        if (!SimImage.rootfsIntact(flash, root.get().offset(), root.get().end())) {
            con.add("Mounting from " + from + " failed with error 5.");
            con.add("mountroot>");
            return stopped(con);
        }
        return new Result(Optional.of(ImageInspector.versionOf(kernel.name())), con);
    }

    /** The partition the root is mounted from: {@code ufs:map/rootfs.uncompress} names {@code rootfs}. */
    static String rootPartition(Profile p) {
        String n = p.rootMountFrom().replaceFirst("^[A-Za-z0-9]+:", "").replaceFirst("^/dev/", "").replaceFirst("^map/", "");
        int dot = n.indexOf('.');
        return dot < 0 ? n : n.substring(0, dot);
    }

    private static Result uBootGaveUp(List<String> con) {
        con.add("ERROR: can't get kernel image!");
        return stopped(con);
    }

    private static Result stopped(List<String> con) {
        return new Result(Optional.empty(), con);
    }

    private static String humanSize(long bytes) {
        if (bytes < 1024) {
            return bytes + " Bytes";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }
}

package org.fleetflash.agent.sim;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Faults injected into one simulated router ({@link SimRouter#setFaults(Faults)}); the stand-ins read
 * them from {@code sim/faults}, the router's life cycle reads the rest. {@link #none()} is a healthy
 * router; each {@code with...} method adds one fault.
 *
 * @param downloadCutAt       fetch stops a transfer after this many bytes of it (the connection drops)
 * @param downloadCutAlways   every transfer is cut, not only the first one
 * @param corruptByteAt       fetch delivers the byte at this image offset with every bit flipped
 * @param ramTakenPages       free RAM pages that vanish at the next {@code mdconfig -a} (after the agent looked)
 * @param powerLossAtBlock    the K-th (1-based) erase-block write to a map device after the reroot is cut
 *                            half-way and the router is DEAD until {@link SimRouter#powerOn()}
 * @param writeFailsFromBlock from the K-th (1-based) erase-block write to a map device after the reroot on,
 *                            every write fails with EIO (a worn-out flash)
 * @param neverReturns        the router goes down at its reboot and never boots again
 * @param extraRebootDelay    added to the reboot delay (a router that returns late)
 * @param telemetryDropPercent percentage (0-100) of UDP datagrams nc and logger lose
 */
public record Faults(OptionalLong downloadCutAt, boolean downloadCutAlways, OptionalLong corruptByteAt,
        long ramTakenPages, OptionalInt powerLossAtBlock, OptionalInt writeFailsFromBlock, boolean neverReturns, Duration extraRebootDelay,
        int telemetryDropPercent) {

    public Faults {
        Objects.requireNonNull(downloadCutAt, "downloadCutAt");
        Objects.requireNonNull(corruptByteAt, "corruptByteAt");
        Objects.requireNonNull(powerLossAtBlock, "powerLossAtBlock");
        Objects.requireNonNull(writeFailsFromBlock, "writeFailsFromBlock");
        Objects.requireNonNull(extraRebootDelay, "extraRebootDelay");
        if (downloadCutAt.isPresent() && downloadCutAt.getAsLong() < 0) {
            throw new IllegalArgumentException("downloadCutAt must be 0 or more bytes");
        }
        if (corruptByteAt.isPresent() && corruptByteAt.getAsLong() < 0) {
            throw new IllegalArgumentException("corruptByteAt must be an offset, 0 or more");
        }
        if (ramTakenPages < 0) {
            throw new IllegalArgumentException("ramTakenPages must be 0 or more");
        }
        if (powerLossAtBlock.isPresent() && powerLossAtBlock.getAsInt() < 1) {
            throw new IllegalArgumentException("powerLossAtBlock counts from 1");
        }
        if (writeFailsFromBlock.isPresent() && writeFailsFromBlock.getAsInt() < 1) {
            throw new IllegalArgumentException("writeFailsFromBlock counts from 1");
        }
        if (extraRebootDelay.isNegative()) {
            throw new IllegalArgumentException("extraRebootDelay must not be negative");
        }
        if (telemetryDropPercent < 0 || telemetryDropPercent > 100) {
            throw new IllegalArgumentException("telemetryDropPercent must be 0..100, not " + telemetryDropPercent);
        }
    }

    /** A healthy router. */
    public static Faults none() {
        return new Faults(OptionalLong.empty(), false, OptionalLong.empty(), 0, OptionalInt.empty(), OptionalInt.empty(),
                false, Duration.ZERO, 0);
    }

    /** fetch stops after {@code bytes} bytes of a transfer: only the first transfer, or every one. */
    public Faults withDownloadCut(long bytes, boolean always) {
        return new Faults(OptionalLong.of(bytes), always, corruptByteAt, ramTakenPages, powerLossAtBlock,
                writeFailsFromBlock, neverReturns, extraRebootDelay, telemetryDropPercent);
    }

    /** fetch delivers the byte at {@code offset} inverted. */
    public Faults withCorruptByte(long offset) {
        return new Faults(downloadCutAt, downloadCutAlways, OptionalLong.of(offset), ramTakenPages, powerLossAtBlock,
                writeFailsFromBlock, neverReturns, extraRebootDelay, telemetryDropPercent);
    }

    /** {@code pages} of free RAM vanish at the next {@code mdconfig -a}. */
    public Faults withRamTakenAtNextMdconfig(long pages) {
        return new Faults(downloadCutAt, downloadCutAlways, corruptByteAt, pages, powerLossAtBlock,
                writeFailsFromBlock, neverReturns, extraRebootDelay, telemetryDropPercent);
    }

    /** The power fails half-way through the {@code k}-th (1-based) erase-block write after the reroot. */
    public Faults withPowerLossAtBlock(int k) {
        return new Faults(downloadCutAt, downloadCutAlways, corruptByteAt, ramTakenPages, OptionalInt.of(k),
                writeFailsFromBlock, neverReturns, extraRebootDelay, telemetryDropPercent);
    }

    /** From the {@code k}-th (1-based) erase-block write after the reroot on, every flash write fails (EIO). */
    public Faults withWriteFailuresFromBlock(int k) {
        return new Faults(downloadCutAt, downloadCutAlways, corruptByteAt, ramTakenPages, powerLossAtBlock,
                OptionalInt.of(k), neverReturns, extraRebootDelay, telemetryDropPercent);
    }

    /** The router never comes back from its next reboot. */
    public Faults withNeverReturns() {
        return new Faults(downloadCutAt, downloadCutAlways, corruptByteAt, ramTakenPages, powerLossAtBlock,
                writeFailsFromBlock, true, extraRebootDelay, telemetryDropPercent);
    }

    /** The router takes {@code extra} longer to reboot. */
    public Faults withExtraRebootDelay(Duration extra) {
        return new Faults(downloadCutAt, downloadCutAlways, corruptByteAt, ramTakenPages, powerLossAtBlock,
                writeFailsFromBlock, neverReturns, extra, telemetryDropPercent);
    }

    /** nc and logger lose {@code percent} of the UDP datagrams (100: all). */
    public Faults withTelemetryDrop(int percent) {
        return new Faults(downloadCutAt, downloadCutAlways, corruptByteAt, ramTakenPages, powerLossAtBlock,
                writeFailsFromBlock, neverReturns, extraRebootDelay, percent);
    }

    /** The stand-ins' view: sourceable FF_FAULT_* assignments (sim/faults). */
    String toShell() {
        return "# Faults of this router (SimRouter.setFaults), sourced by the stand-ins.\n"
                + "FF_FAULT_CUT_AT='" + (downloadCutAt.isPresent() ? downloadCutAt.getAsLong() : "") + "'\n"
                + "FF_FAULT_CUT_ALWAYS='" + (downloadCutAlways ? "yes" : "no") + "'\n"
                + "FF_FAULT_CORRUPT_AT='" + (corruptByteAt.isPresent() ? corruptByteAt.getAsLong() : "") + "'\n"
                + "FF_FAULT_TAKE_PAGES='" + ramTakenPages + "'\n"
                + "FF_FAULT_POWER_BLOCK='" + (powerLossAtBlock.isPresent() ? powerLossAtBlock.getAsInt() : "") + "'\n"
                + "FF_FAULT_WRITE_FAIL_FROM='" + (writeFailsFromBlock.isPresent() ? writeFailsFromBlock.getAsInt() : "") + "'\n"
                + "FF_FAULT_TELEMETRY_DROP='" + telemetryDropPercent + "'\n";
    }
}

package org.fleetflash.agent.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.TimeoutException;

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
 * @param pauseAt             a stand-in stops at this point (once) until the test releases it: see {@link Pause}
 * @param rebootWithoutReroot reboot is one from before FreeBSD 10.3: {@code reboot -r} is an illegal option
 * @param reportedRelease     uname -r and kern.osrelease say this release instead of the profile's
 * @param reportedReldate     kern.osreldate and uname -K/-U say this (0: the profile's)
 * @param flashRotAt          silent bit rot: when the flasher reboots after writing, the flash byte at this offset
 *                            gets every bit flipped (after the flasher verified it)
 * @param newHostKeysOnUpgrade the new firmware brings new host keys: the boot that follows a reroot presents a freshly
 *                            generated SSH host key (every upgrade, until the faults are replaced)
 */
public record Faults(OptionalLong downloadCutAt, boolean downloadCutAlways, OptionalLong corruptByteAt,
        long ramTakenPages, OptionalInt powerLossAtBlock, OptionalInt writeFailsFromBlock, boolean neverReturns, Duration extraRebootDelay,
        int telemetryDropPercent, Optional<Pause> pauseAt, boolean rebootWithoutReroot, Optional<String> reportedRelease,
        int reportedReldate, OptionalLong flashRotAt, boolean newHostKeysOnUpgrade) {

    /** How long a paused stand-in waits for its release at most. */
    public static final Duration PAUSE_LIMIT = Duration.ofSeconds(60);

    /**
     * Where a stand-in pauses ({@link #withPauseAt(Pause)}): it creates {@code sim/pause.<name>}, waits while that
     * file exists (at most {@link #PAUSE_LIMIT}) and goes on once the test deletes it ({@link #release}). Once per
     * {@link SimRouter#setFaults}.
     */
    public enum Pause {
        /** The simulated watchdogd got SIGTERM: it pauses before it disarms and exits. */
        WATCHDOGD("watchdogd"),
        /** {@code kenv NAME=VALUE}: the value is set; kenv pauses before it prints it and returns. */
        KENV("kenv"),
        /** {@code reboot -r}: pauses before it asks for the reroot (nothing requested yet). */
        REBOOT("reboot"),
        /**
         * {@code mount} of a memory disk: checked, not mounted yet. Like {@link #MDCONFIG} it stands for a system call
         * under way: see {@link Faults#awaitHungUp}.
         */
        MOUNT("mount"),
        /**
         * {@code mdconfig -a}: the memory disk is made, its name not printed yet. It ignores SIGHUP meanwhile, as a
         * system call under way finishes even when the session that started it is cut, and records the hang-up (see
         * {@link Faults#awaitHungUp}).
         */
        MDCONFIG("mdconfig");

        private final String word;

        Pause(String word) {
            this.word = word;
        }

        /** The word in {@code sim/faults} and in the gate file's name. */
        public String word() {
            return word;
        }

        /** The gate file of this pause point in a router's {@code sim/} directory. */
        public Path gate(Path simDir) {
            return simDir.resolve("pause." + word);
        }
    }

    public Faults {
        Objects.requireNonNull(downloadCutAt, "downloadCutAt");
        Objects.requireNonNull(corruptByteAt, "corruptByteAt");
        Objects.requireNonNull(powerLossAtBlock, "powerLossAtBlock");
        Objects.requireNonNull(writeFailsFromBlock, "writeFailsFromBlock");
        Objects.requireNonNull(extraRebootDelay, "extraRebootDelay");
        Objects.requireNonNull(pauseAt, "pauseAt");
        Objects.requireNonNull(reportedRelease, "reportedRelease");
        Objects.requireNonNull(flashRotAt, "flashRotAt");
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
        if (reportedRelease.isPresent() && !reportedRelease.get().matches("[A-Za-z0-9._-]{1,40}")) {
            throw new IllegalArgumentException("reportedRelease must look like 10.2-RELEASE, not " + reportedRelease.get());
        }
        if (reportedReldate < 0) {
            throw new IllegalArgumentException("reportedReldate must be 0 (the profile's) or a kern.osreldate");
        }
        if (flashRotAt.isPresent() && flashRotAt.getAsLong() < 0) {
            throw new IllegalArgumentException("flashRotAt must be a flash offset, 0 or more");
        }
    }

    /** A healthy router. */
    public static Faults none() {
        return new Faults(OptionalLong.empty(), false, OptionalLong.empty(), 0, OptionalInt.empty(), OptionalInt.empty(),
                false, Duration.ZERO, 0, Optional.empty(), false, Optional.empty(), 0, OptionalLong.empty(), false);
    }

    /** fetch stops after {@code bytes} bytes of a transfer: only the first transfer, or every one. */
    public Faults withDownloadCut(long bytes, boolean always) {
        return new Faults(OptionalLong.of(bytes), always, corruptByteAt, ramTakenPages, powerLossAtBlock,
                writeFailsFromBlock, neverReturns, extraRebootDelay, telemetryDropPercent, pauseAt, rebootWithoutReroot,
                reportedRelease, reportedReldate, flashRotAt, newHostKeysOnUpgrade);
    }

    /** fetch delivers the byte at {@code offset} inverted. */
    public Faults withCorruptByte(long offset) {
        return new Faults(downloadCutAt, downloadCutAlways, OptionalLong.of(offset), ramTakenPages, powerLossAtBlock,
                writeFailsFromBlock, neverReturns, extraRebootDelay, telemetryDropPercent, pauseAt, rebootWithoutReroot,
                reportedRelease, reportedReldate, flashRotAt, newHostKeysOnUpgrade);
    }

    /** {@code pages} of free RAM vanish at the next {@code mdconfig -a}. */
    public Faults withRamTakenAtNextMdconfig(long pages) {
        return new Faults(downloadCutAt, downloadCutAlways, corruptByteAt, pages, powerLossAtBlock,
                writeFailsFromBlock, neverReturns, extraRebootDelay, telemetryDropPercent, pauseAt, rebootWithoutReroot,
                reportedRelease, reportedReldate, flashRotAt, newHostKeysOnUpgrade);
    }

    /** The power fails half-way through the {@code k}-th (1-based) erase-block write after the reroot. */
    public Faults withPowerLossAtBlock(int k) {
        return new Faults(downloadCutAt, downloadCutAlways, corruptByteAt, ramTakenPages, OptionalInt.of(k),
                writeFailsFromBlock, neverReturns, extraRebootDelay, telemetryDropPercent, pauseAt, rebootWithoutReroot,
                reportedRelease, reportedReldate, flashRotAt, newHostKeysOnUpgrade);
    }

    /** From the {@code k}-th (1-based) erase-block write after the reroot on, every flash write fails (EIO). */
    public Faults withWriteFailuresFromBlock(int k) {
        return new Faults(downloadCutAt, downloadCutAlways, corruptByteAt, ramTakenPages, powerLossAtBlock,
                OptionalInt.of(k), neverReturns, extraRebootDelay, telemetryDropPercent, pauseAt, rebootWithoutReroot,
                reportedRelease, reportedReldate, flashRotAt, newHostKeysOnUpgrade);
    }

    /** The router never comes back from its next reboot. */
    public Faults withNeverReturns() {
        return new Faults(downloadCutAt, downloadCutAlways, corruptByteAt, ramTakenPages, powerLossAtBlock,
                writeFailsFromBlock, true, extraRebootDelay, telemetryDropPercent, pauseAt, rebootWithoutReroot,
                reportedRelease, reportedReldate, flashRotAt, newHostKeysOnUpgrade);
    }

    /** The router takes {@code extra} longer to reboot. */
    public Faults withExtraRebootDelay(Duration extra) {
        return new Faults(downloadCutAt, downloadCutAlways, corruptByteAt, ramTakenPages, powerLossAtBlock,
                writeFailsFromBlock, neverReturns, extra, telemetryDropPercent, pauseAt, rebootWithoutReroot,
                reportedRelease, reportedReldate, flashRotAt, newHostKeysOnUpgrade);
    }

    /** nc and logger lose {@code percent} of the UDP datagrams (100: all). */
    public Faults withTelemetryDrop(int percent) {
        return new Faults(downloadCutAt, downloadCutAlways, corruptByteAt, ramTakenPages, powerLossAtBlock,
                writeFailsFromBlock, neverReturns, extraRebootDelay, percent, pauseAt, rebootWithoutReroot,
                reportedRelease, reportedReldate, flashRotAt, newHostKeysOnUpgrade);
    }

    /** The stand-in of {@code point} pauses there once, until {@link #release} (see {@link Pause}). */
    public Faults withPauseAt(Pause point) {
        return new Faults(downloadCutAt, downloadCutAlways, corruptByteAt, ramTakenPages, powerLossAtBlock,
                writeFailsFromBlock, neverReturns, extraRebootDelay, telemetryDropPercent, Optional.of(point),
                rebootWithoutReroot, reportedRelease, reportedReldate, flashRotAt, newHostKeysOnUpgrade);
    }

    /**
     * reboot is one from before FreeBSD 10.3: {@code reboot -r} prints {@code reboot: illegal option -- r} and
     * the old usage, exit 1, and changes nothing.
     */
    public Faults withRebootWithoutReroot() {
        return new Faults(downloadCutAt, downloadCutAlways, corruptByteAt, ramTakenPages, powerLossAtBlock,
                writeFailsFromBlock, neverReturns, extraRebootDelay, telemetryDropPercent, pauseAt, true,
                reportedRelease, reportedReldate, flashRotAt, newHostKeysOnUpgrade);
    }

    /** uname and sysctl report FreeBSD {@code release} with kern.osreldate {@code reldate} (e.g. 10.2-RELEASE, 1002000). */
    public Faults withReportedRelease(String release, int reldate) {
        if (reldate < 1) {
            throw new IllegalArgumentException("reldate must be a kern.osreldate such as 1002000");
        }
        return new Faults(downloadCutAt, downloadCutAlways, corruptByteAt, ramTakenPages, powerLossAtBlock,
                writeFailsFromBlock, neverReturns, extraRebootDelay, telemetryDropPercent, pauseAt, rebootWithoutReroot,
                Optional.of(release), reldate, flashRotAt, newHostKeysOnUpgrade);
    }

    /**
     * Silent flash corruption: when the flasher reboots after writing (its own read-back already passed), the flash
     * byte at {@code flashOffset} gets every bit flipped. {@link #paddingOffset} gives an offset where the router
     * still boots.
     */
    public Faults withFlashRotAt(long flashOffset) {
        return new Faults(downloadCutAt, downloadCutAlways, corruptByteAt, ramTakenPages, powerLossAtBlock,
                writeFailsFromBlock, neverReturns, extraRebootDelay, telemetryDropPercent, pauseAt, rebootWithoutReroot,
                reportedRelease, reportedReldate, OptionalLong.of(flashOffset), newHostKeysOnUpgrade);
    }

    /**
     * The new firmware brings new SSH host keys: after each reroot, the router's next boot generates a new host key
     * and presents it from then on (as a router does whose new image holds no keys and makes them at first boot).
     */
    public Faults withNewHostKeysOnUpgrade() {
        return new Faults(downloadCutAt, downloadCutAlways, corruptByteAt, ramTakenPages, powerLossAtBlock,
                writeFailsFromBlock, neverReturns, extraRebootDelay, telemetryDropPercent, pauseAt, rebootWithoutReroot,
                reportedRelease, reportedReldate, flashRotAt, true);
    }

    /**
     * The flash offset of the last byte of the padding after an image of {@code imageLength} bytes (the image is
     * written from the profile's span start, padded with 0x00 to the erase block): bit rot there leaves the image
     * bootable, yet the flash differs from the padded plan.
     *
     * @throws IllegalArgumentException when the image fills its last erase block (there is no padding)
     */
    public static long paddingOffset(Profile profile, long imageLength) {
        long eb = profile.eraseBlock();
        if (imageLength % eb == 0) {
            throw new IllegalArgumentException("An image of " + imageLength + " bytes fills its last erase block of "
                    + eb + ": there is no padding to corrupt");
        }
        long padded = (imageLength + eb - 1) / eb * eb;
        return profile.spanStart() + padded - 1;
    }

    /** Waits until the stand-in paused at {@code point} on {@code router} ({@link #withPauseAt}). */
    public static void awaitPaused(SimRouter router, Pause point, Duration timeout) throws InterruptedException, TimeoutException {
        awaitFile(point.gate(router.sandbox().simDir()), timeout, () -> "Router " + router.name() + " did not pause at "
                + point.word() + " within " + timeout + " (is the pause fault set, and does the agent get there?)");
    }

    /** Waits (polling, bounded by {@code timeout}) until {@code file} exists; else a TimeoutException that says {@code what}. */
    private static void awaitFile(Path file, Duration timeout, java.util.function.Supplier<String> what)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException(what.get());
            }
            Thread.sleep(20);
        }
    }

    /**
     * Waits until the session of the command paused at {@code point} (one that stands for a system call under way,
     * {@link Pause#MOUNT} or {@link Pause#MDCONFIG}) was hung up: the hang-up reaches every process of the command at
     * once, so the agent's shell has it too, and acts on it when the paused call returns.
     */
    public static void awaitHungUp(SimRouter router, Pause point, Duration timeout) throws InterruptedException, TimeoutException {
        awaitFile(router.sandbox().simDir().resolve("pause." + point.word() + ".hup"), timeout, () -> "The session of the command"
                + " paused at " + point.word() + " on router " + router.name() + " was not hung up within " + timeout);
    }

    /** Lets the stand-in paused at {@code point} go on. */
    public static void release(SimRouter router, Pause point) throws IOException {
        Files.deleteIfExists(point.gate(router.sandbox().simDir()));
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
                + "FF_FAULT_TELEMETRY_DROP='" + telemetryDropPercent + "'\n"
                + "FF_FAULT_PAUSE_AT='" + pauseAt.map(Pause::word).orElse("") + "'\n"
                + "FF_FAULT_NO_REROOT='" + (rebootWithoutReroot ? "yes" : "no") + "'\n"
                + "FF_FAULT_RELEASE='" + reportedRelease.orElse("") + "'\n"
                + "FF_FAULT_RELDATE='" + (reportedReldate > 0 ? reportedReldate : "") + "'\n"
                + "FF_FAULT_ROT_AT='" + (flashRotAt.isPresent() ? flashRotAt.getAsLong() : "") + "'\n";
    }
}

package org.fleetflash.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import org.fleetflash.agent.sim.Profile;
import org.fleetflash.agent.sim.Shell;
import org.fleetflash.agent.sim.SimFleet;
import org.fleetflash.agent.sim.SimImage;
import org.fleetflash.agent.sim.SimRouter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code fleetflash sim}: starts simulated FreeBSD routers on loopback, the test bench and demo fleet. */
@Command(name = "sim",
        mixinStandardHelpOptions = true,
        customSynopsis = {"fleetflash sim --profile=NAME|FILE --state-dir=DIR [OPTIONS]",
            "fleetflash sim (image | profiles) [OPTIONS]"},
        description = {
            "Starts simulated FreeBSD routers on loopback addresses and runs until interrupted.",
            "Prints one line per router: name address:port user password (a test bench, not a secret).",
            "--profile and --state-dir are required to start routers; the sub-commands do not need them."
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:stopped by Ctrl+C or SIGTERM", "2:bad command line", "1:the routers could not start (see the message)"},
        subcommands = {SimCommand.ImageCommand.class, SimCommand.ProfilesCommand.class})
final class SimCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--profile", paramLabel = "NAME|FILE",
            description = "Router model: a built-in profile name (see 'sim profiles') or a profile file. Required to start routers.")
    String profile;

    @Option(names = "--count", defaultValue = "1", description = "How many routers (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--address", defaultValue = "127.0.3.1", paramLabel = "127.x.y.z",
            description = "Loopback address of the first router; the next ones take the following addresses"
                    + " (default: ${DEFAULT-VALUE}).")
    String address;

    @Option(names = "--port", defaultValue = "2222", description = "SSH port (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @Option(names = "--vary", defaultValue = "address", paramLabel = "address|port",
            description = "What changes from one router to the next: the address (default) or the port.")
    SimFleet.Vary vary;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where the routers keep their flash, host key and sandbox, kept across runs. Required to start routers.")
    Path stateDir;

    @Option(names = "--shell", defaultValue = "dash", paramLabel = "dash|posh|busybox",
            description = "The real shell that is the routers' /bin/sh (default: ${DEFAULT-VALUE}).")
    String shell;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "Read the routers' SSH password from this file instead of the profile's.")
    Path passwordFile;

    @Option(names = "--authorized-keys", paramLabel = "FILE",
            description = "Public keys (OpenSSH authorized_keys format) that may log in as the profile's user.")
    Path authorizedKeys;

    @Option(names = "--reboot-delay", paramLabel = "SECONDS",
            description = "How long a reboot takes (default: the profile's).")
    Double rebootDelaySeconds;

    @Option(names = "--shutdown-grace", paramLabel = "SECONDS",
            description = "The longest rc.shutdown runs after reboot -r before the SSH sessions are cut; it ends sooner once"
                    + " the sessions open at the reroot have closed (default: the profile's; 0 cuts them at once).")
    Double shutdownGraceSeconds;

    @Option(names = "--flash-write-bps", paramLabel = "BYTES",
            description = "Flash write speed in bytes/s, 0 = unthrottled (default: the profile's; the TL-WDR3600 writes ~100000).")
    Long flashWriteBps;

    @Option(names = "--fault-download-cut", paramLabel = "BYTES",
            description = "Fault: fetch's first transfer stops after BYTES (add --fault-every-time to cut every transfer).")
    Long faultDownloadCut;

    @Option(names = "--fault-every-time", description = "Fault modifier: cut every download, not only the first.")
    boolean faultEveryTime;

    @Option(names = "--fault-corrupt-byte", paramLabel = "OFFSET", description = "Fault: the downloaded image's byte at OFFSET arrives flipped.")
    Long faultCorruptByte;

    @Option(names = "--fault-ram-taken", paramLabel = "PAGES", description = "Fault: PAGES of free RAM vanish at the next mdconfig -a.")
    Long faultRamTaken;

    @Option(names = "--fault-power-loss-at-block", paramLabel = "K", description = "Fault: power fails while writing the K-th erase block after the reroot.")
    Integer faultPowerLoss;

    @Option(names = "--fault-never-returns", description = "Fault: the router never comes back from its reboot.")
    boolean faultNeverReturns;

    @Option(names = "--fault-late-return", paramLabel = "SECONDS", description = "Fault: reboots take SECONDS longer.")
    Double faultLateReturn;

    @Option(names = "--fault-telemetry-drop", paramLabel = "PERCENT", description = "Fault: nc and logger lose PERCENT of their datagrams.")
    Integer faultTelemetryDrop;

    @Option(names = "--fault-new-host-keys",
            description = "Fault: the new firmware brings new SSH host keys (each boot after a reroot presents a new key).")
    boolean faultNewHostKeys;

    /** A time option in seconds as a duration; a negative or non-finite one is refused with the option's name. */
    private Optional<java.time.Duration> seconds(String option, Double value) {
        if (value == null) {
            return Optional.empty();
        }
        if (!(value >= 0) || value.isInfinite()) {
            throw new ParameterException(spec.commandLine(), option + " must be 0 or more seconds, not " + value);
        }
        return Optional.of(java.time.Duration.ofMillis(Math.round(value * 1000)));
    }

    /** The faults asked for on the command line. */
    org.fleetflash.agent.sim.Faults faults() {
        org.fleetflash.agent.sim.Faults f = org.fleetflash.agent.sim.Faults.none();
        if (faultDownloadCut != null) {
            f = f.withDownloadCut(faultDownloadCut, faultEveryTime);
        }
        if (faultCorruptByte != null) {
            f = f.withCorruptByte(faultCorruptByte);
        }
        if (faultRamTaken != null) {
            f = f.withRamTakenAtNextMdconfig(faultRamTaken);
        }
        if (faultPowerLoss != null) {
            f = f.withPowerLossAtBlock(faultPowerLoss);
        }
        if (faultNeverReturns) {
            f = f.withNeverReturns();
        }
        if (faultLateReturn != null) {
            f = f.withExtraRebootDelay(java.time.Duration.ofMillis((long) (faultLateReturn * 1000)));
        }
        if (faultTelemetryDrop != null) {
            f = f.withTelemetryDrop(faultTelemetryDrop);
        }
        if (faultNewHostKeys) {
            f = f.withNewHostKeysOnUpgrade();
        }
        return f;
    }

    @Override
    public Integer call() throws Exception {
        if (profile == null) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--profile=NAME|FILE'");
        }
        if (stateDir == null) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--state-dir=DIR'");
        }
        Profile p = Profiles.load(spec, profile);
        if (flashWriteBps != null) {
            p = p.withFlashSpeed(p.flashReadBps(), flashWriteBps);
        }
        Optional<java.time.Duration> rebootDelay = seconds("--reboot-delay", rebootDelaySeconds);
        Optional<java.time.Duration> shutdownGrace = seconds("--shutdown-grace", shutdownGraceSeconds);
        Optional<String> password = passwordFile == null ? Optional.empty() : Optional.of(readPassword(passwordFile));
        Files.createDirectories(stateDir);
        SimFleet.Spec fleetSpec = new SimFleet.Spec(p, Shell.parse(shell), count, address, port, vary, password,
                Optional.ofNullable(authorizedKeys));
        CountDownLatch stopped = new CountDownLatch(1);
        org.fleetflash.agent.sim.Faults faults;
        try {
            faults = faults();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        try (SimFleet fleet = SimFleet.start(stateDir, fleetSpec)) {
            for (SimRouter r : fleet.routers()) {
                r.setFaults(faults);
                rebootDelay.ifPresent(r::setRebootDelay);
                shutdownGrace.ifPresent(r::setShutdownGrace);
                spec.commandLine().getOut().println(r.describe());
            }
            spec.commandLine().getOut().flush();
            spec.commandLine().getErr().println("Simulated routers running (state in " + stateDir + "). Press Ctrl+C to stop.");
            spec.commandLine().getErr().flush();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    fleet.close();
                } catch (IOException e) {
                    // the JVM is going away; nothing left to tell
                } finally {
                    stopped.countDown();
                }
            }, "sim-shutdown"));
            stopped.await();
        }
        return 0;
    }

    static String readPassword(Path file) throws IOException {
        String s = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (s.isEmpty()) {
            throw new IOException("The password file " + file + " is empty");
        }
        return s;
    }

    /** {@code fleetflash sim image}: writes a synthetic firmware image that the simulator boots once flashed. */
    @Command(name = "image",
            description = {"Writes a synthetic firmware image for a simulated router model, carrying its version.",
                "Give --version for a new image, or --like with --change-last-blocks for a copy of an image that differs "
                        + "only at its end."},
            exitCodeListHeading = "%nExit status:%n",
            exitCodeList = {"0:image written", "2:bad command line", "1:the image could not be written (see the message)"})
    static final class ImageCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        // No -V/--version here: --version is the firmware version the image carries.
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;

        @Option(names = "--profile", required = true, paramLabel = "NAME|FILE", description = "Router model.")
        String profile;

        @Option(names = "--version", paramLabel = "V", description = "Firmware version the new image carries (not with --like).")
        String version;

        @Option(names = "--size", defaultValue = "0", paramLabel = "BYTES",
                description = "Image size in bytes (default: a realistic size for the model).")
        long size;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the image.")
        Path out;

        @Option(names = "--like", paramLabel = "FILE",
                description = "Start from this image (same version and size) instead of making a new one; needs --change-last-blocks.")
        Path like;

        @Option(names = "--change-last-blocks", defaultValue = "0", paramLabel = "N",
                description = "With --like, change only the image's last N erase blocks (for incremental-flash tests and benchmarks).")
        int changeLastBlocks;

        @Override
        public Integer call() throws Exception {
            Profile p = Profiles.load(spec, profile);
            if (like != null) {
                if (changeLastBlocks < 1) {
                    throw new ParameterException(spec.commandLine(), "--like needs --change-last-blocks N (N >= 1)");
                }
                Files.write(out, SimImage.withChangedTail(p, Files.readAllBytes(like), changeLastBlocks));
                spec.commandLine().getOut().println(out + " " + Files.size(out) + " bytes, " + like.getFileName()
                        + " with its last " + changeLastBlocks + " erase blocks changed");
                return 0;
            }
            if (version == null) {
                throw new ParameterException(spec.commandLine(), "Missing required option: '--version=V'");
            }
            try {
                SimImage.write(p, version, size, out);
            } catch (IllegalArgumentException e) {
                // a size or version the model cannot take: the sentence says which range or characters it can
                throw new ParameterException(spec.commandLine(), e.getMessage(), e);
            }
            spec.commandLine().getOut().println(out + " " + Files.size(out) + " bytes, " + p.name() + " version " + version);
            return 0;
        }
    }

    /** {@code fleetflash sim profiles}: lists the built-in router models. */
    @Command(name = "profiles", mixinStandardHelpOptions = true, description = "Lists the built-in router models.",
            exitCodeListHeading = "%nExit status:%n", exitCodeList = {"0:listed"})
    static final class ProfilesCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Profile.builtInNames().forEach(spec.commandLine().getOut()::println);
            return 0;
        }
    }

    /** Loads a profile, turning a bad name or file into a usage error that says what exists. */
    static final class Profiles {
        private Profiles() {
        }

        static Profile load(CommandSpec spec, String nameOrFile) {
            try {
                return Profile.load(nameOrFile);
            } catch (RuntimeException e) {
                throw new ParameterException(spec.commandLine(), "Cannot load profile '" + nameOrFile + "': "
                        + e.getMessage() + ". Built-in profiles: " + String.join(", ", Profile.builtInNames()), e);
            }
        }
    }
}

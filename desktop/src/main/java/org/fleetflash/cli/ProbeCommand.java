package org.fleetflash.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.fleetflash.agent.protocol.DeviceFacts;
import org.fleetflash.agent.protocol.Partition;
import org.fleetflash.agent.protocol.ProbeFailedException;
import org.fleetflash.core.device.DeviceException;
import org.fleetflash.core.device.DeviceProber;
import org.fleetflash.core.device.LegacyAlgorithms;
import org.fleetflash.core.device.SshConnector;
import org.fleetflash.core.device.SshOptions;
import org.fleetflash.core.device.SshTarget;
import org.fleetflash.core.history.History;
import org.fleetflash.core.settings.DataDirectory;
import org.fleetflash.core.text.Sanitize;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code fleetflash probe}: connects to one router, runs the agent's probe and prints its facts. */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = {"Connects to a router over SSH, uploads the agent, and prints what it found: FreeBSD release, memory, "
                + "flash partitions, erase block, tmpfs and tools.",
            "Changes nothing on the router."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:facts read", "2:bad command line", "3:router unreachable or not SSH",
            "4:login refused", "5:host key unknown or changed", "6:the agent ran but its facts are unusable",
            "1:another FleetFlash uses this data directory (the message names its process), or anything else"})
final class ProbeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "HOST[:PORT]", description = "The router (port 22 unless given).")
    String target;

    @Mixin
    ConnectOptions connect;

    @Option(names = "--json", description = "Print one JSON object instead of the human summary.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            SshTarget t = SshTarget.parse(target);
            org.fleetflash.core.device.Credentials credentials = connect.credentials(spec);
            try (History history = connect.openHistory(spec);
                    SshConnector connector = SshConnector.start()) {
                DeviceProber.Report report = new DeviceProber(connector).probe(t, credentials, connect.sshOptions(), history.hostKeys());
                rememberFacts(history, report);
                if (json) {
                    out.println(toJson(report));
                } else {
                    printHuman(out, report);
                }
                out.flush();
                return 0;
            }
        } catch (DeviceException e) {
            Failures.print(err, spec, e.getMessage());
            return ExitCodes.of(e);
        } catch (ProbeFailedException e) {
            Failures.print(err, spec, "the agent ran on " + target + " but its facts are unusable: " + e.getMessage());
            return ExitCodes.PROBE_FAILED;
        } catch (IllegalArgumentException e) {
            Failures.print(err, spec, e.getMessage());
            err.println("Try '" + spec.qualifiedName() + " --help'.");
            return ExitCodes.USAGE;
        } catch (java.io.IOException e) {
            Failures.print(err, spec, e.getMessage());
            return ExitCodes.OTHER;
        }
    }

    /**
     * Records what the probe read, so that the window lists the router with it at its next start. The probe's answer
     * does not depend on it: a history that cannot take it is logged, and the facts are printed all the same.
     */
    private static void rememberFacts(History history, DeviceProber.Report report) {
        try {
            history.fleet().probed(report.target(), report.facts(), java.time.Instant.now());
        } catch (java.io.IOException e) {
            org.slf4j.LoggerFactory.getLogger(ProbeCommand.class).warn("The probe's facts were not recorded: {}", e.getMessage());
        }
    }

    /** Router strings in JSON are exact, with every non-ASCII character escaped, so that no terminal obeys them. */
    static String toJson(DeviceProber.Report report) {
        ObjectMapper mapper = new ObjectMapper();
        mapper.getFactory().configure(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII.mappedFeature(), true);
        DeviceFacts f = report.facts();
        ObjectNode o = mapper.createObjectNode();
        o.put("target", report.target().hostPort());
        o.put("serverVersion", report.serverVersion());
        o.put("hostname", f.hostname());
        o.put("osRelease", f.osRelease());
        o.put("osRelDate", f.osRelDate());
        o.put("arch", f.arch());
        o.put("machineArch", f.machineArch());
        o.put("model", f.model());
        o.put("firmwareVersion", f.firmwareVersion().orElse(null));
        o.put("physMemory", f.physMemory());
        o.put("userMemory", f.userMemory());
        o.put("freeMemory", f.freeMemory());
        o.put("pageSize", f.pageSize());
        o.put("rootMountFrom", f.rootMountFrom());
        o.put("tmpfs", f.tmpfs());
        o.put("watchdogdRunning", f.watchdogdRunning());
        ArrayNode md = o.putArray("mdUnitsInUse");
        f.mdUnitsInUse().forEach(md::add);
        o.put("flashDevice", f.flashDevice());
        o.put("flashSize", f.flashSize());
        o.put("eraseBlock", f.eraseBlock());
        ObjectNode tools = o.putObject("tools");
        f.tools().forEach(tools::put);
        ArrayNode parts = o.putArray("partitions");
        for (Partition p : f.partitions()) {
            parts.addObject().put("name", p.name()).put("offset", p.offset()).put("size", p.size())
                    .put("readonly", p.readonly()).put("index", p.index());
        }
        ArrayNode leds = o.putArray("leds");
        f.leds().forEach(leds::add);
        ArrayNode warnings = o.putArray("warnings");
        f.warnings().forEach(warnings::add);
        o.put("agentCheck", report.agentUpload().check().name());
        try {
            return mapper.writeValueAsString(o); // JsonNode.toString() would ignore ESCAPE_NON_ASCII
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("A JSON tree could not be written", e);
        }
    }

    /** The human summary; every string that came from the router is escaped and bounded ({@link Sanitize#line}). */
    static void printHuman(PrintWriter out, DeviceProber.Report r) {
        DeviceFacts f = r.facts();
        out.printf("Router %s (%s)%n", r.target().hostPort(), Sanitize.line(r.serverVersion()));
        out.printf("  hostname    %s%n", Sanitize.line(f.hostname()));
        out.printf("  FreeBSD     %s (osreldate %d), %s/%s%n", Sanitize.line(f.osRelease()), f.osRelDate(), Sanitize.line(f.arch()),
                Sanitize.line(f.machineArch()));
        out.printf("  model       %s%n", Sanitize.line(f.model()));
        f.firmwareVersion().ifPresent(v -> out.printf("  firmware    %s%n", Sanitize.line(v)));
        out.printf("  memory      %s physical, %s usable, %s free (page size %d)%n",
                Sizes.human(f.physMemory()), Sizes.human(f.userMemory()), Sizes.human(f.freeMemory()), f.pageSize());
        out.printf("  root        %s%n", Sanitize.line(f.rootMountFrom()));
        out.printf("  tmpfs       %s%n", f.tmpfs() ? "yes" : "NO (reroot impossible)");
        out.printf("  watchdogd   %s%n", f.watchdogdRunning() ? "running" : "not running");
        out.printf("  md in use   %s%n", f.mdUnitsInUse().isEmpty() ? "none" : Sanitize.line(String.join(" ", f.mdUnitsInUse())));
        out.printf("  flash       %s, %s, erase block %s%n", Sanitize.line(f.flashDevice()), Sizes.human(f.flashSize()),
                Sizes.human(f.eraseBlock()));
        out.printf("  %-10s %10s %10s  %s%n", "partition", "offset", "size", "");
        for (Partition p : f.partitions()) {
            out.printf("  %-10s   0x%06x   0x%06x  %s%n", Sanitize.line(p.name(), 64), p.offset(), p.size(),
                    p.readonly() ? "read-only" : "writable");
        }
        String missing = String.join(" ", f.tools().entrySet().stream().filter(e -> !e.getValue()).map(java.util.Map.Entry::getKey).toList());
        out.printf("  tools       %s%n", missing.isEmpty() ? "all present" : "missing: " + Sanitize.line(missing));
        out.printf("  LEDs        %s%n", f.leds().isEmpty() ? "none" : Sanitize.line(String.join(" ", f.leds())));
        out.printf("  agent       verified by %s%n", r.agentUpload().check().description());
        for (String w : f.warnings()) {
            out.printf("  warning     %s%n", Sanitize.line(w, 400));
        }
        if (!r.log().isEmpty()) {
            out.printf("  agent log   %d line(s); see --json or the log for details%n", r.log().size());
        }
    }

    /** Connection options shared by the commands that talk to routers. */
    static final class ConnectOptions {
        @Option(names = "--user", required = true, paramLabel = "NAME", description = "SSH user on the router (usually root).")
        String user;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Secret secret;

        /** Exactly one way to log in. */
        static final class Secret {
            @Option(names = "--password-file", required = true, paramLabel = "FILE",
                    description = "Read the password from this file (only its owner may read it: chmod 600).")
            Path passwordFile;

            @Option(names = "--password-env", required = true, paramLabel = "VAR", description = "Read the password from this environment variable.")
            String passwordEnv;

            @ArgGroup(exclusive = false, multiplicity = "1")
            Key key;
        }

        /** Public-key login. */
        static final class Key {
            @Option(names = "--identity", required = true, paramLabel = "KEY",
                    description = "Log in with this private key file: OpenSSH or PEM format, RSA, ECDSA or ed25519 (only its owner may "
                            + "read it: chmod 600).")
            Path identity;

            @Option(names = "--key-passphrase-env", paramLabel = "VAR",
                    description = "Read the key's passphrase from this environment variable. Without it, a key that has a passphrase "
                            + "is asked for it in the terminal.")
            String passphraseEnv;
        }

        @Option(names = "--accept-new-host-key",
                description = "Trust and pin the router's host key if it has none pinned yet. A changed key is refused (only an "
                        + "upgrade's new firmware may bring new keys, from its reroot on).")
        boolean acceptNewHostKey;

        @Option(names = "--allow-legacy-ssh",
                description = "Also offer legacy SSH algorithms (ssh-rsa SHA-1 signatures, SHA-1 key exchanges, CBC and 3DES ciphers, "
                        + "SHA-1 and MD5 MACs) to the routers of this command. Only for an old router that offers nothing better.")
        boolean allowLegacySsh;

        /** Gone: the pinned keys live in the history; kept only to say so to a script that still passes it. */
        @Option(names = "--known-hosts", paramLabel = "FILE", hidden = true)
        Path knownHosts;

        @Option(names = "--data-dir", paramLabel = "DIR",
                description = "FleetFlash's data directory (default: the user's; environment variable FLEETFLASH_DATA_DIR).")
        Path dataDir;

        @Option(names = "--timeout", defaultValue = "60", paramLabel = "SECONDS", converter = Seconds.class,
                description = "Deadline of each step on the router (default: ${DEFAULT-VALUE} s).")
        long timeoutSeconds;

        @Option(names = "--connect-timeout", defaultValue = "10", paramLabel = "SECONDS", converter = Seconds.class,
                description = "Deadline to connect and log in (default: ${DEFAULT-VALUE} s).")
        long connectTimeoutSeconds;

        org.fleetflash.core.device.Credentials credentials(CommandSpec spec) throws java.io.IOException {
            Key k = secret.key;
            return CredentialOptions.credentials(spec, user, secret.passwordFile, secret.passwordEnv, k == null ? null : k.identity,
                    k == null ? null : k.passphraseEnv);
        }

        /** A deadline in whole seconds, from 1 s to a day: a zero or negative one would end every step at once. */
        static final class Seconds implements picocli.CommandLine.ITypeConverter<Long> {
            @Override
            public Long convert(String text) {
                long v;
                try {
                    v = Long.parseLong(text.strip());
                } catch (NumberFormatException e) {
                    v = -1;
                }
                if (v < 1 || v > 86_400) {
                    throw new picocli.CommandLine.TypeConversionException("'" + org.fleetflash.core.text.Sanitize.line(text, 20)
                            + "' is not a number of seconds from 1 to 86400");
                }
                return v;
            }
        }

        SshOptions sshOptions() {
            return SshOptions.DEFAULTS.withConnectTimeout(Duration.ofSeconds(connectTimeoutSeconds))
                    .withAuthTimeout(Duration.ofSeconds(connectTimeoutSeconds))
                    .withCommandDeadline(Duration.ofSeconds(timeoutSeconds))
                    .withAcceptNewHostKey(acceptNewHostKey)
                    .withLegacyAlgorithms(allowLegacySsh ? LegacyAlgorithms.forEveryRouter() : LegacyAlgorithms.NONE);
        }

        /** The data directory the command uses: {@code --data-dir}, {@code FLEETFLASH_DATA_DIR} or the user's. */
        DataDirectory dataDirectory() {
            return DataDirectory.forThisUser(Optional.ofNullable(dataDir));
        }

        /**
         * Opens the history of the data directory for this command: the pinned host keys the connections check (its
         * {@link History#hostKeys()}) and the record of upgrades. The one place the commands that connect open it.
         *
         * @throws org.fleetflash.core.history.InstanceLockedException another FleetFlash uses the data directory (its
         *                                                             message names it and says what to do)
         */
        History openHistory(CommandSpec spec) throws java.io.IOException {
            return openHistory(spec, true);
        }

        /** As {@link #openHistory(CommandSpec)}; {@code hint}: whether to remind of the interrupted attempts (not for resume). */
        History openHistory(CommandSpec spec, boolean hint) throws java.io.IOException {
            if (knownHosts != null) {
                throw new ParameterException(spec.commandLine(), "--known-hosts is no longer used: the pinned host keys live in "
                        + "the history of the data directory (history.db), which took over its known_hosts file once. Choose "
                        + "the data directory with --data-dir instead.");
            }
            History history = History.open(dataDirectory());
            if (hint) {
                Failures.interruptedHint(spec, history);
            }
            return history;
        }
    }
}

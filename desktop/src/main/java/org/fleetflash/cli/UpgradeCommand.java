package org.fleetflash.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.fleetflash.core.device.SshConnector;
import org.fleetflash.core.device.SshTarget;
import org.fleetflash.core.settings.DataDirectory;
import org.fleetflash.core.text.Sanitize;
import org.fleetflash.core.upgrade.ImageHosting;
import org.fleetflash.core.upgrade.Outcome;
import org.fleetflash.core.upgrade.RouterUpgrade;
import org.fleetflash.core.upgrade.UpgradeEvent;
import org.fleetflash.core.upgrade.UpgradeRequest;
import org.fleetflash.core.upgrade.UpgradeResult;
import org.fleetflash.core.upgrade.UpgradeServices;
import org.fleetflash.server.ftp.PassivePorts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code fleetflash upgrade}: upgrades one router end to end, from the command line. */
@Command(name = "upgrade", mixinStandardHelpOptions = true,
        description = {"Upgrades one router online: checks that the image is for this router, backs up its flash, stages "
                + "the image in RAM, reroots, flashes the changed erase blocks, and checks that the router came back with "
                + "the image.",
            "Ctrl+C before the reroot cancels and undoes; after it, the router finishes on its own."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:SUCCEEDED: the router runs the new image, checked byte for byte (or already held it)",
            "10:FAILED_SAFE: stopped before the reroot; the router runs its old firmware, untouched",
            "11:FAILED_SAFE (CANCELLED): Ctrl+C or SIGTERM before the reroot; what was made on the router was undone",
            "20:NEEDS_ATTENTION: after the reroot something did not check out; see the message",
            "21:interrupted after the reroot: the router finishes flashing on its own; check it later",
            "2:bad command line"})
final class UpgradeCommand implements Callable<Integer> {

    static final int EXIT_FAILED_SAFE = 10;
    static final int EXIT_CANCELLED = 11;
    static final int EXIT_NEEDS_ATTENTION = 20;
    static final int EXIT_LEFT_FLASHING = 21;
    /** How long Ctrl+C waits for the router to be cleaned up before giving up and saying what to do. */
    private static final Duration CANCEL_WAIT = Duration.ofSeconds(60);
    private static final long MAX_RETURN_TIMEOUT = 86_400;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "HOST[:PORT]", description = "The router (port 22 unless given).")
    String target;

    @Option(names = "--image", required = true, paramLabel = "FILE", description = "The firmware image.")
    Path image;

    @Option(names = "--layout", required = true, paramLabel = "\"kernel rootfs\"",
            description = "The contiguous partitions the image spans, in flash order.")
    String layout;

    @Mixin
    ProbeCommand.ConnectOptions connect;

    @Option(names = "--bind", paramLabel = "ADDR",
            description = "Laptop address the router downloads from and reports to (default: the address of the SSH connection).")
    String bind;

    @Option(names = "--transport", defaultValue = "auto", paramLabel = "auto|ftp|ssh",
            description = "How the image reaches the router: fetch from FleetFlash's FTP server, or over SSH (default: ${DEFAULT-VALUE}).")
    UpgradeRequest.Transport transport;

    @Option(names = "--ftp-port", defaultValue = "0", paramLabel = "PORT",
            description = "FTP port of this computer the router downloads the image from (default: any free port;"
                    + " give one to allow it in this computer's firewall).")
    int ftpPort;

    @Option(names = "--ftp-passive-ports", defaultValue = "any", paramLabel = "FIRST-LAST",
            description = "Ports of this computer the router downloads the image through, to allow in its firewall along"
                    + " with the FTP port, e.g. 50000-50100 (default: ${DEFAULT-VALUE} free port).")
    String passivePorts;

    @Option(names = "--return-timeout", defaultValue = "600", paramLabel = "SECONDS",
            description = "How long to wait for the router to answer again after the reroot (default: ${DEFAULT-VALUE} s).")
    long returnTimeoutSeconds;

    @Option(names = "--json-events", description = "Print one JSON object per event, the last one with the outcome.")
    boolean jsonEvents;

    @Option(names = "--reflash",
            description = "Write the image even when the router's flash already holds it byte for byte (by default such a router is left alone).")
    boolean reflash;

    @Option(names = "--force-image",
            description = "Expert override: flash an image of an unknown format, or one for another TP-Link model. The"
                    + " result records it as forced. It never overrides a corrupt header, another architecture or a missing root.")
    boolean forceImage;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (!Files.isReadable(image)) {
            throw new ParameterException(spec.commandLine(), "Cannot read the image " + image + ": check the path and its permissions.");
        }
        if (returnTimeoutSeconds < 1 || returnTimeoutSeconds > MAX_RETURN_TIMEOUT) {
            throw new ParameterException(spec.commandLine(), "--return-timeout must be 1 to " + MAX_RETURN_TIMEOUT + " seconds, not "
                    + returnTimeoutSeconds + " (a router with a slow flash needs a few minutes; the default is 600).");
        }
        SshTarget router = parseTarget();
        ImageHosting hosting = imageHosting();
        Optional<InetAddress> bindAddress = bind == null ? Optional.empty() : Optional.of(LocalAddresses.parseLocal(bind, spec));
        DataDirectory data = DataDirectory.forThisUser(Optional.ofNullable(connect.dataDir));
        Path home = data.ensureExists();
        UpgradeRequest request = new UpgradeRequest(router, connect.credentials(spec), connect.sshOptions(),
                connect.hostKeyStore(), image, Arrays.asList(layout.trim().split("\\s+")), bindAddress, transport,
                Duration.ofSeconds(returnTimeoutSeconds), home.resolve("backups"), reflash, forceImage);
        ObjectMapper json = jsonMapper();
        try (UpgradeServices services = new UpgradeServices(SshConnector.shared(), home.resolve("work"), hosting)) {
            RouterUpgrade upgrade = new RouterUpgrade(request, services, e -> print(out, json, e), Clock.systemUTC());
            CompletableFuture<UpgradeResult> finished = new CompletableFuture<>();
            Thread onInterrupt = new Thread(() -> interrupted(upgrade, finished, router), "fleetflash-interrupt");
            Runtime.getRuntime().addShutdownHook(onInterrupt);
            UpgradeResult result = upgrade.run();
            finished.complete(result);
            try {
                Runtime.getRuntime().removeShutdownHook(onInterrupt);
            } catch (IllegalStateException shuttingDown) {
                onInterrupt.join(); // Ctrl+C came meanwhile: the hook reports and ends the process
            }
            out.flush();
            return exitStatus(result);
        }
    }

    /** The image server's ports for this one router: one download at a time. */
    private ImageHosting imageHosting() {
        PassivePorts ports;
        try {
            ports = PassivePorts.parse(passivePorts);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--ftp-passive-ports: " + e.getMessage());
        }
        try {
            return new ImageHosting(ftpPort, ports, 1);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--ftp-port: " + e.getMessage());
        }
    }

    private SshTarget parseTarget() {
        try {
            return SshTarget.parse(target);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    static int exitStatus(UpgradeResult result) {
        return switch (result.outcome()) {
            case SUCCEEDED -> ExitCodes.OK;
            case FAILED_SAFE -> "CANCELLED".equals(result.code()) ? EXIT_CANCELLED : EXIT_FAILED_SAFE;
            case NEEDS_ATTENTION -> EXIT_NEEDS_ATTENTION;
        };
    }

    /**
     * Ctrl+C / SIGTERM (a shutdown hook): before the reroot the upgrade is cancelled and undone on the router, and
     * the process ends with {@link #EXIT_CANCELLED}; after it the router cannot be stopped, so the technician is told
     * what it does on its own and how to check it later. Ends the process itself, with the status that says which.
     */
    private void interrupted(RouterUpgrade upgrade, CompletableFuture<UpgradeResult> finished, SshTarget router) {
        PrintWriter err = spec.commandLine().getErr();
        int status;
        if (finished.isDone()) {
            status = exitStatus(finished.join());
        } else {
            RouterUpgrade.CancelAnswer answer = upgrade.cancel();
            if (answer.accepted()) {
                err.println("fleetflash upgrade: cancelling " + router.hostPort() + " before the reroot; undoing what was made on"
                        + " the router...");
                err.flush();
                status = awaitCancelled(finished, router, err);
            } else {
                status = EXIT_LEFT_FLASHING;
                String text = "Stopped watching " + router.hostPort() + ", but the router is past the point of no return: it"
                        + " writes the image to its flash on its own, reboots into it and answers SSH again within a few"
                        + " minutes. Do not power it off. Check it later with 'fleetflash probe " + router.hostPort() + "' (it"
                        + " shows the firmware version), or run this upgrade again: it says 'already up to date' when the image"
                        + " is in the flash.";
                if (jsonEvents) {
                    ObjectNode o = jsonMapper().createObjectNode();
                    o.put("router", router.hostPort());
                    o.put("event", "interrupted");
                    o.put("phase", String.valueOf(upgrade.phase()));
                    o.put("message", text);
                    synchronized (this) {
                        spec.commandLine().getOut().println(o.toString());
                    }
                } else {
                    err.println("fleetflash upgrade: " + text);
                }
            }
        }
        spec.commandLine().getOut().flush();
        err.flush();
        Runtime.getRuntime().halt(status);
    }

    private static int awaitCancelled(CompletableFuture<UpgradeResult> finished, SshTarget router, PrintWriter err) {
        try {
            return exitStatus(finished.get(CANCEL_WAIT.toSeconds(), TimeUnit.SECONDS));
        } catch (TimeoutException e) {
            err.println("fleetflash upgrade: the router did not confirm the clean-up within " + CANCEL_WAIT.toSeconds() + " s."
                    + " Nothing was written to its flash. Run 'fleetflash cleanup " + router.hostPort() + "' to remove what"
                    + " the upgrade made there.");
            return EXIT_NEEDS_ATTENTION;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_NEEDS_ATTENTION;
        } catch (ExecutionException e) {
            return EXIT_NEEDS_ATTENTION;
        }
    }

    private synchronized void print(PrintWriter out, ObjectMapper json, UpgradeEvent e) {
        if (jsonEvents) {
            out.println(toJson(json, e));
        } else {
            String line = human(e);
            if (line != null) {
                out.println(line);
            }
        }
        out.flush();
    }

    /** Router text stays exact in JSON, with every non-ASCII character escaped (a terminal shows it inert). */
    static ObjectMapper jsonMapper() {
        ObjectMapper mapper = new ObjectMapper();
        mapper.getFactory().configure(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII.mappedFeature(), true);
        return mapper;
    }

    static String toJson(ObjectMapper json, UpgradeEvent e) {
        ObjectNode o = json.createObjectNode();
        o.put("router", e.router());
        o.put("at", e.at().toString());
        if (e instanceof UpgradeEvent.PhaseChanged p) {
            o.put("event", "phase");
            o.put("phase", p.to().name());
            o.put("from", p.from() == null ? null : p.from().name());
        } else if (e instanceof UpgradeEvent.Progress p) {
            o.put("event", "progress");
            o.put("phase", p.phase().name());
            o.put("done", p.done());
            o.put("total", p.total());
            o.put("unit", p.unit());
            o.put("detail", p.detail());
        } else if (e instanceof UpgradeEvent.Note n) {
            o.put("event", "note");
            o.put("phase", n.phase() == null ? null : n.phase().name());
            o.put("level", n.level().name());
            o.put("text", n.text());
        } else if (e instanceof UpgradeEvent.Finished f) {
            o.put("event", "finished");
            o.put("phase", f.phase() == null ? null : f.phase().name());
            o.put("outcome", f.outcome().name());
            o.put("code", f.code());
            o.put("message", f.message());
            o.put("blocksWritten", f.written());
            o.put("blocksSame", f.same());
            o.put("image", f.image());
            o.put("imageForced", f.imageForced());
        }
        try {
            return json.writeValueAsString(o); // JsonNode.toString() would ignore ESCAPE_NON_ASCII
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw new IllegalStateException("An event that cannot be written as JSON: " + e, ex);
        }
    }

    private String lastProgressKey;

    private String human(UpgradeEvent e) {
        if (e instanceof UpgradeEvent.PhaseChanged p) {
            return String.format("%s  %s", e.router(), p.to());
        }
        if (e instanceof UpgradeEvent.Progress p) {
            // One line per tenth, so a terminal log stays readable.
            String key = p.phase() + ":" + (p.total() > 0 ? p.done() * 10 / p.total() : p.done());
            if (key.equals(lastProgressKey) && p.done() != p.total()) {
                return null;
            }
            lastProgressKey = key;
            return String.format("%s    %s %d/%d %s %s", e.router(), p.phase(), p.done(), p.total(), p.unit(),
                    Sanitize.line(p.detail()));
        }
        if (e instanceof UpgradeEvent.Note n) {
            return String.format("%s    %s%s", e.router(), n.level() == UpgradeEvent.Note.Level.WARNING ? "warning: " : "",
                    Sanitize.line(n.text(), Failures.MAX_MESSAGE));
        }
        UpgradeEvent.Finished f = (UpgradeEvent.Finished) e;
        return String.format("%s  %s%s: %s", e.router(), f.outcome(),
                f.outcome() == Outcome.SUCCEEDED && "OK".equals(f.code()) ? "" : " (" + f.code() + ")",
                Sanitize.line(f.message(), Failures.MAX_MESSAGE));
    }

}

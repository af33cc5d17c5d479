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
import org.fleetflash.core.device.SshConnector;
import org.fleetflash.core.device.SshTarget;
import org.fleetflash.core.settings.DataDirectory;
import org.fleetflash.core.upgrade.Outcome;
import org.fleetflash.core.upgrade.RouterUpgrade;
import org.fleetflash.core.upgrade.UpgradeEvent;
import org.fleetflash.core.upgrade.UpgradeRequest;
import org.fleetflash.core.upgrade.UpgradeResult;
import org.fleetflash.core.upgrade.UpgradeServices;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code fleetflash upgrade}: upgrades one router end to end, from the command line. */
@Command(name = "upgrade", mixinStandardHelpOptions = true,
        description = {"Upgrades one router online: backs up its flash, stages the image in RAM, reroots,",
            "flashes the changed erase blocks, and checks the router came back with the image."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:SUCCEEDED: the router runs the new image, checked byte for byte",
            "10:FAILED_SAFE: stopped before the reroot; the router runs its old firmware, untouched",
            "20:NEEDS_ATTENTION: after the reroot something did not check out; see the message",
            "2:bad command line"})
final class UpgradeCommand implements Callable<Integer> {

    static final int EXIT_FAILED_SAFE = 10;
    static final int EXIT_NEEDS_ATTENTION = 20;

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

    @Option(names = "--return-timeout", defaultValue = "600", paramLabel = "SECONDS",
            description = "How long to wait for the router to answer again after the reroot (default: ${DEFAULT-VALUE} s).")
    long returnTimeoutSeconds;

    @Option(names = "--json-events", description = "Print one JSON object per event, the last one with the outcome.")
    boolean jsonEvents;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (!Files.isReadable(image)) {
            spec.commandLine().getErr().println("fleetflash upgrade: cannot read the image " + image);
            return ExitCodes.USAGE;
        }
        DataDirectory data = DataDirectory.forThisUser(Optional.ofNullable(connect.dataDir));
        Path home = data.ensureExists();
        Optional<InetAddress> bindAddress = bind == null ? Optional.empty() : Optional.of(InetAddress.getByName(bind));
        UpgradeRequest request = new UpgradeRequest(SshTarget.parse(target), connect.credentials(spec), connect.sshOptions(),
                connect.hostKeyStore(), image, Arrays.asList(layout.trim().split("\\s+")), bindAddress, transport,
                Duration.ofSeconds(returnTimeoutSeconds), home.resolve("backups"));
        ObjectMapper json = new ObjectMapper();
        UpgradeResult result;
        try (UpgradeServices services = new UpgradeServices(SshConnector.shared(), home.resolve("work"))) {
            result = new RouterUpgrade(request, services, e -> print(out, json, e), Clock.systemUTC()).run();
        }
        out.flush();
        return switch (result.outcome()) {
            case SUCCEEDED -> ExitCodes.OK;
            case FAILED_SAFE -> EXIT_FAILED_SAFE;
            case NEEDS_ATTENTION -> EXIT_NEEDS_ATTENTION;
        };
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
        }
        return o.toString();
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
            return String.format("%s    %s %d/%d %s %s", e.router(), p.phase(), p.done(), p.total(), p.unit(), p.detail());
        }
        if (e instanceof UpgradeEvent.Note n) {
            return String.format("%s    %s%s", e.router(), n.level() == UpgradeEvent.Note.Level.WARNING ? "warning: " : "", n.text());
        }
        UpgradeEvent.Finished f = (UpgradeEvent.Finished) e;
        return String.format("%s  %s%s: %s", e.router(), f.outcome(),
                f.outcome() == Outcome.SUCCEEDED ? "" : " (" + f.code() + ")", f.message());
    }

}

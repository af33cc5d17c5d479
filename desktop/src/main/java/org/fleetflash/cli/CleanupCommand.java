package org.fleetflash.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.fleetflash.agent.protocol.AgentLine;
import org.fleetflash.core.device.DeviceException;
import org.fleetflash.core.device.DeviceSession;
import org.fleetflash.core.device.SshConnector;
import org.fleetflash.core.device.SshTarget;
import org.fleetflash.core.history.History;
import org.fleetflash.core.text.Sanitize;
import org.fleetflash.core.upgrade.RouterCleanup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code fleetflash cleanup}: removes what an upgrade that stopped before the reroot left on a router
 * (its memory disk, mounts and stage.conf). Safe on a router with nothing to clean.
 */
@Command(name = "cleanup", mixinStandardHelpOptions = true,
        description = {"Puts back what an interrupted upgrade left on a router before its reroot: the root pointer, "
                + "watchdogd, the memory disk and its mounts, the staging files and the upgrade's claim on the router.",
            "It says what it found and did. It never interferes with a commit that is running on the router now.",
            "Run it only when no other upgrade of that router is running."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:nothing is left on the router (it says what it put back)", "2:bad command line", "3:router unreachable or not SSH",
            "4:login refused", "5:host key unknown or changed",
            "1:another FleetFlash uses this data directory (the message names its process), or anything else"})
final class CleanupCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "HOST[:PORT]", description = "The router (port 22 unless given).")
    String target;

    @Mixin
    ProbeCommand.ConnectOptions connect;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Duration deadline = connect.sshOptions().commandDeadline();
        SshTarget router;
        org.fleetflash.core.device.Credentials credentials;
        try {
            router = SshTarget.parse(target);
            credentials = connect.credentials(spec);
        } catch (IllegalArgumentException e) {
            Failures.print(err, spec, e.getMessage());
            err.println("Try '" + spec.qualifiedName() + " --help'.");
            return ExitCodes.USAGE;
        }
        try (History history = connect.openHistory(spec);
                SshConnector connector = SshConnector.start();
                DeviceSession session = connector.open(router, credentials, connect.sshOptions(), history.hostKeys())) {
            RouterCleanup.Report report = RouterCleanup.run(session, deadline);
            for (String text : report.undone()) {
                out.println(Sanitize.line(target) + ": put back: " + Sanitize.line(text));
            }
            if (report.refusal().isPresent()) {
                AgentLine.Error e = report.refusal().get();
                Failures.print(err, spec, e.code() + ": " + e.text());
                return ExitCodes.OTHER;
            }
            out.println(Sanitize.line(target) + (report.undone().isEmpty() ? ": nothing was left of an earlier upgrade"
                    : ": " + report.undone().size() + " thing(s) put back; the router is as it was before that upgrade"));
            return ExitCodes.OK;
        } catch (DeviceException e) {
            Failures.print(err, spec, e.getMessage());
            return ExitCodes.of(e);
        } catch (IllegalArgumentException e) {
            Failures.print(err, spec, e.getMessage());
            err.println("Try '" + spec.qualifiedName() + " --help'.");
            return ExitCodes.USAGE;
        } catch (java.io.IOException e) {
            // another FleetFlash uses the data directory (the message names it), or its history cannot be opened
            Failures.print(err, spec, e.getMessage());
            return ExitCodes.OTHER;
        }
    }
}

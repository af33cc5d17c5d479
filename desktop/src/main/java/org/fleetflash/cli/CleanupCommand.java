package org.fleetflash.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.fleetflash.agent.protocol.AgentLine;
import org.fleetflash.core.device.AgentRunner;
import org.fleetflash.core.device.DeviceException;
import org.fleetflash.core.device.DeviceSession;
import org.fleetflash.core.device.SshConnector;
import org.fleetflash.core.device.SshTarget;
import org.fleetflash.core.text.Sanitize;
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
        description = {"Removes what an interrupted upgrade left on a router before its reroot: the memory disk, its mounts "
                + "and stage.conf.",
            "Run it only when no other upgrade of that router is running."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:nothing is left on the router", "2:bad command line", "3:router unreachable or not SSH",
            "4:login refused", "5:host key unknown or changed", "1:anything else"})
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
        try (DeviceSession session = SshConnector.shared().open(SshTarget.parse(target), connect.credentials(spec),
                connect.sshOptions(), connect.hostKeyStore())) {
            AgentRunner.Result r = AgentRunner.install(session, deadline).runCollecting("cleanup", deadline);
            for (AgentLine line : r.lines()) {
                if (line instanceof AgentLine.Error e) {
                    Failures.print(err, spec, e.code() + ": " + e.text());
                    return ExitCodes.OTHER;
                }
            }
            if (r.exitStatus() != 0 || r.lines().stream().noneMatch(AgentLine.Done.class::isInstance)) {
                Failures.print(err, spec, "the agent ended without confirming (status " + r.exitStatus() + ")");
                return ExitCodes.OTHER;
            }
            out.println(Sanitize.line(target) + ": nothing left of an earlier upgrade");
            return ExitCodes.OK;
        } catch (DeviceException e) {
            Failures.print(err, spec, e.getMessage());
            return ExitCodes.of(e);
        } catch (IllegalArgumentException e) {
            Failures.print(err, spec, e.getMessage());
            err.println("Try '" + spec.qualifiedName() + " --help'.");
            return ExitCodes.USAGE;
        }
    }
}

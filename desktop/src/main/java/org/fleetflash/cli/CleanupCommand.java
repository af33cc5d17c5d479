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
        description = {"Removes what an interrupted upgrade left on a router before its reroot:",
            "the memory disk, its mounts and stage.conf. Run it only when no other upgrade of that router is running."})
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
                    err.println("fleetflash cleanup: " + e.code() + ": " + e.text());
                    return ExitCodes.OTHER;
                }
            }
            if (r.exitStatus() != 0 || r.lines().stream().noneMatch(AgentLine.Done.class::isInstance)) {
                err.println("fleetflash cleanup: the agent ended without confirming (status " + r.exitStatus() + ")");
                return ExitCodes.OTHER;
            }
            out.println(target + ": nothing left of an earlier upgrade");
            return ExitCodes.OK;
        } catch (DeviceException e) {
            err.println("fleetflash cleanup: " + e.getMessage());
            return ExitCodes.of(e);
        }
    }
}

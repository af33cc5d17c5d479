package org.fleetflash.agent.sim;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.command.CommandFactory;
import org.apache.sshd.server.shell.ShellFactory;

/**
 * Runs each SSH exec request as {@code <shell> -c COMMAND}, and an interactive session as
 * {@code <shell> -i}, in the directory and environment of an {@link ExecSpec} (asked anew for every
 * command, so a rebooted router's new sandbox is used). Output is flushed chunk by chunk.
 */
public final class SandboxCommandFactory implements CommandFactory, ShellFactory {

    private final String name;
    private final Supplier<ExecSpec> exec;

    /** @param name names the threads and log lines (the router's name) */
    public SandboxCommandFactory(String name, Supplier<ExecSpec> exec) {
        this.name = Objects.requireNonNull(name, "name");
        this.exec = Objects.requireNonNull(exec, "exec");
    }

    @Override
    public Command createCommand(ChannelSession channel, String command) {
        ExecSpec spec = exec.get();
        return new SandboxCommand(name, spec, List.of(spec.shell().toString(), "-c", command), command);
    }

    @Override
    public Command createShell(ChannelSession channel) {
        ExecSpec spec = exec.get();
        return new SandboxCommand(name, spec, List.of(spec.shell().toString(), "-i"), "(shell)");
    }
}

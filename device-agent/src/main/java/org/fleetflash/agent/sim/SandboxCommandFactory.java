package org.fleetflash.agent.sim;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.command.CommandFactory;
import org.apache.sshd.server.shell.ShellFactory;

/**
 * Runs each SSH exec request as {@code <shell> -c COMMAND}, and an interactive session as
 * {@code <shell> -i}, in the directory and environment of an {@link ExecSpec} (asked anew for every
 * command, so a rebooted router's new sandbox is used). Output is flushed chunk by chunk. It keeps the channels
 * that are open, so that a shutdown can wait for the sessions it would otherwise cut.
 */
public final class SandboxCommandFactory implements CommandFactory, ShellFactory {

    private final String name;
    private final Supplier<ExecSpec> exec;
    private final Set<ChannelSession> open = ConcurrentHashMap.newKeySet();

    /** @param name names the threads and log lines (the router's name) */
    public SandboxCommandFactory(String name, Supplier<ExecSpec> exec) {
        this.name = Objects.requireNonNull(name, "name");
        this.exec = Objects.requireNonNull(exec, "exec");
    }

    @Override
    public Command createCommand(ChannelSession channel, String command) {
        track(channel);
        ExecSpec spec = exec.get();
        return new SandboxCommand(name, spec, List.of(spec.shell().toString(), "-c", command), command);
    }

    @Override
    public Command createShell(ChannelSession channel) {
        track(channel);
        ExecSpec spec = exec.get();
        return new SandboxCommand(name, spec, List.of(spec.shell().toString(), "-i"), "(shell)");
    }

    /**
     * Completes once every SSH session (connection) with a command or shell channel open now has closed: the client
     * got the channel's last output and exit status, and went away. Sessions opened later do not count.
     */
    public CompletableFuture<Void> openSessionsClosed() {
        List<CompletableFuture<Void>> each = open.stream().map(ChannelSession::getSession).distinct().map(session -> {
            CompletableFuture<Void> closed = new CompletableFuture<>();
            session.addCloseFutureListener(f -> closed.complete(null));
            return closed;
        }).toList();
        return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new));
    }

    private void track(ChannelSession channel) {
        open.add(channel);
        channel.addCloseFutureListener(f -> open.remove(channel));
    }
}

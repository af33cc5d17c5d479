package org.fleetflash.agent.sim;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One exec request (or interactive shell) on a simulated router: a real shell process in the router's
 * sandbox, with its streams pumped to and from the SSH channel and flushed after every chunk so the
 * client sees output as it is produced.
 *
 * <p>When the channel closes while the command runs (the client went away), the command sees what a real
 * FreeBSD sshd leaves it, harshly: every process of the command's tree gets SIGHUP (as with a pty), its stdin
 * ends, and its stdout and stderr lead nowhere (the next write after the hangup closes the pipe; the one after
 * that gets SIGPIPE). After {@link #HANGUP_GRACE}, what remains of the foreground is killed: the command's shell
 * and every process that still holds one of the session's pipes. A process that detached itself (ignores
 * SIGHUP and SIGPIPE, stdio redirected away from the session) lives on, as it would on a router.
 */
final class SandboxCommand implements Command {

    private static final Logger LOG = LoggerFactory.getLogger(SandboxCommand.class);
    private static final int CHUNK = 8192;
    /** How long a hung-up command has to end by itself before its foreground is killed. */
    static final Duration HANGUP_GRACE = Duration.ofSeconds(2);

    private final String routerName;
    private final ExecSpec spec;
    private final List<String> argv;
    private final String commandText;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;
    private volatile Process process;
    /** The session's pipes as /proc shows them ({@code pipe:[inode]}); empty where /proc cannot tell. */
    private volatile Set<String> sessionPipes = Set.of();
    private volatile boolean hungUp;

    SandboxCommand(String routerName, ExecSpec spec, List<String> argv, String commandText) {
        this.routerName = routerName;
        this.spec = spec;
        this.argv = List.copyOf(argv);
        this.commandText = commandText;
    }

    @Override
    public void setInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
        this.exit = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(BootProcess.command(argv)).directory(spec.workingDirectory().toFile());
        Map<String, String> penv = pb.environment();
        penv.clear();
        penv.putAll(spec.environment());
        SocketAddress remote = channel.getSession().getIoSession().getRemoteAddress();
        SocketAddress local = channel.getSession().getIoSession().getLocalAddress();
        if (remote instanceof InetSocketAddress r && local instanceof InetSocketAddress l) {
            String client = r.getAddress().getHostAddress() + " " + r.getPort();
            penv.put("SSH_CLIENT", client + " " + l.getPort());
            penv.put("SSH_CONNECTION", client + " " + l.getAddress().getHostAddress() + " " + l.getPort());
        }
        // for the watchdogd stand-in, whose daemon must not outlive the simulator (no FreeBSD tool reads it)
        penv.put("FF_SIM_JVM", Long.toString(ProcessHandle.current().pid()));
        LOG.debug("{}: exec {}", routerName, commandText);
        Process p = pb.start();
        process = p;
        // read while the command starts; should none be readable, holdsSessionPipe takes no process for the session's
        sessionPipes = pipesOf(p.pid());
        Thread stdout = pump("out", p.getInputStream(), out, false);
        Thread stderr = pump("err", p.getErrorStream(), err, false);
        Thread stdin = pump("in", in, p.getOutputStream(), true);
        Thread waiter = new Thread(() -> awaitExit(p, stdout, stderr, stdin), "sim-" + routerName + "-wait");
        waiter.setDaemon(true);
        waiter.start();
    }

    /** Copies {@code from} to {@code to}; toward the process ({@code toProcess}) it closes {@code to} at the end. */
    private Thread pump(String what, InputStream from, OutputStream to, boolean toProcess) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[CHUNK];
            try {
                int n;
                while ((n = from.read(buf)) >= 0) {
                    if (hungUp && !toProcess) {
                        // the session is gone: this pipe now leads nowhere (closed here, by the thread that reads it)
                        break;
                    }
                    to.write(buf, 0, n);
                    to.flush();
                }
            } catch (IOException e) {
                LOG.trace("{}: {} stream ended: {}", routerName, what, e.toString());
            } finally {
                if (toProcess) {
                    closeQuietly(to);
                } else if (hungUp) {
                    closeQuietly(from);
                }
            }
        }, "sim-" + routerName + "-" + what);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void awaitExit(Process p, Thread stdout, Thread stderr, Thread stdin) {
        int code;
        try {
            code = p.waitFor();
            // The process's own streams end when it and every child holding them are gone; bound the wait.
            stdout.join(TimeUnit.SECONDS.toMillis(30));
            stderr.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = 130;
        }
        stdin.interrupt();
        flushQuietly(out);
        flushQuietly(err);
        LOG.debug("{}: exit {} for {}", routerName, code, commandText);
        exit.onExit(code);
    }

    @Override
    public void destroy(ChannelSession channel) {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        LOG.debug("{}: channel closed, hanging up {}", routerName, commandText);
        hungUp = true;
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(p.toHandle());
        p.descendants().forEach(tree::add);
        hangUp(tree);
        closeQuietly(p.getOutputStream());
        Thread reaper = new Thread(() -> reap(p, tree), "sim-" + routerName + "-hangup");
        reaper.setDaemon(true);
        reaper.start();
    }

    /** Sends SIGHUP to every live process of {@code tree} (ProcessHandle has only TERM and KILL). */
    private void hangUp(List<ProcessHandle> tree) {
        List<String> cmd = new ArrayList<>(List.of("/bin/kill", "-HUP"));
        tree.stream().filter(ProcessHandle::isAlive).forEach(h -> cmd.add(Long.toString(h.pid())));
        if (cmd.size() == 2) {
            return;
        }
        try {
            Process kill = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!kill.waitFor(5, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
            }
        } catch (IOException e) {
            LOG.warn("{}: cannot send SIGHUP to {}: {}", routerName, commandText, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Gives the hung-up foreground its grace, then kills what is left of it: the command's shell and every process
     * that still holds one of the session's pipes. The grace runs until every such process has ended or the time is
     * up, not only until the command's first shell ends: that shell dies of the SIGHUP at once, while the script it
     * started is still running its hang-up trap (an agent switching its LED off, removing its scratch files).
     */
    private void reap(Process p, List<ProcessHandle> tree) {
        long deadline = System.nanoTime() + HANGUP_GRACE.toNanos();
        try {
            p.waitFor(HANGUP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            for (ProcessHandle h : foreground(p, tree)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                h.onExit().get(left, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.trace("{}: grace of {} over: {}", routerName, commandText, e.toString());
        }
        for (ProcessHandle h : foreground(p, tree)) {
            LOG.debug("{}: killing pid {} of {}, still on the closed session", routerName, h.pid(), commandText);
            h.destroyForcibly();
        }
    }

    /** The live processes of the command that are still on the session: its shell and holders of the session's pipes. */
    private List<ProcessHandle> foreground(Process p, List<ProcessHandle> tree) {
        Set<Long> seen = new HashSet<>();
        List<ProcessHandle> all = new ArrayList<>(tree);
        if (p.isAlive()) {
            p.descendants().forEach(all::add);
        }
        List<ProcessHandle> out = new ArrayList<>();
        for (ProcessHandle h : all) {
            if (seen.add(h.pid()) && h.isAlive() && (h.pid() == p.pid() || holdsSessionPipe(h.pid()))) {
                out.add(h);
            }
        }
        return out;
    }

    private boolean holdsSessionPipe(long pid) {
        Set<String> pipes = sessionPipes;
        // no pipe known: nothing but the command's shell is taken for the session's (a real sshd kills nothing, and a
        // detached process such as the agent's commit was killed when every descendant was taken for the session's)
        return !pipes.isEmpty() && !Collections.disjoint(pipes, openFiles(pid));
    }

    /** The pipes among the standard streams of process {@code pid}. */
    private static Set<String> pipesOf(long pid) {
        Set<String> out = new HashSet<>();
        for (int fd = 0; fd <= 2; fd++) {
            try {
                String target = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "fd", Integer.toString(fd))).toString();
                if (target.startsWith("pipe:")) {
                    out.add(target);
                }
            } catch (IOException | UnsupportedOperationException e) {
                LOG.trace("no /proc view of pid {} fd {}: {}", pid, fd, e.toString());
            }
        }
        return Set.copyOf(out);
    }

    /** Every file process {@code pid} has open, as /proc names it; empty when it is gone. */
    private static Set<String> openFiles(long pid) {
        Set<String> out = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds) {
                try {
                    out.add(Files.readSymbolicLink(fd).toString());
                } catch (IOException e) {
                    LOG.trace("fd {} went away: {}", fd, e.toString());
                }
            }
        } catch (IOException e) {
            LOG.trace("no /proc view of pid {}: {}", pid, e.toString());
        }
        return out;
    }

    private static void closeQuietly(InputStream s) {
        try {
            s.close();
        } catch (IOException e) {
            LOG.trace("close failed", e);
        }
    }

    private static void closeQuietly(OutputStream s) {
        try {
            s.close();
        } catch (IOException e) {
            LOG.trace("close failed", e);
        }
    }

    private static void flushQuietly(OutputStream s) {
        try {
            s.flush();
        } catch (IOException e) {
            LOG.trace("flush failed", e);
        }
    }
}

package org.fleetflash.agent.sim;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 */
final class SandboxCommand implements Command {

    private static final Logger LOG = LoggerFactory.getLogger(SandboxCommand.class);
    private static final int CHUNK = 8192;

    private final String routerName;
    private final ExecSpec spec;
    private final List<String> argv;
    private final String commandText;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;
    private volatile Process process;

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
        ProcessBuilder pb = new ProcessBuilder(argv).directory(spec.workingDirectory().toFile());
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
        LOG.debug("{}: exec {}", routerName, commandText);
        Process p = pb.start();
        process = p;
        Thread stdout = pump("out", p.getInputStream(), out, null);
        Thread stderr = pump("err", p.getErrorStream(), err, null);
        Thread stdin = pump("in", in, p.getOutputStream(), p);
        Thread waiter = new Thread(() -> awaitExit(p, stdout, stderr, stdin), "sim-" + routerName + "-wait");
        waiter.setDaemon(true);
        waiter.start();
    }

    private Thread pump(String what, InputStream from, OutputStream to, Process closeStdinOf) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[CHUNK];
            try {
                int n;
                while ((n = from.read(buf)) >= 0) {
                    to.write(buf, 0, n);
                    to.flush();
                }
            } catch (IOException e) {
                LOG.trace("{}: {} stream ended: {}", routerName, what, e.toString());
            } finally {
                if (closeStdinOf != null) {
                    closeQuietly(to);
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
        if (p != null && p.isAlive()) {
            LOG.debug("{}: channel closed, killing {}", routerName, commandText);
            List<ProcessHandle> all = new ArrayList<>();
            p.descendants().forEach(all::add);
            all.add(p.toHandle());
            all.forEach(ProcessHandle::destroyForcibly);
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

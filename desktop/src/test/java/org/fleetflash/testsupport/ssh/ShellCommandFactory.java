package org.fleetflash.testsupport.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.command.CommandFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each exec request as {@code /bin/sh -c COMMAND} in a fixed directory with a replaced environment,
 * flushing every chunk of output at once so that the client sees output while the command still runs.
 */
public final class ShellCommandFactory implements CommandFactory {

    private static final Logger LOG = LoggerFactory.getLogger(ShellCommandFactory.class);

    private final Path workDir;
    private final Map<String, String> environment;
    private final ExecutorService pumps;

    public ShellCommandFactory(Path workDir, Map<String, String> environment, ExecutorService pumps) {
        this.workDir = workDir;
        this.environment = Map.copyOf(environment);
        this.pumps = pumps;
    }

    @Override
    public Command createCommand(ChannelSession channel, String command) {
        return new ShellCommand(command);
    }

    /** One running {@code sh -c}. */
    private final class ShellCommand implements Command {
        private final String command;
        private InputStream in;
        private OutputStream out;
        private OutputStream err;
        private ExitCallback exit;
        private volatile Process process;

        ShellCommand(String command) {
            this.command = command;
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
            ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command).directory(workDir.toFile());
            pb.environment().clear();
            pb.environment().putAll(environment);
            Process p = pb.start();
            process = p;
            Future<?> stdout = pumps.submit(() -> pump(p.getInputStream(), out, false));
            Future<?> stderr = pumps.submit(() -> pump(p.getErrorStream(), err, false));
            pumps.submit(() -> pump(in, p.getOutputStream(), true));
            pumps.submit(() -> {
                try {
                    int code = p.waitFor();
                    stdout.get();
                    stderr.get();
                    exit.onExit(code);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception e) {
                    LOG.debug("Command `{}` ended abnormally: {}", command, e.toString());
                    exit.onExit(255, e.toString());
                }
            });
        }

        @Override
        public void destroy(ChannelSession channel) {
            Process p = process;
            if (p != null && p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }

    /** Copies until EOF, flushing after each chunk; closes the target when asked (stdin: EOF for the process). */
    private static void pump(InputStream from, OutputStream to, boolean closeTarget) {
        byte[] buf = new byte[8192];
        try {
            for (int n = from.read(buf); n >= 0; n = from.read(buf)) {
                if (n > 0) {
                    to.write(buf, 0, n);
                    to.flush();
                }
            }
        } catch (IOException e) {
            LOG.trace("pump stopped: {}", e.toString());
        } finally {
            if (closeTarget) {
                try {
                    to.close();
                } catch (IOException e) {
                    LOG.trace("closing stdin: {}", e.toString());
                }
            }
        }
    }
}

package org.fleetflash.agent.sim;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Command lines for the processes a simulated router starts (its sshd's sessions, its /etc/rc, its daemons), so that
 * they begin with every signal at its default action, as on a router booted by init.
 *
 * <p>A process inherits ignored signals across exec, and a POSIX shell cannot trap a signal that was ignored when it
 * started: it says nothing and keeps ignoring it. A simulator started with SIGHUP ignored ({@code nohup}, some CI
 * runners) or SIGINT ignored (a background job of a script) would therefore run an agent whose hang-up and interrupt
 * traps silently do nothing, which no router does. GNU env's {@code --default-signal} (coreutils 8.31 and later)
 * restores the defaults before it executes the command.
 */
final class BootProcess {

    private static final Logger LOG = LoggerFactory.getLogger(BootProcess.class);
    private static final String ENV = "/usr/bin/env";
    private static final boolean RESETS = probe();

    private BootProcess() {}

    /** {@code argv}, run with every signal at its default action where this machine's env can do that. */
    static List<String> command(List<String> argv) {
        if (!RESETS) {
            return List.copyOf(argv);
        }
        List<String> out = new ArrayList<>(argv.size() + 2);
        out.add(ENV);
        out.add("--default-signal");
        out.addAll(argv);
        return out;
    }

    private static boolean probe() {
        try {
            Process p = new ProcessBuilder(ENV, "--default-signal", "true").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return true;
            }
            p.destroyForcibly();
        } catch (IOException e) {
            // below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.warn("{} cannot reset signals (coreutils 8.31 or later is needed); simulated routers inherit this "
                + "process's ignored signals", ENV);
        return false;
    }
}

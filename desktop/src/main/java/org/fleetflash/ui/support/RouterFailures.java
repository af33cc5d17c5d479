package org.fleetflash.ui.support;

import org.fleetflash.agent.protocol.ProbeFailedException;
import org.fleetflash.core.device.AuthenticationFailedException;
import org.fleetflash.core.device.CredentialsUnusableException;
import org.fleetflash.core.device.DeviceUnreachableException;
import org.fleetflash.core.device.HostKeyChangedException;
import org.fleetflash.core.device.HostKeyUnknownException;
import org.fleetflash.core.device.LegacyAlgorithmsRefusedException;
import org.fleetflash.core.device.NotSshException;
import org.fleetflash.core.device.SshTarget;
import org.fleetflash.core.text.Sanitize;

/**
 * Turns why the window's short work on one router (a probe, an identify) failed into the one sentence the window shows:
 * what happened and what to do, in that action's words, never a stack trace. One mapping for every such action, so that
 * a failure to log in reads the same whatever was being done.
 */
public final class RouterFailures {

    /** What was being done to the router, in the words the sentences use. */
    public enum Action {
        /** Reading the router's facts (model, flash, firmware). */
        PROBE("probe", "Probing", "compare that fingerprint with the router's own, then probe again with \"Trust a router seen for"
                + " the first time\" ticked"),
        /** Blinking the router's LED so the technician finds it. */
        IDENTIFY("identify", "Identifying", "probe it first and trust it, then identify it");

        private final String verb;
        private final String doing;
        private final String whenUnknown;

        Action(String verb, String doing, String whenUnknown) {
            this.verb = verb;
            this.doing = doing;
            this.whenUnknown = whenUnknown;
        }
    }

    private RouterFailures() {
    }

    /** The sentence for {@code action} on {@code target} that ended with {@code failure}. */
    public static String sentence(Action action, SshTarget target, Throwable failure) {
        String t = target.hostPort();
        String again = action.verb + " again";
        if (failure instanceof AuthenticationFailedException) {
            return "Router " + t + " refused the user name or password: check them and " + again + " (the login is asked for again).";
        } else if (failure instanceof HostKeyUnknownException e) {
            return "Router " + t + " is not known yet (host key " + e.presentedFingerprint() + "): " + action.whenUnknown + ".";
        } else if (failure instanceof HostKeyChangedException e) {
            return "Router " + t + " presented another host key than the pinned one (" + e.presentedFingerprint() + "): check the router"
                    + " before you trust it (nothing was sent to it); if it was reinstalled or replaced, forget its old key (right-click"
                    + " its row, Forget host key…) and " + again + ".";
        } else if (failure instanceof DeviceUnreachableException) {
            return "Router " + t + " could not be reached: check that it is powered on, on this network and that the port is right,"
                    + " then " + again + ".";
        } else if (failure instanceof NotSshException) {
            return "What answers at " + t + " is not an SSH server: check the address and port.";
        } else if (failure instanceof LegacyAlgorithmsRefusedException) {
            return "Router " + t + " offers only legacy SSH algorithms, which FleetFlash refuses: best, update its SSH server; if you"
                    + " trust it and the network to it, close this window and work on it from the command line with --allow-legacy-ssh"
                    + " (the window never allows them).";
        } else if (failure instanceof CredentialsUnusableException) {
            return "The login for " + t + " cannot be used: " + firstSentence(failure.getMessage()) + ".";
        } else if (failure instanceof ProbeFailedException) {
            return "The agent ran on " + t + " but its facts are unusable (" + firstSentence(failure.getMessage())
                    + "); this router cannot be upgraded as it is.";
        }
        return action.doing + " " + t + " failed (" + firstSentence(String.valueOf(failure.getMessage()))
                + "); details are in the log file.";
    }

    /** The first sentence of {@code message}, bounded and sanitised, without its final full stop. */
    public static String firstSentence(String message) {
        String m = Sanitize.line(message == null ? "" : message, 240).strip();
        int dot = m.indexOf(". ");
        if (dot > 0) {
            m = m.substring(0, dot);
        }
        return m.endsWith(".") ? m.substring(0, m.length() - 1) : m;
    }
}

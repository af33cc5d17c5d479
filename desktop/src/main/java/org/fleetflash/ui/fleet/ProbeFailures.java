package org.fleetflash.ui.fleet;

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

/** Turns why a probe failed into the one sentence the window shows: what happened and what to do, no stack trace. */
final class ProbeFailures {

    private ProbeFailures() {
    }

    /** The sentence for a probe of {@code target} that ended with {@code failure}. */
    static String sentence(SshTarget target, Throwable failure) {
        String t = target.hostPort();
        if (failure instanceof AuthenticationFailedException) {
            return "Router " + t + " refused the user name or password: check them and probe again (the login is asked for again).";
        } else if (failure instanceof HostKeyUnknownException e) {
            return "Router " + t + " is not known yet (host key " + e.presentedFingerprint() + "): compare that fingerprint with the"
                    + " router's own, then probe again with \"Trust a router seen for the first time\" ticked.";
        } else if (failure instanceof HostKeyChangedException e) {
            return "Router " + t + " presented another host key than the pinned one (" + e.presentedFingerprint() + "): check the router"
                    + " before you trust it; nothing was sent to it.";
        } else if (failure instanceof DeviceUnreachableException) {
            return "Router " + t + " could not be reached: check that it is powered on, on this network and that the port is right,"
                    + " then probe again.";
        } else if (failure instanceof NotSshException) {
            return "What answers at " + t + " is not an SSH server: check the address and port.";
        } else if (failure instanceof LegacyAlgorithmsRefusedException) {
            return "Router " + t + " offers only legacy SSH algorithms, which FleetFlash refuses: probe it from the command line with"
                    + " --allow-legacy-ssh if you trust it.";
        } else if (failure instanceof CredentialsUnusableException) {
            return "The login for " + t + " cannot be used: " + firstSentence(failure.getMessage());
        } else if (failure instanceof ProbeFailedException) {
            return "The agent ran on " + t + " but its facts are unusable (" + firstSentence(failure.getMessage())
                    + "); this router cannot be upgraded as it is.";
        }
        return "Probing " + t + " failed (" + firstSentence(String.valueOf(failure.getMessage()))
                + "); details are in the log file.";
    }

    /** The first sentence of {@code message}, bounded and sanitised, without its final full stop. */
    static String firstSentence(String message) {
        String m = Sanitize.line(message == null ? "" : message, 240).strip();
        int dot = m.indexOf(". ");
        if (dot > 0) {
            m = m.substring(0, dot);
        }
        return m.endsWith(".") ? m.substring(0, m.length() - 1) : m;
    }
}

package org.fleetflash.ui.scan;

import org.fleetflash.agent.protocol.AgentLine;
import org.fleetflash.core.device.AuthenticationFailedException;
import org.fleetflash.core.device.CommandTimeoutException;
import org.fleetflash.core.device.DeviceUnreachableException;
import org.fleetflash.core.device.HostKeyChangedException;
import org.fleetflash.core.device.HostKeyUnknownException;
import org.fleetflash.core.device.NotSshException;
import org.fleetflash.core.device.SshTarget;
import org.fleetflash.core.text.Sanitize;

/** Turns why an LED did not blink into the one sentence the window shows: what happened and what to do, no stack trace. */
final class IdentifyFailures {

    private IdentifyFailures() {
    }

    /** The sentence for an identify of {@code target} that the agent refused or did not finish. */
    static String refused(SshTarget target, AgentLine.Error error) {
        String t = target.hostPort();
        return switch (error.code()) {
            case "NO_LED" -> "Router " + t + " has no LED FleetFlash can blink: find it by its label or its cable instead.";
            case "LED_FAILED" -> "Router " + t + " did not let FleetFlash switch its LED (" + clause(error.text())
                    + "): find it by its label or its cable instead.";
            default -> "Router " + t + " could not blink its LED (" + Sanitize.line(error.code(), 40) + ": " + clause(error.text())
                    + "); details are in the log file.";
        };
    }

    /** The sentence for an identify of {@code target} that ended with {@code failure} before the agent could answer. */
    static String sentence(SshTarget target, Throwable failure) {
        String t = target.hostPort();
        if (failure instanceof AuthenticationFailedException) {
            return "Router " + t + " refused the user name or password: check them and identify again (the login is asked for again).";
        } else if (failure instanceof HostKeyUnknownException e) {
            return "Router " + t + " is not known yet (host key " + e.presentedFingerprint() + "): probe it first and trust it, then"
                    + " identify it.";
        } else if (failure instanceof HostKeyChangedException e) {
            return "Router " + t + " presented another host key than the pinned one (" + e.presentedFingerprint() + "): check the"
                    + " router before you trust it; nothing was sent to it.";
        } else if (failure instanceof DeviceUnreachableException) {
            return "Router " + t + " could not be reached: check that it is powered on and on this network, then identify again.";
        } else if (failure instanceof NotSshException) {
            return "What answers at " + t + " is not an SSH server: check the address and port.";
        } else if (failure instanceof CommandTimeoutException) {
            return "Router " + t + " did not finish blinking its LED in time; its LED may still blink. Details are in the log file.";
        }
        return "Identifying " + t + " failed (" + clause(String.valueOf(failure.getMessage())) + "); details are in the log file.";
    }

    private static String clause(String text) {
        String m = Sanitize.line(text == null ? "" : text, 200).strip();
        int dot = m.indexOf(". ");
        if (dot > 0) {
            m = m.substring(0, dot);
        }
        return m.endsWith(".") ? m.substring(0, m.length() - 1) : m;
    }
}

package org.fleetflash.ui.scan;

import org.fleetflash.agent.protocol.AgentLine;
import org.fleetflash.core.device.CommandTimeoutException;
import org.fleetflash.core.device.SshTarget;
import org.fleetflash.core.text.Sanitize;
import org.fleetflash.ui.support.RouterFailures;

/** Turns why an LED did not blink into the one sentence the window shows: what happened and what to do, no stack trace. */
final class IdentifyFailures {

    private IdentifyFailures() {
    }

    /** The sentence for an identify of {@code target} that the agent refused or did not finish. */
    static String refused(SshTarget target, AgentLine.Error error) {
        String t = target.hostPort();
        return switch (error.code()) {
            case "NO_LED" -> "Router " + t + " has no LED FleetFlash can blink: find it by its label or its cable instead.";
            case "LED_FAILED" -> "Router " + t + " did not let FleetFlash switch its LED (" + RouterFailures.firstSentence(error.text())
                    + "): find it by its label or its cable instead.";
            default -> "Router " + t + " could not blink its LED (" + Sanitize.line(error.code(), 40) + ": "
                    + RouterFailures.firstSentence(error.text()) + "); details are in the log file.";
        };
    }

    /** The sentence for an identify of {@code target} that ended with {@code failure} before the agent could answer. */
    static String sentence(SshTarget target, Throwable failure) {
        if (failure instanceof CommandTimeoutException) {
            return "Router " + target.hostPort() + " did not finish blinking its LED in time; its LED may still blink. Details are in"
                    + " the log file.";
        }
        return RouterFailures.sentence(RouterFailures.Action.IDENTIFY, target, failure);
    }
}

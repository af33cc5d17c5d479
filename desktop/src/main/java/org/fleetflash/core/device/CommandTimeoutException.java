package org.fleetflash.core.device;

import java.time.Duration;

/** A remote command did not finish before its deadline; its channel was closed. */
public final class CommandTimeoutException extends DeviceException {

    private final String command;
    private final Duration deadline;

    public CommandTimeoutException(SshTarget target, String command, Duration deadline) {
        super(target, "The command `" + Durations.abbreviate(command) + "` on router " + target + " did not finish within "
                + Durations.human(deadline) + " and was stopped. Check whether the router is overloaded or waiting for "
                + "input; if the step is legitimately slow, give it a longer deadline.", null);
        this.command = command;
        this.deadline = deadline;
    }

    public String command() {
        return command;
    }

    public Duration deadline() {
        return deadline;
    }
}

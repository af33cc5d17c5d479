package org.fleetflash.core.device;

import java.io.IOException;

/**
 * A failure talking to one router, with a message a technician can act on.
 * Subclasses say what went wrong; {@link #target()} says with which router.
 */
public abstract class DeviceException extends IOException {

    private final SshTarget target;

    protected DeviceException(SshTarget target, String message, Throwable cause) {
        super(message, cause);
        this.target = target;
    }

    /** The router this failure concerns. */
    public SshTarget target() {
        return target;
    }
}

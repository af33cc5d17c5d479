package org.fleetflash.core.device;

/** The port accepted TCP but did not speak SSH (silent, or another protocol) within the connect deadline. */
public final class NotSshException extends DeviceException {

    public NotSshException(SshTarget target, String message, Throwable cause) {
        super(target, message, cause);
    }
}

package org.fleetflash.core.device;

/** The router speaks SSH but the handshake (key exchange, host key check) could not complete. */
public final class SshHandshakeException extends DeviceException {

    public SshHandshakeException(SshTarget target, String message, Throwable cause) {
        super(target, message, cause);
    }
}

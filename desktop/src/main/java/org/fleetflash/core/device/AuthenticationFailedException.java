package org.fleetflash.core.device;

/** The router refused the login: wrong user, password, key or passphrase. */
public final class AuthenticationFailedException extends DeviceException {

    public AuthenticationFailedException(SshTarget target, String message, Throwable cause) {
        super(target, message, cause);
    }
}

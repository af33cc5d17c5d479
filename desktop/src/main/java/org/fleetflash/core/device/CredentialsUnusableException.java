package org.fleetflash.core.device;

/** The credentials cannot even be tried: the private key file is missing, unreadable or its passphrase is wrong. */
public final class CredentialsUnusableException extends DeviceException {

    public CredentialsUnusableException(SshTarget target, String message, Throwable cause) {
        super(target, message, cause);
    }
}

package org.fleetflash.agent.sim;

/** A router profile is missing, unreadable or has a field that does not make sense; the message says which. */
public class ProfileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ProfileException(String message) {
        super(message);
    }

    public ProfileException(String message, Throwable cause) {
        super(message, cause);
    }
}

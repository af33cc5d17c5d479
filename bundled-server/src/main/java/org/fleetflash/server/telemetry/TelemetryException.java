package org.fleetflash.server.telemetry;

import java.io.IOException;

/** The telemetry receiver could not start; the message says what to do. */
public class TelemetryException extends IOException {
    private static final long serialVersionUID = 1L;

    public TelemetryException(String message, Throwable cause) {
        super(message, cause);
    }
}

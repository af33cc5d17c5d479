package org.fleetflash.server.telemetry;

import java.util.Objects;

/**
 * The random token a router puts into each telemetry datagram ({@code FFT1 <value> <seq> ...}),
 * bound to the router it was registered for.
 */
public record TelemetryToken(String routerId, String value) {
    public TelemetryToken {
        Objects.requireNonNull(routerId, "routerId");
        Objects.requireNonNull(value, "value");
    }
}

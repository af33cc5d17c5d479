package org.fleetflash.server.telemetry;

/**
 * Receives one router's telemetry events, one at a time and in arrival order, on a receiver
 * delivery thread (never on the socket thread). If it falls behind by more than the queue
 * capacity, further events are dropped (counted in {@link TelemetryStatus#listenerDropped()});
 * the status stays exact.
 */
@FunctionalInterface
public interface TelemetryListener {
    void onEvent(TelemetryEvent event);
}

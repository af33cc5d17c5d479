package org.fleetflash.server.telemetry;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One telemetry message from a router, delivered once per sequence number.
 *
 * @param routerId   the router the token was registered for
 * @param seq        the message's sequence number
 * @param kind       what it reports
 * @param fields     its key=value fields
 * @param late       {@code true} if a higher sequence number had already arrived (reordered on the way)
 * @param source     the datagram's sender
 * @param receivedAt when it arrived
 */
public record TelemetryEvent(
        String routerId,
        long seq,
        TelemetryKind kind,
        Map<String, String> fields,
        boolean late,
        InetSocketAddress source,
        Instant receivedAt) {

    public TelemetryEvent {
        Objects.requireNonNull(routerId, "routerId");
        Objects.requireNonNull(kind, "kind");
        fields = Map.copyOf(fields);
        Objects.requireNonNull(receivedAt, "receivedAt");
    }

    /** A field's value parsed as a number, if present and numeric. */
    public OptionalLong number(String key) {
        String value = fields.get(key);
        if (value == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}

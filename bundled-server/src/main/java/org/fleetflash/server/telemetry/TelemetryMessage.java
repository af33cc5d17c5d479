package org.fleetflash.server.telemetry;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One parsed telemetry datagram: {@code FFT1 <token> <seq> <KIND> [key=value ...] [text=rest]}.
 *
 * @param token  the router's token (32 lowercase hex digits)
 * @param seq    sequence number, 1 for the router's first message, one more for each next message
 * @param kind   what is reported
 * @param fields key=value fields in wire order ({@code text} last, may hold spaces)
 */
public record TelemetryMessage(String token, long seq, TelemetryKind kind, Map<String, String> fields) {
    public TelemetryMessage {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(kind, "kind");
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }
}

package org.fleetflash.server.telemetry;

/**
 * Receiver-wide datagram counters.
 *
 * @param accepted     well-formed datagrams of a registered token (duplicates included)
 * @param unknownToken well-formed datagrams whose token is not registered (dropped)
 * @param malformed    datagrams that are not telemetry messages (dropped)
 * @param oversize     datagrams longer than {@link TelemetryParser#MAX_DATAGRAM} (dropped)
 */
public record TelemetryCounters(long accepted, long unknownToken, long malformed, long oversize) {
}

package org.fleetflash.server.telemetry;

import java.time.Instant;

/**
 * What the receiver knows about one router's telemetry so far.
 *
 * @param routerId        the router
 * @param lastSeq         highest sequence number received (0: none yet)
 * @param received        distinct messages received
 * @param duplicates      messages received again and not delivered again
 * @param missing         sequence numbers below {@code lastSeq} not (yet) received
 * @param highestBlock    highest PROGRESS block seen (0: none), never goes back on reordering
 * @param blocks          total blocks from BEGIN or PROGRESS (0: unknown)
 * @param lastKind        kind of the message with the highest sequence number, {@code null} if none
 * @param lastHeard       when the last datagram of this router arrived, {@code null} if none
 * @param listenerDropped events not delivered because the listener's queue was full
 */
public record TelemetryStatus(
        String routerId,
        long lastSeq,
        long received,
        long duplicates,
        long missing,
        long highestBlock,
        long blocks,
        TelemetryKind lastKind,
        Instant lastHeard,
        long listenerDropped) {
}

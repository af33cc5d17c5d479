package org.fleetflash.core.upgrade;

import java.util.Objects;

/**
 * Which attempt an event belongs to: the attempt's own id (also the router's claim), the batch it is part of
 * (a single upgrade is a batch of one) and the router, with its host key once known.
 */
public record AttemptRef(String attemptId, String batchId, RouterId router) {

    public AttemptRef {
        Objects.requireNonNull(attemptId, "attemptId");
        Objects.requireNonNull(batchId, "batchId");
        Objects.requireNonNull(router, "router");
    }

    /** The same attempt, the router's host key now known. */
    AttemptRef withHostKey(String fingerprint) {
        return new AttemptRef(attemptId, batchId, router.withHostKey(fingerprint));
    }
}

package org.fleetflash.agent.plan;

/** The image cannot be flashed onto this router with this layout; the message says why and what to do. */
public final class PlanRefusedException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Stable reasons, shared with the agent's error codes. */
    public enum Reason {
        EMPTY_LAYOUT, UNKNOWN_PARTITION, DUPLICATE_PARTITION, NOT_CONTIGUOUS, READONLY_PARTITION,
        NO_ERASE_BLOCK, MISALIGNED_PARTITION, EMPTY_IMAGE, IMAGE_TOO_LARGE
    }

    private final Reason reason;

    public PlanRefusedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}

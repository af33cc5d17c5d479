package org.fleetflash.core.upgrade;

/** Ends an upgrade with an outcome; thrown inside the engine, turned into an {@link UpgradeResult}. */
final class UpgradeFailure extends Exception {

    private static final long serialVersionUID = 1L;

    private final Outcome outcome;
    private final FailureCode code;

    UpgradeFailure(Outcome outcome, FailureCode code, String message, Throwable cause) {
        super(message, cause);
        this.outcome = outcome;
        this.code = code;
    }

    UpgradeFailure(Outcome outcome, FailureCode code, String message) {
        this(outcome, code, message, null);
    }

    /** A failure before the reroot: the router is as it was (once cleaned up). */
    static UpgradeFailure safe(FailureCode code, String message) {
        return new UpgradeFailure(Outcome.FAILED_SAFE, code, message);
    }

    /** The same failure with another outcome and message, keeping the code. */
    UpgradeFailure with(Outcome newOutcome, String newMessage) {
        return new UpgradeFailure(newOutcome, code, newMessage, this);
    }

    Outcome outcome() {
        return outcome;
    }

    FailureCode code() {
        return code;
    }
}

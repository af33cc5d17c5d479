package org.fleetflash.core.upgrade;

/** Ends an upgrade with an outcome; thrown inside the engine, turned into an {@link UpgradeResult}. */
final class UpgradeFailure extends Exception {

    private static final long serialVersionUID = 1L;

    private final Outcome outcome;
    private final String code;

    UpgradeFailure(Outcome outcome, String code, String message, Throwable cause) {
        super(message, cause);
        this.outcome = outcome;
        this.code = code;
    }

    UpgradeFailure(Outcome outcome, String code, String message) {
        this(outcome, code, message, null);
    }

    Outcome outcome() {
        return outcome;
    }

    String code() {
        return code;
    }
}

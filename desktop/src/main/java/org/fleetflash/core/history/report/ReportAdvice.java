package org.fleetflash.core.history.report;

import java.util.Optional;

import org.fleetflash.core.upgrade.FailureCode;

/**
 * What a report tells the reader to do about an attempt that did not succeed, from its outcome and code (the
 * details of each code are in docs/failure-codes.md). An outcome or code this version does not know gets the
 * general advice, never an error.
 */
public final class ReportAdvice {

    private ReportAdvice() {
    }

    /** The advice for {@code a}; empty for a success. */
    public static Optional<String> whatToDo(ReportAttempt a) {
        String code = a.failureCode().orElse("");
        boolean passing = known(code).map(FailureCode::passing).orElse(false);
        switch (a.outcome()) {
            case "SUCCEEDED":
                return Optional.empty();
            case "FAILED_SAFE":
                if ("CANCELLED".equals(code) || "NOT_STARTED".equals(code) || "BATCH_HALTED".equals(code)) {
                    return Optional.of("Nothing to repair: the router runs its old firmware. Upgrade it again when the batch's problem is solved.");
                }
                return Optional.of("The router runs its old firmware, untouched. " + (passing
                        ? "The cause may pass: upgrade it again."
                        : "Remove the cause the message names, then upgrade it again."));
            case "NEEDS_ATTENTION":
                return Optional.of("Check the router now: it may not run the planned image. Follow the message; the flash backups taken"
                        + " before writing are listed in the export.");
            case Report.RUNNING:
                return Optional.of("No end is recorded: the upgrade is still running, or FleetFlash stopped before it ended. Check the"
                        + " router's firmware version.");
            default:
                return Optional.of("Check the router's firmware version and state; see the message and docs/failure-codes.md.");
        }
    }

    private static Optional<FailureCode> known(String code) {
        try {
            return Optional.of(FailureCode.valueOf(code));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}

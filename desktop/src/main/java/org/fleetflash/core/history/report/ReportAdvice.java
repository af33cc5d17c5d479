package org.fleetflash.core.history.report;

import java.util.Locale;
import java.util.Optional;

import org.fleetflash.core.upgrade.FailureAdvice;
import org.fleetflash.core.upgrade.FailureCode;

/**
 * What a report tells the reader to do about an attempt that did not succeed: the advice of its failure code (the
 * same sentence the window shows, from {@link FailureAdvice}), or for an attempt without an end what its state
 * calls for. An outcome or code this version does not know gets the general advice, never an error.
 */
public final class ReportAdvice {

    private static final FailureAdvice ADVICE = FailureAdvice.forLocale(Locale.ROOT);

    private ReportAdvice() {
    }

    /** The advice for {@code a}; empty for a success. */
    public static Optional<String> whatToDo(ReportAttempt a) {
        Optional<FailureCode> code = a.failureCode().flatMap(ReportAdvice::known);
        switch (a.outcome()) {
            case "SUCCEEDED":
                return Optional.empty();
            case "FAILED_SAFE":
                return Optional.of("The router runs its old firmware, untouched. " + code.map(ADVICE::whatToDo)
                        .orElse("Remove the cause the message names, then upgrade it again."));
            case "NEEDS_ATTENTION":
                return Optional.of(code.map(ADVICE::whatToDo).orElse("Check the router now: it may not run the planned image. Follow"
                        + " the message; the flash backups taken before writing are listed in the export."));
            case "INTERRUPTED":
                return Optional.of("FleetFlash stopped before this attempt ended. Run 'fleetflash resume' to check the router from its"
                        + " flash and record what happened.");
            case Report.RUNNING:
                return Optional.of("No end is recorded: the upgrade is still running. Check the router's firmware version once it"
                        + " has ended.");
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

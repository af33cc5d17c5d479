package org.fleetflash.ui.history;

import java.time.Instant;
import java.util.Optional;
import org.fleetflash.core.history.AttemptRecord;
import org.fleetflash.core.history.report.ReportAttempt;
import org.fleetflash.core.text.Sanitize;

/**
 * One row of the History tab: the texts it shows (every router text sanitised for one line) and, when the history
 * was read with its reports, everything known of the attempt for the detail pane.
 *
 * @param detail the attempt as a report shows it; empty when the window's source only lists attempts
 */
public record HistoryRow(String attemptId, Instant startedAt, String router, String model, String image, String from, String to,
        String outcome, String code, long bytesDownloaded, String message, Optional<ReportAttempt> detail) {

    private static final int MAX = 120;

    /** A row of a report's attempt. */
    public static HistoryRow of(ReportAttempt a) {
        return new HistoryRow(a.attemptId(), a.startedAt(), Sanitize.line(a.router(), MAX), text(a.model()), text(a.imageFile()),
                text(a.oldVersion()), text(a.newVersion()), Sanitize.line(a.outcome(), 40), text(a.failureCode()), a.bytesDownloaded(),
                Sanitize.line(a.failureMessage().orElse(""), 300), Optional.of(a));
    }

    /** A row of a listed attempt (no detail). */
    public static HistoryRow of(AttemptRecord a) {
        return new HistoryRow(a.attemptId(), a.startedAt(), Sanitize.line(a.router(), MAX), text(a.model()), text(a.imageFile()),
                text(a.oldVersion()), text(a.newVersion()), a.outcomeOrRunning(), text(a.failureCode()), a.bytesDownloaded(),
                Sanitize.line(a.failureMessage().orElse(""), 300), Optional.empty());
    }

    /** The outcome word: {@code SUCCEEDED}, {@code FAILED_SAFE}, {@code NEEDS_ATTENTION}, {@code INTERRUPTED} or {@code RUNNING}. */
    public String outcomeOrRunning() {
        return outcome;
    }

    private static String text(Optional<String> s) {
        return Sanitize.line(s.orElse(""), MAX);
    }
}

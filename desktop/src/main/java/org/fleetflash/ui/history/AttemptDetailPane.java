package org.fleetflash.ui.history;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.VPos;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextArea;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import org.fleetflash.core.history.AttemptTrail;
import org.fleetflash.core.history.report.HostKeyChange;
import org.fleetflash.core.history.report.Report;
import org.fleetflash.core.history.report.ReportAdvice;
import org.fleetflash.core.history.report.ReportAttempt;
import org.fleetflash.core.text.Sanitize;
import org.fleetflash.core.upgrade.FailureAdvice;
import org.fleetflash.core.upgrade.FailureCode;
import org.fleetflash.ui.support.ByteSizes;

/**
 * The History tab's detail of one attempt: what was done to which router, how it ended and what to do about it, the
 * phases with their durations, the image, the backups, the router's host-key changes and the transcript. Every text
 * from the history is shown sanitised, as one line each (the transcript one line per line). FX thread only.
 */
final class AttemptDetailPane extends SplitPane {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneId.systemDefault());
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(ZoneId.systemDefault());
    private static final FailureAdvice ADVICE = FailureAdvice.forLocale(Locale.ROOT);
    private static final int MAX = 300;

    private final GridPane facts = new GridPane();
    private final Label empty = new Label("Select an attempt to see its phases, backups, host keys and transcript.");
    private final StackPane factsHolder = new StackPane();
    private final ScrollPane scroll = new ScrollPane(facts);
    private final TextArea transcript = new TextArea();
    private final Label outcome = value("detailOutcome");
    private final Label router = value("detailRouter");
    private final Label model = value("detailModel");
    private final Label firmware = value("detailFirmware");
    private final Label when = value("detailWhen");
    private final Label failure = value("detailFailure");
    private final Label advice = value("detailAdvice");
    private final Label image = value("detailImage");
    private final Label backups = value("detailBackups");
    private final Label hostKeys = value("detailHostKeys");
    private final Label phases = value("detailPhases");
    private ReportAttempt shown;

    AttemptDetailPane() {
        setOrientation(Orientation.HORIZONTAL);
        getStyleClass().add("attempt-detail");
        facts.getStyleClass().add("detail-facts");
        facts.setHgap(12);
        facts.setVgap(4);
        facts.setPadding(new Insets(8));
        ColumnConstraints keys = new ColumnConstraints();
        keys.setMinWidth(90);
        ColumnConstraints values = new ColumnConstraints();
        values.setHgrow(Priority.ALWAYS);
        values.setFillWidth(true);
        facts.getColumnConstraints().setAll(keys, values);
        int r = 0;
        r = row(r, "Router", router);
        r = row(r, "Model", model);
        r = row(r, "Firmware", firmware);
        r = row(r, "When", when);
        r = row(r, "Outcome", outcome);
        r = row(r, "Failure", failure);
        r = row(r, "What to do", advice);
        r = row(r, "Image", image);
        r = row(r, "Backups", backups);
        r = row(r, "Host keys", hostKeys);
        row(r, "Phases", phases);
        scroll.setFitToWidth(true);
        scroll.setId("detailScroll");
        empty.getStyleClass().add("empty-state");
        empty.setWrapText(true);
        factsHolder.getChildren().setAll(scroll, empty);
        transcript.setId("transcript");
        transcript.setEditable(false);
        transcript.setWrapText(false);
        transcript.getStyleClass().add("transcript");
        transcript.setPromptText("The transcript of the selected attempt: the checks and the agent's own lines.");
        Label transcriptTitle = new Label("Transcript");
        transcriptTitle.getStyleClass().add("detail-title");
        VBox right = new VBox(4, transcriptTitle, transcript);
        right.setPadding(new Insets(8, 8, 8, 4));
        VBox.setVgrow(transcript, Priority.ALWAYS);
        getItems().setAll(factsHolder, right);
        setDividerPositions(0.55);
        show(null, null);
    }

    /** Shows {@code a} of {@code report}, or nothing; the transcript follows with {@link #showTrail}. */
    void show(ReportAttempt a, Report report) {
        shown = a;
        transcript.clear();
        boolean none = a == null;
        empty.setVisible(none);
        scroll.setVisible(!none);
        if (none) {
            return;
        }
        router.setText(line(a.router()) + a.hostname().map(h -> " (" + line(h) + ")").orElse(""));
        model.setText(line(a.model().orElse("not read")) + a.architecture().map(x -> ", " + line(x)).orElse(""));
        firmware.setText(line(a.oldVersion().orElse("?")) + " → " + line(a.newVersion().orElse("?")));
        when.setText(WHEN.format(a.startedAt()) + a.endedAt().map(e -> " to " + WHEN.format(e)).orElse(", no end recorded")
                + a.duration().map(d -> " (" + duration(d) + ")").orElse("") + ", try " + a.tryNumber() + " of batch " + line(a.batchId()));
        outcome.setText(line(a.outcome()) + a.phase().map(p -> " in phase " + line(p)).orElse(""));
        outcome.getStyleClass().removeIf(c -> c.startsWith("outcome-"));
        String cls = HistoryView.OutcomeCell.outcomeClass(a.outcome());
        if (cls != null) {
            outcome.getStyleClass().add(cls);
        }
        failure.setText(failureText(a));
        advice.setText(ReportAdvice.whatToDo(a).map(AttemptDetailPane::line).orElse("Nothing: it succeeded."));
        image.setText(a.imageFile().map(AttemptDetailPane::line).orElse("no image recorded")
                + a.imageSize().map(s -> ", " + ByteSizes.human(s)).orElse("") + a.imageVersion().map(v -> ", version " + line(v)).orElse("")
                + (a.imageForced() ? ", forced" : "") + a.imageSha256().map(s -> "\nSHA-256 " + line(s)).orElse(""));
        backups.setText(backupText(a, Optional.empty(), Map.of()));
        hostKeys.setText(hostKeyText(a, report == null ? List.of() : report.hostKeyChanges()));
        phases.setText(a.phases().isEmpty() ? "none recorded" : a.phases().stream()
                .map(p -> line(p.phase()) + "  " + p.duration().map(AttemptDetailPane::duration).orElse("(no end)"))
                .collect(Collectors.joining("\n")));
        transcript.setPromptText("Reading the transcript…");
    }

    /** Adds what was read beside the report for {@code attemptId}, if it is still the one shown. */
    void showTrail(String attemptId, AttemptTrail trail, Map<String, Boolean> backupFilesPresent) {
        if (shown == null || !shown.attemptId().equals(attemptId)) {
            return;
        }
        backups.setText(backupText(shown, trail.backupsPrunedAt(), backupFilesPresent));
        transcript.setPromptText("No transcript lines recorded for this attempt.");
        StringBuilder text = new StringBuilder();
        for (AttemptTrail.Line l : trail.transcript()) {
            text.append(CLOCK.format(l.at())).append("  ").append(String.format(Locale.ROOT, "%-12s", line(l.phase().orElse("-"))))
                    .append(String.format(Locale.ROOT, "%-8s", line(l.level()))).append(Sanitize.line(l.text(), 2000)).append('\n');
        }
        transcript.setText(text.toString());
    }

    /** Says the transcript could not be read. */
    void trailFailed(String attemptId, String sentence) {
        if (shown != null && shown.attemptId().equals(attemptId)) {
            transcript.setPromptText(sentence);
        }
    }

    /** The attempt shown, if any. */
    Optional<ReportAttempt> shown() {
        return Optional.ofNullable(shown);
    }

    private static String failureText(ReportAttempt a) {
        if (a.failureCode().isEmpty() && a.failureMessage().isEmpty()) {
            return "none";
        }
        String code = a.failureCode().map(AttemptDetailPane::line).orElse("");
        String title = a.failureCode().flatMap(AttemptDetailPane::known).map(ADVICE::title).map(t -> ": " + t).orElse("");
        String message = a.failureMessage().map(m -> "\n" + line(m)).orElse("");
        return code + title + message;
    }

    private static String backupText(ReportAttempt a, Optional<Instant> prunedAt, Map<String, Boolean> present) {
        if (a.backups().isEmpty() && a.backupDir().isEmpty()) {
            return "none taken";
        }
        StringBuilder b = new StringBuilder(a.backupDir().map(d -> "in " + line(d)).orElse("directory not recorded"));
        prunedAt.ifPresent(t -> b.append(", pruned ").append(WHEN.format(t)).append(" (files deleted)"));
        for (ReportAttempt.Backup k : a.backups()) {
            b.append('\n').append(line(k.partition())).append("  ").append(ByteSizes.human(k.size()));
            if (prunedAt.isEmpty() && Boolean.FALSE.equals(present.get(k.file()))) {
                b.append("  (file missing)");
            }
            b.append("\nSHA-256 ").append(line(k.sha256()));
        }
        return b.toString();
    }

    private static String hostKeyText(ReportAttempt a, List<HostKeyChange> all) {
        List<HostKeyChange> mine = all.stream().filter(c -> c.router().equals(a.router())).toList();
        List<String> lines = new ArrayList<>();
        for (HostKeyChange c : mine) {
            if ("UPGRADE".equals(c.pinnedBy())) {
                Optional<HostKeyChange> old = mine.stream().filter(o -> "UPGRADE".equals(o.unpinnedBy().orElse(""))
                        && !o.unpinnedAt().orElse(Instant.MAX).isAfter(c.pinnedAt())).reduce((x, y) -> y);
                lines.add(WHEN.format(c.pinnedAt()) + "  " + old.map(o -> line(o.fingerprint())).orElse("?") + " → " + line(c.fingerprint())
                        + (c.attemptId().filter(a.attemptId()::equals).isPresent() ? "  (by this upgrade)" : "  (by an upgrade)"));
            } else if ("FORGOTTEN".equals(c.unpinnedBy().orElse(""))) {
                lines.add(WHEN.format(c.at()) + "  " + line(c.fingerprint()) + " forgotten");
            }
        }
        return lines.isEmpty() ? "no change recorded" : String.join("\n", lines);
    }

    private static Optional<FailureCode> known(String code) {
        try {
            return Optional.of(FailureCode.valueOf(code));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms < 10_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        long s = Math.round(ms / 1000.0);
        return s < 120 ? s + " s" : s / 60 + " min " + s % 60 + " s";
    }

    private static String line(String s) {
        return Sanitize.line(s, MAX);
    }

    private static Label value(String id) {
        Label l = new Label();
        l.setId(id);
        l.setWrapText(true);
        l.getStyleClass().add("detail-value");
        return l;
    }

    private int row(int r, String key, Label value) {
        Label k = new Label(key);
        k.getStyleClass().add("detail-key");
        k.setMinWidth(Label.USE_PREF_SIZE);
        GridPane.setValignment(k, VPos.TOP);
        facts.add(k, 0, r);
        facts.add(value, 1, r);
        return r + 1;
    }
}

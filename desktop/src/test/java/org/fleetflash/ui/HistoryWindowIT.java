package org.fleetflash.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javafx.scene.Node;
import javafx.scene.control.ComboBox;
import javafx.scene.control.DatePicker;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.fleetflash.core.history.AttemptEvents;
import org.fleetflash.core.history.report.HostileHistory;
import org.fleetflash.core.history.report.ReportFile;
import org.fleetflash.core.text.Sanitize;
import org.fleetflash.core.upgrade.AttemptRef;
import org.fleetflash.core.upgrade.FailureAdvice;
import org.fleetflash.core.upgrade.FailureCode;
import org.fleetflash.core.upgrade.UpgradeEvent;
import org.fleetflash.ui.history.ExportChooser;
import org.fleetflash.ui.history.HistoryRow;
import org.fleetflash.ui.history.HistoryView;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * The History tab over a real SQLite history written by the history writer (every outcome, router texts meant to do
 * harm, a re-pinned host key), headless under Monocle: the filters narrow the table, the detail shows what an auditor
 * needs, and the exports write what is shown.
 */
@ExtendWith(ApplicationExtension.class)
class HistoryWindowIT {

    /** A model a router reported: an ESC sequence, a spreadsheet formula and a right-to-left override. */
    static final String HOSTILE_MODEL = "=cmd|' /C calc'!A0\u001b[31m\u202eTL-WDR3600";
    static final String HOSTILE_ROUTER = "127.0.52.7";
    static final Instant HOSTILE_START = Instant.parse("2026-12-01T10:00:00Z");

    @TempDir
    static Path home;
    @TempDir
    static Path exports;
    static FleetWindowFixture fixture;
    static String imageSha256;

    private MainWindow window;
    private Stage stage;
    private final TestChooser chooser = new TestChooser();

    @BeforeAll
    static void writeHistory() throws Exception {
        imageSha256 = HostileHistory.write(home); // into home/data: the history the fixture opens
        fixture = FleetWindowFixture.start(home, "127.0.52.1", 2252);
        AttemptRef ref = AttemptEvents.ref("att-hostile", "batch-3", HOSTILE_ROUTER, 2252);
        for (UpgradeEvent e : AttemptEvents.succeeded(ref, HOSTILE_START, home.resolve("fw-11.0-r200.bin"), home.resolve("backup-h"))) {
            fixture.history.writer().on(e instanceof UpgradeEvent.Probed p
                    ? new UpgradeEvent.Probed(p.attempt(), p.at(), AttemptEvents.facts(HOSTILE_MODEL, "11.0-r100")) : e);
        }
        assertThat(fixture.history.writer().awaitWritten(Duration.ofSeconds(20))).isTrue();
    }

    @AfterAll
    static void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Start
    void start(Stage stage) {
        this.stage = stage;
        window = FleetFlashApp.show(stage, fixture.historyInputs());
        window.history().setExportChooser(chooser);
        UserGuideScreenshotsIT.atGuideSize(stage);
    }

    @AfterEach
    void closeWindow(FxRobot robot) {
        robot.interact(() -> window.close());
    }

    private HistoryView openTab(FxRobot robot) {
        robot.clickOn("History");
        HistoryView view = window.history();
        FleetWindowIT.waitFor(() -> view.shown().size() == 6);
        return view;
    }

    @Test
    void theOutcomeRouterAndDayFiltersNarrowTheRowsAndTheCountSaysHowMany(FxRobot robot) {
        HistoryView view = openTab(robot);
        assertThat(view.shown()).extracting(HistoryRow::attemptId).as("newest first")
                .containsExactly("att-hostile", "att-other", "att-running", "att-attention", "att-failed", "att-ok");
        assertThat(text(robot, "#historyCount")).isEqualTo("6 attempts recorded.");

        robot.interact(() -> outcome(robot).setValue("FAILED_SAFE"));
        FleetWindowIT.waitFor(() -> view.shown().size() == 1);
        assertThat(view.shown()).extracting(HistoryRow::outcomeOrRunning).containsExactly("FAILED_SAFE");
        assertThat(text(robot, "#historyCount")).isEqualTo("1 attempt matches the filters.");

        robot.interact(() -> outcome(robot).setValue("INTERRUPTED"));
        FleetWindowIT.waitFor(() -> view.shown().size() == 1 && view.shown().get(0).attemptId().equals("att-running"));

        robot.interact(() -> outcome(robot).setValue(HistoryView.ALL_OUTCOMES));
        robot.clickOn("#historyRouter").write("192.0.2.11").type(javafx.scene.input.KeyCode.ENTER);
        FleetWindowIT.waitFor(() -> view.shown().size() == 1 && view.shown().get(0).router().equals(HostileHistory.FAILED));

        TextField router = robot.lookup("#historyRouter").queryAs(TextField.class);
        robot.interact(() -> {
            router.setText("1.2.3.4.5:99999");
            router.fireEvent(new javafx.event.ActionEvent());
        });
        assertThat(text(robot, "#historyFilterProblem")).startsWith("Router: ").doesNotContain("Exception");
        assertThat(view.shown()).as("a bad router text reads nothing new").hasSize(1);

        robot.interact(() -> {
            router.setText("");
            router.fireEvent(new javafx.event.ActionEvent());
        });
        FleetWindowIT.waitFor(() -> view.shown().size() == 6);
        assertThat(text(robot, "#historyFilterProblem")).isEmpty();

        LocalDate day = LocalDate.ofInstant(HOSTILE_START, ZoneId.systemDefault());
        robot.interact(() -> {
            robot.lookup("#historyFrom").queryAs(DatePicker.class).setValue(day);
            robot.lookup("#historyTo").queryAs(DatePicker.class).setValue(day);
        });
        List<String> onThatDay = new ArrayList<>();
        for (String id : List.of("att-hostile", "att-other", "att-running", "att-attention", "att-failed", "att-ok")) {
            Instant start = id.equals("att-hostile") ? HOSTILE_START
                    : HostileHistory.T0.plusSeconds(switch (id) {
                        case "att-ok" -> 1;
                        case "att-failed" -> 2;
                        case "att-attention" -> 3;
                        case "att-running" -> 4;
                        default -> 3601;
                    });
            if (LocalDate.ofInstant(start, ZoneId.systemDefault()).equals(day)) {
                onThatDay.add(id);
            }
        }
        FleetWindowIT.waitFor(() -> view.shown().stream().map(HistoryRow::attemptId).toList().equals(onThatDay));

        robot.clickOn("#historyClear");
        FleetWindowIT.waitFor(() -> view.shown().size() == 6);
    }

    @Test
    void theSelectedAttemptShowsItsPhasesAdviceDigestsHostKeysAndTranscript(FxRobot robot) {
        HistoryView view = openTab(robot);
        select(robot, view, "att-failed");
        FailureAdvice advice = FailureAdvice.forLocale(Locale.ROOT);
        assertThat(text(robot, "#detailOutcome")).startsWith("FAILED_SAFE");
        assertThat(robot.lookup("#detailOutcome").query().getStyleClass()).contains("outcome-failed-safe");
        assertThat(text(robot, "#detailFailure")).startsWith("DOWNLOAD_FAILED: " + advice.title(FailureCode.DOWNLOAD_FAILED));
        assertThat(text(robot, "#detailAdvice")).contains(advice.whatToDo(FailureCode.DOWNLOAD_FAILED));
        TextArea transcript = robot.lookup("#transcript").queryAs(TextArea.class);
        FleetWindowIT.waitFor(() -> transcript.getText().contains("download stopped"));
        assertThat(transcript.getText()).contains("DOWNLOAD", "WARNING", "\\x1b[2J =cmd|").doesNotContain("\u001b");

        select(robot, view, "att-ok");
        assertThat(text(robot, "#detailFirmware")).isEqualTo("11.0-r100 → " + HostileHistory.FORMULA);
        assertThat(text(robot, "#detailPhases")).contains("CONNECT  1.0 s", "FLASH  ", "READ_BACK  2.0 s");
        assertThat(text(robot, "#detailImage")).contains("fw-11.0-r200.bin", "SHA-256 " + imageSha256);
        FleetWindowIT.waitFor(() -> text(robot, "#detailBackups").contains("file missing"));
        assertThat(text(robot, "#detailBackups")).contains("backup-ok", "kernel", "SHA-256 " + AttemptEvents.SHA_KERNEL,
                "SHA-256 " + AttemptEvents.SHA_ROOTFS);
        assertThat(text(robot, "#detailHostKeys")).matches("(?s).*SHA256:\\S+ → ecdsa-sha2-nistp256 SHA256:\\S+  \\(by this upgrade\\).*");
        FleetWindowIT.waitFor(() -> transcript.getText().contains("flash span matches the plan"));
        assertThat(text(robot, "#detailAdvice")).isEqualTo("Nothing: it succeeded.");
    }

    @Test
    void hostileRouterTextsAreShownEscapedInTheTableAndTheDetail(FxRobot robot) {
        HistoryView view = openTab(robot);
        select(robot, view, "att-hostile");
        String model = view.shown().get(0).model();
        assertThat(model).startsWith("=cmd|' /C calc'!A0\\x1b[31m").doesNotContain("\u001b", "\u202e");
        assertThat(text(robot, "#detailModel")).startsWith(model);
        select(robot, view, "att-failed");
        assertThat(view.shown().stream().filter(r -> r.attemptId().equals("att-failed")).findFirst().orElseThrow().message())
                .contains("\\t", "\\r\\n", "$(reboot)");
        List<String> shownTexts = new ArrayList<>();
        for (Node n : robot.lookup(".history-view .label").queryAll()) {
            shownTexts.add(((Label) n).getText());
        }
        for (Node n : robot.lookup("#historyTable .table-cell").queryAll()) {
            shownTexts.add(((TableCell<?, ?>) n).getText());
        }
        assertThat(shownTexts).isNotEmpty().allSatisfy(t -> assertThat(t == null || Sanitize.isSafe(t.replace("\n", "")))
                .as("no control or format character in '%s'", t).isTrue());
        TextArea transcript = robot.lookup("#transcript").queryAs(TextArea.class);
        FleetWindowIT.waitFor(() -> !transcript.getText().isEmpty());
        assertThat(Sanitize.isSafe(transcript.getText().replace("\n", ""))).isTrue();
    }

    @Test
    void exportsWriteExactlyTheShownAttemptsAndNeverReplaceAFileUnasked(FxRobot robot) throws Exception {
        HistoryView view = openTab(robot);
        robot.interact(() -> outcome(robot).setValue("SUCCEEDED"));
        FleetWindowIT.waitFor(() -> view.shown().size() == 3);
        List<String> shown = view.shown().stream().map(HistoryRow::attemptId).toList();

        Path csv = exports.resolve("history.csv");
        export(robot, ReportFile.Format.CSV, csv);
        try (Reader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8);
                CSVParser parser = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(in)) {
            List<CSVRecord> rows = parser.getRecords();
            assertThat(rows).extracting(r -> r.get("attempt")).containsExactlyInAnyOrderElementsOf(shown);
            assertThat(rows).extracting(r -> r.get("outcome")).containsOnly("SUCCEEDED");
            CSVRecord hostile = rows.stream().filter(r -> r.get("attempt").equals("att-hostile")).findFirst().orElseThrow();
            assertThat(hostile.get("model")).as("made inert for a spreadsheet").startsWith("'=cmd|").doesNotContain("\u001b", "\u202e");
        }

        byte[] before = Files.readAllBytes(csv);
        chooser.replaceAnswer = false;
        robot.interact(() -> outcome(robot).setValue(HistoryView.ALL_OUTCOMES));
        FleetWindowIT.waitFor(() -> view.shown().size() == 6);
        chooser.next = csv;
        robot.clickOn("#historyExportCSV");
        FleetWindowIT.waitFor(() -> text(robot, "#historyExportMessage").contains("kept as it is"));
        assertThat(chooser.askedToReplace).containsExactly(csv);
        assertThat(Files.readAllBytes(csv)).as("the file the user kept").isEqualTo(before);

        chooser.replaceAnswer = true;
        export(robot, ReportFile.Format.CSV, csv);
        assertThat(Files.readAllLines(csv, StandardCharsets.UTF_8)).hasSize(7);

        Path pdf = exports.resolve("history.pdf");
        export(robot, ReportFile.Format.PDF, pdf);
        try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
            assertThat(new PDFTextStripper().getText(doc)).contains(HostileHistory.OK, HostileHistory.FAILED, HOSTILE_ROUTER + ":2252");
        }

        Path json = exports.resolve("history.json");
        export(robot, ReportFile.Format.JSON, json);
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        List<String> ids = new ArrayList<>();
        doc.get("attempts").forEach(a -> ids.add(a.get("attempt").asText()));
        assertThat(ids).containsExactlyInAnyOrderElementsOf(view.shown().stream().map(HistoryRow::attemptId).toList());
        assertThat(doc.get("report").get("attemptCount").asInt()).isEqualTo(6);

        chooser.next = exports.resolve("no-such-folder").resolve("x.json");
        robot.clickOn("#historyExportJSON");
        FleetWindowIT.waitFor(() -> text(robot, "#historyExportMessage").contains("does not exist"));
        assertThat(text(robot, "#historyExportMessage")).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(text(robot, "#historyCount")).as("the count stays beside the export's message").isEqualTo("6 attempts recorded.");
        assertThat(Files.exists(chooser.next)).isFalse();
    }

    private void export(FxRobot robot, ReportFile.Format format, Path target) {
        chooser.next = target;
        robot.clickOn("#historyExport" + format.name());
        FleetWindowIT.waitFor(() -> text(robot, "#historyExportMessage").startsWith("Exported ")
                && text(robot, "#historyExportMessage").contains(target.getFileName().toString()));
        assertThat(target).exists();
        assertThat(robot.lookup("#historyWorking").query().isVisible()).isFalse();
    }

    private static void select(FxRobot robot, HistoryView view, String attemptId) {
        @SuppressWarnings("unchecked")
        TableView<HistoryRow> table = robot.lookup("#historyTable").queryAs(TableView.class);
        HistoryRow row = view.shown().stream().filter(r -> r.attemptId().equals(attemptId)).findFirst().orElseThrow();
        robot.interact(() -> {
            table.getSelectionModel().select(row);
            table.scrollTo(row);
        });
        FleetWindowIT.waitFor(() -> view.detailShown().map(a -> a.attemptId().equals(attemptId)).orElse(false));
    }

    @SuppressWarnings("unchecked")
    private static ComboBox<String> outcome(FxRobot robot) {
        return robot.lookup("#historyOutcome").queryAs(ComboBox.class);
    }

    private static String text(FxRobot robot, String query) {
        return robot.lookup(query).queryAs(Label.class).getText();
    }

    /** Answers the export's questions without dialogs: the file to write, and whether to replace one. */
    static final class TestChooser implements ExportChooser {
        volatile Path next;
        volatile boolean replaceAnswer;
        final List<Path> askedToReplace = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public Optional<Path> choose(Window owner, ReportFile.Format format, String suggestedName) {
            assertThat(suggestedName).endsWith("." + format.extension());
            return Optional.ofNullable(next);
        }

        @Override
        public boolean replace(Window owner, Path existing) {
            askedToReplace.add(existing);
            return replaceAnswer;
        }
    }
}

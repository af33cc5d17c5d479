package org.fleetflash.ui.history;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.DatePicker;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.fleetflash.core.history.AttemptFilter;
import org.fleetflash.core.history.AttemptRecord;
import org.fleetflash.core.history.AttemptTrail;
import org.fleetflash.core.history.report.Report;
import org.fleetflash.core.history.report.ReportAttempt;
import org.fleetflash.core.history.report.ReportFile;
import org.fleetflash.core.history.report.ReportPdf;
import org.fleetflash.core.history.report.ReportReader;
import org.fleetflash.core.text.Sanitize;
import org.fleetflash.ui.support.Background;
import org.fleetflash.ui.support.ByteSizes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The History tab: the recorded upgrade attempts, newest first, narrowed by the filters above the table (the same
 * {@link AttemptFilter} as {@code fleetflash history list}), the selected attempt's detail beside them, and exports of
 * exactly what is shown (CSV, PDF, JSON, written as {@code history export} writes them). Every read and write runs on
 * the window's background threads; the FX thread only shows what they bring.
 */
public final class HistoryView extends VBox {

    /** The outcome choice that selects every attempt. */
    public static final String ALL_OUTCOMES = "All outcomes";

    private static final Logger LOG = LoggerFactory.getLogger(HistoryView.class);
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    private final AttemptSource source;
    private final Background background;
    private final ZoneId zone = ZoneId.systemDefault();
    private final ObservableList<HistoryRow> rows = FXCollections.observableArrayList();
    private final TableView<HistoryRow> table = new TableView<>(rows);
    private final Label status = new Label();
    private final Label problem = new Label();
    private final Label exportMessage = new Label();
    private final ComboBox<String> outcome = new ComboBox<>();
    private final TextField router = new TextField();
    private final TextField batch = new TextField();
    private final DatePicker from = new DatePicker();
    private final DatePicker to = new DatePicker();
    private final List<Button> exports = new ArrayList<>();
    private final ProgressIndicator working = new ProgressIndicator();
    private final AttemptDetailPane detail = new AttemptDetailPane();
    private ExportChooser chooser = ExportChooser.dialogs();
    private Report report;
    private long readNumber;
    private long detailNumber;
    private boolean exporting;

    /** The tab's content over {@code source}; {@link #refresh()} reads it. */
    public HistoryView(AttemptSource source, Background background) {
        this.source = source;
        this.background = background;
        getStyleClass().add("history-view");
        getStylesheets().add(Objects.requireNonNull(HistoryView.class.getResource("history.css")).toExternalForm());
        setSpacing(6);
        setPadding(new Insets(8));
        buildTable();
        FlowPane filters = buildFilters();
        HBox bar = buildBar();
        SplitPane split = new SplitPane(table, detail);
        split.setId("historySplit");
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.45);
        VBox.setVgrow(split, Priority.ALWAYS);
        getChildren().setAll(filters, problem, bar, split);
        problem.getStyleClass().add("field-problem");
        problem.setId("historyFilterProblem");
        problem.managedProperty().bind(problem.textProperty().isNotEmpty());
        problem.visibleProperty().bind(problem.textProperty().isNotEmpty());
        table.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> showDetail(now));
        if (!source.reads()) {
            filters.setDisable(true);
            exports.forEach(b -> b.setDisable(true));
        }
    }

    private void buildTable() {
        table.setId("historyTable");
        table.setPlaceholder(new Label("No upgrades recorded yet: what FleetFlash does to a router appears here."));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getColumns().add(column("Started", 165, a -> WHEN.format(a.startedAt())));
        table.getColumns().add(column("Router", 125, HistoryRow::router));
        table.getColumns().add(column("Model", 120, HistoryRow::model));
        table.getColumns().add(column("Image", 120, HistoryRow::image));
        table.getColumns().add(column("From", 85, HistoryRow::from));
        table.getColumns().add(column("To", 85, HistoryRow::to));
        TableColumn<HistoryRow, String> word = column("Outcome", 170, HistoryRow::outcomeOrRunning);
        word.setCellFactory(c -> new OutcomeCell<>());
        table.getColumns().add(word);
        table.getColumns().add(column("Code", 150, HistoryRow::code));
        table.getColumns().add(column("Written", 80, a -> ByteSizes.human(a.bytesDownloaded())));
        table.getColumns().add(column("Message", 220, HistoryRow::message));
        table.getColumns().get(0).setMinWidth(160);
        word.setMinWidth(165);
    }

    private FlowPane buildFilters() {
        outcome.setId("historyOutcome");
        outcome.getItems().add(ALL_OUTCOMES);
        outcome.getItems().addAll(AttemptFilter.OUTCOMES);
        outcome.setValue(ALL_OUTCOMES);
        outcome.setOnAction(e -> refresh());
        router.setId("historyRouter");
        router.setPromptText("host or host:port");
        router.setPrefColumnCount(13);
        router.setOnAction(e -> refresh());
        router.focusedProperty().addListener((o, was, now) -> {
            if (!now) {
                refresh();
            }
        });
        batch.setId("historyBatch");
        batch.setPromptText("batch id");
        batch.setPrefColumnCount(11);
        batch.setOnAction(e -> refresh());
        batch.focusedProperty().addListener((o, was, now) -> {
            if (!now) {
                refresh();
            }
        });
        for (DatePicker d : List.of(from, to)) {
            d.setPrefWidth(150);
            d.setPromptText("yyyy-mm-dd");
            d.valueProperty().addListener((o, was, now) -> refresh());
        }
        from.setId("historyFrom");
        to.setId("historyTo");
        Button clear = new Button("C_lear filters");
        clear.setId("historyClear");
        clear.setOnAction(e -> clearFilters());
        Button refresh = new Button("_Refresh");
        refresh.setId("historyRefresh");
        refresh.setOnAction(e -> refresh());
        FlowPane filters = new FlowPane(8, 6, labelled("Outcome", outcome), labelled("Router", router), labelled("Batch", batch),
                labelled("From", from), labelled("To", to), clear, refresh);
        filters.setId("historyFilters");
        filters.setAlignment(Pos.CENTER_LEFT);
        return filters;
    }

    private HBox buildBar() {
        status.setId("historyCount");
        status.setMinWidth(Region.USE_PREF_SIZE);
        working.setId("historyWorking");
        working.setPrefSize(18, 18);
        working.setVisible(false);
        Label exportLabel = new Label("Export what is shown:");
        exportLabel.setMinWidth(Region.USE_PREF_SIZE);
        exportMessage.setId("historyExportMessage");
        exportMessage.setMaxWidth(Double.MAX_VALUE);
        exportMessage.setTooltip(new Tooltip());
        exportMessage.getTooltip().textProperty().bind(exportMessage.textProperty());
        HBox.setHgrow(exportMessage, Priority.ALWAYS);
        HBox bar = new HBox(8, status, working, exportMessage, exportLabel);
        for (ReportFile.Format f : ReportFile.Format.values()) {
            Button b = new Button(f.name());
            b.setId("historyExport" + f.name());
            b.setTooltip(new Tooltip("Write the attempts shown as a " + f.name() + " file (as 'fleetflash history export' does)"));
            b.setOnAction(e -> export(f));
            b.setMinWidth(Region.USE_PREF_SIZE);
            exports.add(b);
            bar.getChildren().add(b);
        }
        bar.setAlignment(Pos.CENTER_LEFT);
        return bar;
    }

    /** Reads the attempts the filters select again in the background and shows them, newest first. */
    public void refresh() {
        Optional<AttemptFilter> filter = filter();
        if (filter.isEmpty()) {
            return;
        }
        long number = ++readNumber;
        status.setText("Reading the history…");
        Instant now = Instant.now();
        background.supply(() -> read(filter.get(), now)).whenCompleteAsync((read, failure) -> {
            if (number != readNumber) {
                return; // a newer read was started: its result is the one to show
            }
            if (failure != null) {
                Throwable cause = Background.unwrap(failure);
                LOG.warn("Cannot read the history", cause);
                status.setText("The history could not be read (" + Sanitize.line(String.valueOf(cause.getMessage()), 200)
                        + "); details are in the log file.");
                return;
            }
            show(read);
        }, Platform::runLater);
    }

    /** What one read brought: the rows, newest first, and the report they were made from (null for a source that only lists). */
    private record Read(List<HistoryRow> rows, Report report) {
    }

    private Read read(AttemptFilter filter, Instant now) throws IOException {
        Optional<Report> r = source.read(ReportReader.query(filter, now));
        List<HistoryRow> out = new ArrayList<>();
        if (r.isPresent()) {
            r.get().attempts().forEach(a -> out.add(HistoryRow.of(a)));
        } else {
            for (AttemptRecord a : source.attempts()) {
                out.add(HistoryRow.of(a));
            }
        }
        Collections.reverse(out);
        return new Read(out, r.orElse(null));
    }

    private void show(Read read) {
        String selected = Optional.ofNullable(table.getSelectionModel().getSelectedItem()).map(HistoryRow::attemptId).orElse(null);
        report = read.report();
        rows.setAll(read.rows());
        int n = rows.size();
        boolean filtered = report != null && !report.filter().equals(AttemptFilter.all());
        status.setText(n == 1 ? "1 attempt " + (filtered ? "matches the filters." : "recorded.")
                : n + " attempts " + (filtered ? "match the filters." : "recorded."));
        rows.stream().filter(r -> r.attemptId().equals(selected)).findFirst().ifPresentOrElse(r -> {
            table.getSelectionModel().select(r);
            showDetail(r);
        }, () -> showDetail(null));
    }

    /** The filter the controls describe, or empty (with the reason shown) when a text is no router address. */
    private Optional<AttemptFilter> filter() {
        String o = outcome.getValue();
        Optional<String> r = Optional.of(router.getText().strip()).filter(s -> !s.isEmpty());
        try {
            r = r.map(AttemptFilter::router);
        } catch (IllegalArgumentException e) {
            problem.setText("Router: " + Sanitize.line(e.getMessage(), 200));
            return Optional.empty();
        }
        LocalDate first = from.getValue();
        LocalDate last = to.getValue();
        if (first != null && last != null && last.isBefore(first)) {
            problem.setText("The 'To' day is before the 'From' day: no attempt can match. Pick a later 'To' day.");
            return Optional.empty();
        }
        problem.setText("");
        return Optional.of(new AttemptFilter(Optional.ofNullable(first).map(d -> AttemptFilter.startOf(d, zone)),
                Optional.ofNullable(last).map(d -> AttemptFilter.endOf(d, zone)),
                Optional.ofNullable(o).filter(x -> !ALL_OUTCOMES.equals(x)).map(AttemptFilter::outcome), r,
                Optional.of(batch.getText().strip()).filter(s -> !s.isEmpty())));
    }

    private void clearFilters() {
        outcome.setValue(ALL_OUTCOMES);
        router.clear();
        batch.clear();
        from.setValue(null);
        to.setValue(null);
        refresh();
    }

    private void showDetail(HistoryRow row) {
        long number = ++detailNumber;
        Optional<ReportAttempt> a = Optional.ofNullable(row).flatMap(HistoryRow::detail);
        detail.show(a.orElse(null), report);
        if (a.isEmpty()) {
            return;
        }
        String id = a.get().attemptId();
        List<String> files = a.get().backups().stream().map(ReportAttempt.Backup::file).toList();
        background.supply(() -> {
            AttemptTrail trail = source.read(AttemptTrail.of(id)).orElse(new AttemptTrail(List.of(), Optional.empty()));
            Map<String, Boolean> present = new LinkedHashMap<>();
            for (String f : files) {
                present.put(f, exists(f));
            }
            return Map.entry(trail, present);
        }).whenCompleteAsync((read, failure) -> {
            if (number != detailNumber) {
                return;
            }
            if (failure != null) {
                LOG.warn("Cannot read the transcript of {}", id, Background.unwrap(failure));
                detail.trailFailed(id, "The transcript could not be read; details are in the log file.");
                return;
            }
            detail.showTrail(id, read.getKey(), read.getValue());
        }, Platform::runLater);
    }

    private static boolean exists(String file) {
        try {
            return Files.exists(Path.of(file));
        } catch (RuntimeException e) {
            return false; // a path this system cannot name
        }
    }

    /** Writes what is shown as {@code format} to a file the chooser names, asking before it replaces one. */
    void export(ReportFile.Format format) {
        Report shown = report;
        if (exporting) {
            return;
        }
        if (shown == null) {
            exportMessage.setText("Nothing to export yet: the history is still being read.");
            return;
        }
        String name = "fleetflash-history-" + LocalDate.now(zone) + "." + format.extension();
        Optional<Path> chosen = chooser.choose(getScene() == null ? null : getScene().getWindow(), format, name);
        if (chosen.isEmpty()) {
            return;
        }
        Path target = chosen.get().toAbsolutePath().normalize();
        busy(true, "Checking " + target + "…");
        background.supply(() -> Place.of(target)).whenCompleteAsync((place, failure) -> {
            if (failure != null) {
                done(target, Background.unwrap(failure), null);
                return;
            }
            switch (place) {
                case FOLDER -> done(target, null, target + " is a folder: export again and give a file name.");
                case NO_FOLDER -> done(target, null, "The folder of " + target + " does not exist: export again into a folder that does.");
                case EXISTS -> {
                    if (chooser.replace(getScene() == null ? null : getScene().getWindow(), target)) {
                        write(shown, format, target, true);
                    } else {
                        done(target, null, target + " was kept as it is: nothing was exported.");
                    }
                }
                default -> write(shown, format, target, false);
            }
        }, Platform::runLater);
    }

    /** Where an export would go, as found on a background thread. */
    private enum Place {
        FREE, EXISTS, FOLDER, NO_FOLDER;

        static Place of(Path target) {
            if (Files.isDirectory(target)) {
                return FOLDER;
            }
            if (target.getParent() == null || !Files.isDirectory(target.getParent())) {
                return NO_FOLDER;
            }
            return Files.exists(target) ? EXISTS : FREE;
        }
    }

    private void write(Report shown, ReportFile.Format format, Path target, boolean replace) {
        busy(true, "Writing " + shown.attempts().size() + " attempt(s) as " + format.name() + " to " + target + "…");
        ReportFile.Body body = ReportFile.body(shown, format, paper(), zone);
        background.supply(() -> {
            ReportFile.write(target, replace, body);
            return target;
        }).whenCompleteAsync((written, failure) -> done(target, failure == null ? null : Background.unwrap(failure),
                "Exported " + shown.attempts().size() + " attempt(s) to " + target + " (" + format.name() + ")."), Platform::runLater);
    }

    private void busy(boolean on, String message) {
        exporting = on;
        exports.forEach(b -> b.setDisable(on));
        working.setVisible(on);
        exportMessage.setText(message);
    }

    /** Ends an export: with {@code failure} as a sentence (the details go to the log), else with {@code message}. */
    private void done(Path target, Throwable failure, String message) {
        if (failure == null) {
            busy(false, message);
            return;
        }
        LOG.warn("Cannot export the history to {}", target, failure);
        busy(false, exportFailure(target, failure));
    }

    /** One sentence for a failed export: what stopped it and what to do; nothing was written. */
    static String exportFailure(Path target, Throwable cause) {
        if (cause instanceof FileAlreadyExistsException) {
            return target + " appeared while the export was written: nothing was written. Export again to replace it.";
        }
        String why;
        if (cause instanceof AccessDeniedException) {
            why = "permission denied";
        } else if (cause instanceof NoSuchFileException) {
            why = "the folder does not exist";
        } else if (cause instanceof IOException && cause.getMessage() != null) {
            why = Sanitize.line(cause.getMessage(), 200);
        } else {
            why = "an unexpected error (details are in the log file)";
        }
        return "Cannot write " + target + ": " + why + ". Nothing was written; export again into a folder you may write to.";
    }

    private static ReportPdf.Paper paper() {
        String country = Locale.getDefault().getCountry();
        return country.equals("US") || country.equals("CA") ? ReportPdf.Paper.LETTER : ReportPdf.Paper.A4;
    }

    /** Replaces the dialogs that ask where an export goes (for tests, or another look). */
    public void setExportChooser(ExportChooser chooser) {
        this.chooser = Objects.requireNonNull(chooser, "chooser");
    }

    /** The rows shown, newest first (for tests). */
    public List<HistoryRow> shown() {
        return List.copyOf(rows);
    }

    /** The report the rows were made from: what an export writes; empty for a source that only lists. */
    public Optional<Report> shownReport() {
        return Optional.ofNullable(report);
    }

    /** The attempt the detail pane shows, if any (for tests). */
    public Optional<ReportAttempt> detailShown() {
        return detail.shown();
    }

    private static VBox labelled(String text, javafx.scene.Node control) {
        Label l = new Label(text);
        l.setLabelFor(control);
        l.getStyleClass().add("filter-label");
        return new VBox(2, l, control);
    }

    private static TableColumn<HistoryRow, String> column(String title, double width, Function<HistoryRow, String> value) {
        TableColumn<HistoryRow, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(f -> new ReadOnlyStringWrapper(value.apply(f.getValue())));
        return c;
    }

    /** An outcome word with its colour (the word is always there: colour only adds to it). */
    public static final class OutcomeCell<S> extends TableCell<S, String> {
        private final org.fleetflash.ui.support.CellState state = new org.fleetflash.ui.support.CellState();

        @Override
        protected void updateItem(String item, boolean empty) {
            super.updateItem(item, empty);
            setText(empty || item == null ? null : item);
            state.show(this, empty || item == null ? null : outcomeClass(item));
        }

        /** The style class of an outcome word, or null for a word without colour. */
        public static String outcomeClass(String word) {
            if (word.startsWith("SUCCEEDED")) {
                return "outcome-succeeded";
            } else if (word.startsWith("FAILED_SAFE")) {
                return "outcome-failed-safe";
            } else if (word.startsWith("NEEDS_ATTENTION")) {
                return "outcome-needs-attention";
            } else if (word.startsWith("RUNNING")) {
                return "outcome-running";
            } else if (word.startsWith("INTERRUPTED")) {
                return "outcome-interrupted";
            }
            return null;
        }
    }
}

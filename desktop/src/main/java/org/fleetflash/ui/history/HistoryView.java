package org.fleetflash.ui.history;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.fleetflash.core.history.AttemptRecord;
import org.fleetflash.core.text.Sanitize;
import org.fleetflash.ui.support.Background;
import org.fleetflash.ui.support.ByteSizes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The History tab: every recorded upgrade attempt, newest first, read-only; read off the FX thread. */
public final class HistoryView extends VBox {

    private static final Logger LOG = LoggerFactory.getLogger(HistoryView.class);
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    private final AttemptSource source;
    private final Background background;
    private final ObservableList<AttemptRecord> attempts = FXCollections.observableArrayList();
    private final TableView<AttemptRecord> table = new TableView<>(attempts);
    private final Label status = new Label();

    /** The tab's content over {@code source}; {@link #refresh()} reads it. */
    public HistoryView(AttemptSource source, Background background) {
        this.source = source;
        this.background = background;
        getStyleClass().add("history-view");
        setSpacing(8);
        setPadding(new Insets(8));
        table.setId("historyTable");
        table.setPlaceholder(new Label("No upgrades recorded yet: what FleetFlash does to a router appears here."));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getColumns().add(column("Started", 150, a -> WHEN.format(a.startedAt())));
        table.getColumns().add(column("Router", 150, AttemptRecord::router));
        table.getColumns().add(column("Model", 160, a -> text(a.model())));
        table.getColumns().add(column("Image", 140, a -> text(a.imageFile())));
        table.getColumns().add(column("From", 120, a -> text(a.oldVersion())));
        table.getColumns().add(column("To", 120, a -> text(a.newVersion())));
        TableColumn<AttemptRecord, String> outcome = column("Outcome", 130, AttemptRecord::outcomeOrRunning);
        outcome.setCellFactory(c -> new OutcomeCell<>());
        table.getColumns().add(outcome);
        table.getColumns().add(column("Code", 110, a -> text(a.failureCode())));
        table.getColumns().add(column("Written", 90, a -> ByteSizes.human(a.bytesDownloaded())));
        table.getColumns().add(column("Message", 260, a -> Sanitize.line(a.failureMessage().orElse(""), 300)));
        VBox.setVgrow(table, Priority.ALWAYS);
        Button refresh = new Button("_Refresh");
        refresh.setId("historyRefresh");
        refresh.setOnAction(e -> refresh());
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        HBox top = new HBox(8, status, gap, refresh);
        top.setAlignment(Pos.CENTER_LEFT);
        getChildren().setAll(top, table);
    }

    /** Reads the history again in the background and shows it, newest first. */
    public void refresh() {
        status.setText("Reading the history…");
        background.supply(source::attempts).whenCompleteAsync((list, failure) -> {
            if (failure != null) {
                Throwable cause = Background.unwrap(failure);
                LOG.warn("Cannot read the history", cause);
                status.setText("The history could not be read (" + Sanitize.line(String.valueOf(cause.getMessage()), 200)
                        + "); details are in the log file.");
                return;
            }
            List<AttemptRecord> newestFirst = new ArrayList<>(list);
            java.util.Collections.reverse(newestFirst);
            attempts.setAll(newestFirst);
            status.setText(list.size() == 1 ? "1 attempt recorded." : list.size() + " attempts recorded.");
        }, Platform::runLater);
    }

    /** The rows shown (for tests). */
    public List<AttemptRecord> shown() {
        return List.copyOf(attempts);
    }

    private static String text(Optional<String> s) {
        return Sanitize.line(s.orElse(""), 120);
    }

    private static TableColumn<AttemptRecord, String> column(String title, double width, Function<AttemptRecord, String> value) {
        TableColumn<AttemptRecord, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(f -> new ReadOnlyStringWrapper(value.apply(f.getValue())));
        return c;
    }

    /** An outcome word with its colour (the word is always there: colour only adds to it). */
    public static final class OutcomeCell<S> extends TableCell<S, String> {
        private static final List<String> CLASSES = List.of("outcome-succeeded", "outcome-failed-safe", "outcome-needs-attention",
                "outcome-running");

        @Override
        protected void updateItem(String item, boolean empty) {
            super.updateItem(item, empty);
            getStyleClass().removeAll(CLASSES);
            if (empty || item == null) {
                setText(null);
                return;
            }
            setText(item);
            String cls = outcomeClass(item);
            if (cls != null) {
                getStyleClass().add(cls);
            }
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
            }
            return null;
        }
    }
}

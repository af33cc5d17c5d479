package org.fleetflash.ui.fleet;

import javafx.beans.property.StringProperty;
import javafx.collections.transformation.SortedList;
import javafx.fxml.FXML;
import javafx.scene.Parent;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.control.cell.CheckBoxTableCell;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import java.util.function.Function;
import org.fleetflash.ui.history.HistoryView;
import org.fleetflash.ui.support.CellState;
import org.fleetflash.ui.support.Views;

/** The fleet table's controller: binds {@code FleetView.fxml} to a {@link FleetViewModel} and delegates to it. */
public final class FleetView {

    private final FleetViewModel model;
    private final Parent root;

    @FXML
    private TextField filterField;
    @FXML
    private Label countLabel;
    @FXML
    private TableView<RouterRow> table;
    @FXML
    private CheckBox checkAll;
    @FXML
    private TableColumn<RouterRow, Boolean> checkColumn;
    @FXML
    private TableColumn<RouterRow, String> addressColumn;
    @FXML
    private TableColumn<RouterRow, String> nameColumn;
    @FXML
    private TableColumn<RouterRow, String> modelColumn;
    @FXML
    private TableColumn<RouterRow, String> archColumn;
    @FXML
    private TableColumn<RouterRow, String> firmwareColumn;
    @FXML
    private TableColumn<RouterRow, String> hostKeyColumn;
    @FXML
    private TableColumn<RouterRow, String> outcomeColumn;
    @FXML
    private TableColumn<RouterRow, Number> progressColumn;
    @FXML
    private TableColumn<RouterRow, String> statusColumn;

    public FleetView(FleetViewModel model) {
        this.model = model;
        this.root = Views.load(this, "FleetView.fxml");
    }

    /** The screen's root node. */
    public Parent root() {
        return root;
    }

    /** The table (to give it the focus first). */
    public TableView<RouterRow> table() {
        return table;
    }

    @FXML
    private void initialize() {
        filterField.textProperty().bindBidirectional(model.filterProperty());
        SortedList<RouterRow> sorted = new SortedList<>(model.visibleRows());
        sorted.comparatorProperty().bind(table.comparatorProperty());
        table.setItems(sorted);
        table.setPlaceholder(emptyState());
        // columns keep their widths (the status column takes what a 1366-pixel screen leaves); a narrower window scrolls
        table.setColumnResizePolicy(TableView.UNCONSTRAINED_RESIZE_POLICY);
        countLabel.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(
                () -> model.visibleRows().size() + " of " + model.allRows().size() + " routers", model.visibleRows()));

        checkColumn.setCellValueFactory(f -> f.getValue().checkedProperty());
        checkColumn.setCellFactory(CheckBoxTableCell.forTableColumn(checkColumn));
        checkColumn.setEditable(true);
        checkAll.setTooltip(new Tooltip("Check or uncheck every listed router"));
        checkAll.setOnAction(e -> model.visibleRows().forEach(r -> r.checkedProperty().set(checkAll.isSelected())));

        addressColumn.setCellValueFactory(f -> new javafx.beans.property.ReadOnlyStringWrapper(f.getValue().address()));
        addressColumn.setComparator(FleetView::compareAddresses);
        text(nameColumn, RouterRow::nameProperty);
        text(modelColumn, RouterRow::modelProperty);
        text(archColumn, RouterRow::archProperty);
        text(firmwareColumn, RouterRow::firmwareProperty);
        text(hostKeyColumn, RouterRow::hostKeyProperty);
        hostKeyColumn.setCellFactory(c -> new StyledCell("key-"));
        text(outcomeColumn, RouterRow::lastOutcomeProperty);
        outcomeColumn.setCellFactory(c -> new HistoryView.OutcomeCell<>());
        progressColumn.setCellValueFactory(f -> f.getValue().progressProperty());
        progressColumn.setCellFactory(c -> new ProgressCell());
        statusColumn.setCellValueFactory(f -> javafx.beans.binding.Bindings.createStringBinding(() -> statusText(f.getValue()),
                f.getValue().statusProperty(), f.getValue().noteProperty(), f.getValue().safetyProperty()));
        statusColumn.setCellFactory(c -> new StatusCell());

        table.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> model.currentProperty().set(now));
        model.currentProperty().addListener((o, was, now) -> {
            if (now != null && table.getSelectionModel().getSelectedItem() != now) {
                table.getSelectionModel().select(now);
                table.scrollTo(now);
            }
        });
    }

    private static String statusText(RouterRow r) {
        StringBuilder s = new StringBuilder(r.statusProperty().get());
        for (String more : new String[] {r.safetyProperty().get(), r.noteProperty().get()}) {
            if (!more.isEmpty()) {
                s.append(" · ").append(more);
            }
        }
        return s.toString();
    }

    private static void text(TableColumn<RouterRow, String> column, Function<RouterRow, StringProperty> property) {
        column.setCellValueFactory(f -> property.apply(f.getValue()));
    }

    /** Sorts {@code 127.0.3.10:2222} after {@code 127.0.3.9:2222}: numbers compared as numbers. */
    static int compareAddresses(String a, String b) {
        String[] x = a.split("[.:]");
        String[] y = b.split("[.:]");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c;
            if (x[i].matches("[0-9]{1,9}") && y[i].matches("[0-9]{1,9}")) {
                c = Integer.compare(Integer.parseInt(x[i]), Integer.parseInt(y[i]));
            } else {
                c = x[i].compareTo(y[i]);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }

    private VBox emptyState() {
        Label title = new Label("No routers yet");
        title.getStyleClass().add("empty-title");
        Label how = new Label("Add a router by its address (Ctrl+N), then probe it (Ctrl+P).");
        how.setWrapText(true);
        VBox box = new VBox(6, title, how);
        box.setAlignment(javafx.geometry.Pos.CENTER);
        box.getStyleClass().add("empty-state");
        HBox.setHgrow(box, Priority.ALWAYS);
        return box;
    }

    /** A cell whose text also becomes a style class ({@code key-pinned}), so the word can carry a colour. */
    private static final class StyledCell extends TableCell<RouterRow, String> {
        private final String prefix;
        private final CellState state = new CellState();

        StyledCell(String prefix) {
            this.prefix = prefix;
        }

        @Override
        protected void updateItem(String item, boolean empty) {
            super.updateItem(item, empty);
            setText(empty ? null : item);
            boolean shown = !empty && item != null && !item.isEmpty();
            state.show(this, shown ? CellState.name(prefix, item) : null);
        }
    }

    /** The upgrade's bar with its percentage; empty for a row without an upgrade in this session. */
    private static final class ProgressCell extends TableCell<RouterRow, Number> {
        private final javafx.scene.control.ProgressBar bar = new javafx.scene.control.ProgressBar();
        private final Label percent = new Label();
        private final HBox box = new HBox(6, bar, percent);

        ProgressCell() {
            bar.setMaxWidth(Double.MAX_VALUE);
            HBox.setHgrow(bar, Priority.ALWAYS);
            box.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
            percent.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
            setContentDisplay(javafx.scene.control.ContentDisplay.GRAPHIC_ONLY);
            // the bar stays in the cell and is only hidden: taken out and put back, as a row went from one phase to the
            // next during a batch, it was styled and laid out again each time (FleetView$ProgressCell in the bench's samples)
            box.setVisible(false);
            setGraphic(box);
        }

        @Override
        protected void updateItem(Number item, boolean empty) {
            super.updateItem(item, empty);
            boolean shown = !empty && item != null && item.doubleValue() >= 0;
            if (shown) {
                bar.setProgress(item.doubleValue());
                percent.setText(Math.round(item.doubleValue() * 100) + " %");
            }
            box.setVisible(shown);
        }
    }

    /** The status word, with the row's problem sentence as its tooltip. */
    private static final class StatusCell extends TableCell<RouterRow, String> {
        private final CellState state = new CellState();
        private final Tooltip tip = new Tooltip();

        @Override
        protected void updateItem(String item, boolean empty) {
            super.updateItem(item, empty);
            setText(empty ? null : item);
            RouterRow row = empty ? null : getTableRow().getItem();
            String problem = row == null ? "" : row.problemProperty().get();
            if (problem.isEmpty()) {
                setTooltip(null);
            } else {
                tip.setText(problem);
                setTooltip(tip);
            }
            if (item != null && (item.startsWith("probe failed") || item.startsWith("FAILED_SAFE") || item.startsWith("NEEDS_ATTENTION"))) {
                state.show(this, "status-failed");
            } else if (item != null && item.startsWith("probing")) {
                state.show(this, "status-busy");
            } else {
                state.show(this, null);
            }
        }
    }
}

package org.fleetflash.ui.scan;

import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.Modality;
import javafx.stage.Stage;
import javafx.stage.Window;

/**
 * The Scan window: the targets and ports to scan (prefilled, editable), Start and Cancel, the progress and a table of
 * the open ports that fills while the scan runs. Nothing is scanned before Start; closing the window cancels a running
 * scan. The state lives in a {@link ScanViewModel}, which outlives the window only until it is closed.
 */
public final class ScanDialog {

    private final ScanViewModel model;
    private final Stage stage = new Stage();

    public ScanDialog(Window owner, ScanViewModel model, String stylesheet) {
        this.model = model;
        stage.initOwner(owner);
        stage.initModality(Modality.WINDOW_MODAL);
        stage.setTitle("Scan for routers");

        TextField targets = new TextField();
        targets.setId("scanTargets");
        targets.setPromptText("192.168.1.0/24, 10.0.0.10-20");
        targets.textProperty().bindBidirectional(model.targetsProperty());
        TextField ports = new TextField();
        ports.setId("scanPorts");
        ports.setPrefColumnCount(10);
        ports.textProperty().bindBidirectional(model.portsProperty());
        Label targetsLabel = new Label("_Addresses:");
        targetsLabel.setMnemonicParsing(true);
        targetsLabel.setLabelFor(targets);
        Label portsLabel = new Label("P_orts:");
        portsLabel.setMnemonicParsing(true);
        portsLabel.setLabelFor(ports);
        Label hint = new Label("Addresses, ranges (192.168.1.10-20) or blocks (192.168.1.0/24), separated by commas; at most a /16."
                + " Only a TCP connect and the first line the port sends: nothing is written to any router.");
        hint.setWrapText(true);
        hint.getStyleClass().add("hint");
        Label problem = new Label();
        problem.setId("scanProblem");
        problem.getStyleClass().add("field-problem");
        problem.setWrapText(true);
        problem.textProperty().bind(model.problemProperty());
        problem.managedProperty().bind(problem.textProperty().isNotEmpty());
        problem.visibleProperty().bind(problem.managedProperty());

        GridPane form = new GridPane();
        form.setHgap(8);
        form.setVgap(6);
        form.addRow(0, targetsLabel, targets);
        form.addRow(1, portsLabel, ports);
        GridPane.setHgrow(targets, Priority.ALWAYS);
        targets.disableProperty().bind(Bindings.createBooleanBinding(() -> model.stateProperty().get().busy(), model.stateProperty()));
        ports.disableProperty().bind(targets.disableProperty());

        ProgressBar bar = new ProgressBar();
        bar.setId("scanProgress");
        bar.setMaxWidth(Double.MAX_VALUE);
        bar.progressProperty().bind(Bindings.createDoubleBinding(() -> model.stateProperty().get() == ScanViewModel.State.STARTING
                ? ProgressBar.INDETERMINATE_PROGRESS : model.progressProperty().get(), model.stateProperty(), model.progressProperty()));
        Label progress = new Label();
        progress.setId("scanStatus");
        progress.setWrapText(true);
        progress.textProperty().bind(model.progressTextProperty());

        TableView<ScanViewModel.Hit> table = new TableView<>(model.hits());
        table.setId("scanHits");
        table.setPlaceholder(new Label("Open ports appear here as they are found."));
        table.getColumns().add(column("Address", ScanViewModel.Hit::address, 150));
        table.getColumns().add(column("Fleet", ScanViewModel.Hit::fleet, 70));
        table.getColumns().add(column("Looks like", ScanViewModel.Hit::guess, 100));
        table.getColumns().add(column("Said", ScanViewModel.Hit::said, 320));
        table.setPrefHeight(220);
        VBox.setVgrow(table, Priority.ALWAYS);

        Button start = new Button("_Start");
        start.setId("scanStart");
        start.setMnemonicParsing(true);
        start.setDefaultButton(true);
        start.getStyleClass().add("accent");
        start.setTooltip(new Tooltip("Scan the addresses and ports above"));
        start.disableProperty().bind(targets.disableProperty());
        start.setOnAction(e -> model.start());
        Button cancel = new Button("_Cancel");
        cancel.setId("scanCancel");
        cancel.setMnemonicParsing(true);
        cancel.setTooltip(new Tooltip("Stop the scan (Esc); what was found stays listed"));
        cancel.disableProperty().bind(Bindings.createBooleanBinding(() -> model.stateProperty().get() != ScanViewModel.State.RUNNING
                && model.stateProperty().get() != ScanViewModel.State.STARTING, model.stateProperty()));
        cancel.setOnAction(e -> model.cancel());
        Button close = new Button("C_lose");
        close.setId("scanClose");
        close.setMnemonicParsing(true);
        close.setTooltip(new Tooltip("Close this window; a running scan is cancelled"));
        close.setOnAction(e -> stage.close());
        Pane gap = new Pane();
        HBox.setHgrow(gap, Priority.ALWAYS);
        HBox buttons = new HBox(8, start, cancel, gap, close);

        VBox root = new VBox(10, hint, form, problem, bar, progress, table, buttons);
        root.setPadding(new Insets(12));
        root.getStyleClass().add("scan-dialog");
        root.setPrefWidth(720);
        Scene scene = new Scene(root);
        scene.getStylesheets().add(stylesheet);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.ESCAPE), () -> {
            if (model.stateProperty().get().busy()) {
                model.cancel();
            } else {
                stage.close();
            }
        });
        stage.setScene(scene);
        stage.setOnHidden(e -> model.close());
        stage.setOnShown(e -> (targets.getText().isBlank() ? targets : start).requestFocus());
    }

    private static TableColumn<ScanViewModel.Hit, String> column(String title,
            java.util.function.Function<ScanViewModel.Hit, String> value, double width) {
        TableColumn<ScanViewModel.Hit, String> c = new TableColumn<>(title);
        c.setCellValueFactory(f -> new javafx.beans.property.ReadOnlyStringWrapper(value.apply(f.getValue())));
        c.setPrefWidth(width);
        return c;
    }

    /** Shows the window (it does not wait for it to close). */
    public void show() {
        stage.show();
    }

    /** The window, to bring it to the front or close it. */
    public Stage stage() {
        return stage;
    }

    public ScanViewModel model() {
        return model;
    }
}

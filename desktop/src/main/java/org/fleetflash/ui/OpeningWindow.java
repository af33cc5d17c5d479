package org.fleetflash.ui;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.ToolBar;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;

/**
 * The window while FleetFlash starts (decision 0017): shown at once with what needs no I/O (the toolbar, its actions
 * disabled, the tabs, "Opening the history…" where the fleet will be, and the status bar), in its remembered place and
 * theme. When the history and the services are open it becomes the full {@link MainWindow} on the same stage; when
 * they cannot be opened it says why, its actions stay disabled and closing it ends FleetFlash.
 */
public final class OpeningWindow {

    /** What the table's place says while the history opens. */
    public static final String OPENING_TEXT = "Opening the history…";

    /**
     * How the window opens before its inputs are ready.
     *
     * @param title the window's title
     * @param theme the look the settings (or, before any were saved, the window's own file) name
     * @param place the window's remembered size and place, read off the FX thread
     */
    public record Look(String title, Theme theme, WindowSettings place) {
    }

    private final Stage stage;
    private final Label placeholder = new Label(OPENING_TEXT);
    private final Label message = new Label("Opening the history and starting the image server…");
    private final List<Button> actions;
    private MainWindow window;
    private String failure;

    private OpeningWindow(Stage stage) {
        this.stage = stage;
        this.actions = List.of(action("Add router…", null), action("Probe", "accent"), action("Scan…", null),
                action("Identify", null), action("Image…", null), action("Upgrade…", "success"), action("Cancel", null),
                action("Retry failed", null), action("Resume", null));
    }

    private static Button action(String text, String style) {
        Button b = new Button(text);
        b.setDisable(true);
        if (style != null) {
            b.getStyleClass().add(style);
        }
        return b;
    }

    /**
     * Shows {@code stage} at once as the opening window and turns it into the full window when {@code inputs} are
     * ready ({@code opened} is then told the window), or into a message when they failed. Call on the FX thread.
     */
    public static OpeningWindow show(Stage stage, Look look, CompletionStage<WindowInputs> inputs, Consumer<MainWindow> opened) {
        OpeningWindow w = new OpeningWindow(stage);
        look.theme().apply();
        stage.setTitle(look.title());
        stage.setScene(w.scene());
        look.place().place(stage);
        stage.show();
        inputs.whenComplete((in, failed) -> Platform.runLater(() -> w.ready(in, failed, opened)));
        return w;
    }

    private Scene scene() {
        ToolBar bar = new ToolBar();
        bar.getStyleClass().add("main-toolbar");
        bar.getItems().setAll(actions);
        placeholder.getStyleClass().add("opening-placeholder");
        Tab fleet = new Tab("Fleet", new StackPane(placeholder));
        Tab history = new Tab("History");
        Tab settings = new Tab("Settings");
        history.setDisable(true);
        settings.setDisable(true);
        TabPane tabs = new TabPane(fleet, history, settings);
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        message.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(message, Priority.ALWAYS);
        HBox status = new HBox(message);
        status.getStyleClass().add("status-bar");
        BorderPane root = new BorderPane(tabs, bar, null, status, null);
        root.getStyleClass().add("main-window");
        Scene scene = new Scene(root);
        scene.getStylesheets().add(Theme.APP_STYLESHEET);
        return scene;
    }

    private void ready(WindowInputs inputs, Throwable failed, Consumer<MainWindow> opened) {
        if (!stage.isShowing()) {
            return; // closed while it opened: the caller closes what was opened
        }
        if (failed != null) {
            Throwable cause = failed instanceof java.util.concurrent.CompletionException && failed.getCause() != null ? failed.getCause()
                    : failed;
            failure = "FleetFlash cannot start: " + org.fleetflash.core.text.Sanitize.line(String.valueOf(cause.getMessage()), 2000);
            placeholder.setText(failure);
            placeholder.setWrapText(true);
            message.setText("FleetFlash cannot start. Close this window; the reason is also in the log file.");
            return;
        }
        window = MainWindow.open(stage, inputs);
        opened.accept(window);
    }

    /** The full window once the inputs were ready, else empty. */
    public java.util.Optional<MainWindow> window() {
        return java.util.Optional.ofNullable(window);
    }

    /** Why the window could not open, when its inputs failed. */
    public java.util.Optional<String> failure() {
        return java.util.Optional.ofNullable(failure);
    }

    /** The opening window's actions (all disabled), for the tests. */
    public List<Button> actions() {
        return actions;
    }

    /** The status bar's text while it opens. */
    public String status() {
        return message.getText();
    }
}

package org.fleetflash.ui;

import java.util.List;
import java.util.Optional;
import javafx.fxml.FXML;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.fleetflash.agent.protocol.DeviceFacts;
import org.fleetflash.core.device.DeviceProber;
import org.fleetflash.core.device.SshOptions;
import org.fleetflash.ui.fleet.AddRouterDialog;
import org.fleetflash.ui.fleet.FleetView;
import org.fleetflash.ui.fleet.FleetViewModel;
import org.fleetflash.ui.fleet.LoginDialog;
import org.fleetflash.ui.fleet.RouterProber;
import org.fleetflash.ui.fleet.RouterRow;
import org.fleetflash.ui.history.HistoryView;
import org.fleetflash.ui.layout.FlashLayoutView;
import org.fleetflash.ui.scan.FleetMerge;
import org.fleetflash.ui.scan.IdentifyAction;
import org.fleetflash.ui.scan.ScanDialog;
import org.fleetflash.ui.scan.ScanTargets;
import org.fleetflash.ui.scan.ScanViewModel;
import org.fleetflash.ui.support.Background;
import org.fleetflash.ui.support.Views;

/**
 * The application's one window: the toolbar, the demo banner, the Fleet tab (the router table over the selected
 * router's flash layout), the History tab and the status bar. It wires the screens to their view models and owns
 * the background threads; closing it stops them (the services stay the caller's).
 */
public final class MainWindow implements AutoCloseable {

    private final WindowInputs inputs;
    private final Stage stage;
    private final WindowSettings settings;
    private final Background background = Background.threads("fleetflash-ui", 4);
    private final FleetViewModel fleet;
    private final FleetView fleetView;
    private final FlashLayoutView layoutView = new FlashLayoutView();
    private final HistoryView historyView;
    private final Scene scene;
    private final javafx.beans.value.ChangeListener<DeviceFacts> factsChanged = (o, was, now) -> showCurrentLayout();
    /** Scan and Identify (decision 0013): the scan starts and stops its job on a thread of its own, never queued behind probes. */
    private final Background scanBackground = Background.threads("fleetflash-ui-scan", 1);
    private final IdentifyAction identify;
    private ScanDialog scanDialog;

    @FXML
    private Button addButton;
    @FXML
    private Button probeButton;
    @FXML
    private ToggleButton darkToggle;
    @FXML
    private Label demoBanner;
    @FXML
    private TabPane tabs;
    @FXML
    private Tab historyTab;
    @FXML
    private StackPane fleetHolder;
    @FXML
    private ScrollPane layoutScroll;
    @FXML
    private StackPane historyHolder;
    @FXML
    private Label message;

    private MainWindow(Stage stage, WindowInputs inputs) {
        this.stage = stage;
        this.inputs = inputs;
        this.settings = WindowSettings.load(inputs.services().dataDirectory());
        DeviceProber prober = new DeviceProber(inputs.services().connector());
        RouterProber probe = (target, credentials, trust) ->
                prober.probe(target, credentials, SshOptions.DEFAULTS.withAcceptNewHostKey(trust), inputs.hostKeys()).facts();
        this.fleet = new FleetViewModel(probe, inputs.hostKeys(), inputs.history(), background);
        this.fleetView = new FleetView(fleet);
        this.historyView = new HistoryView(inputs.history(), background);
        org.fleetflash.core.device.RouterIdentify blinker = new org.fleetflash.core.device.RouterIdentify(inputs.services().connector());
        this.identify = new IdentifyAction(fleet, background, (target, credentials, trust, seconds, started) -> blinker.identify(target,
                credentials, SshOptions.DEFAULTS.withAcceptNewHostKey(trust), inputs.hostKeys(), seconds, started));
        Parent root = Views.load(this, "MainWindow.fxml");
        this.scene = new Scene(root);
        scene.getStylesheets().add(Theme.APP_STYLESHEET);
        installAccelerators();
    }

    /** Builds the window on {@code stage} and shows it; the table has the focus. Call on the FX thread. */
    public static MainWindow open(Stage stage, WindowInputs inputs) {
        MainWindow w = new MainWindow(stage, inputs);
        w.settings.theme().apply();
        w.darkToggle.setSelected(w.settings.theme() == Theme.DARK);
        stage.setTitle(inputs.demo() ? "FleetFlash — demo fleet" : "FleetFlash");
        stage.setScene(w.scene);
        w.settings.place(stage);
        stage.setOnHiding(e -> {
            w.settings.remember(stage);
            w.settings.save();
            w.close();
        });
        stage.show();
        w.fleetView.table().requestFocus();
        if (!w.fleetView.table().getItems().isEmpty()) {
            w.fleetView.table().getSelectionModel().selectFirst();
            w.fleetView.table().getFocusModel().focus(0);
        }
        return w;
    }

    @FXML
    private void initialize() {
        fleetHolder.getChildren().setAll(fleetView.root());
        layoutScroll.setContent(layoutView);
        historyHolder.getChildren().setAll(historyView);
        demoBanner.setVisible(inputs.demo());
        demoBanner.setManaged(inputs.demo());
        message.textProperty().bind(fleet.messageProperty());
        message.setTooltip(new Tooltip());
        message.getTooltip().textProperty().bind(fleet.messageProperty());
        fleet.currentProperty().addListener((o, was, now) -> follow(was, now));
        fleet.load(inputs.fleet());
        fleet.tell(inputs.fleet().isEmpty() ? "Add a router by its address (Ctrl+N), then probe it (Ctrl+P)."
                : inputs.fleet().size() + " routers listed. Check some (or highlight one) and press Probe (Ctrl+P).");
        historyView.refresh();
        tabs.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> {
            if (now == historyTab) {
                historyView.refresh();
            }
        });
    }

    private void installAccelerators() {
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.P, KeyCombination.SHORTCUT_DOWN), this::onProbe);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.N, KeyCombination.SHORTCUT_DOWN), this::onAdd);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F, KeyCombination.SHORTCUT_DOWN), this::onScan);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.I, KeyCombination.SHORTCUT_DOWN), this::onIdentify);
    }

    /** Draws the highlighted row's flash, and again whenever a probe gives that row new facts. */
    private void follow(RouterRow was, RouterRow now) {
        if (was != null) {
            was.factsProperty().removeListener(factsChanged);
        }
        if (now != null) {
            now.factsProperty().addListener(factsChanged);
        }
        showLayout(now);
    }

    private void showCurrentLayout() {
        showLayout(fleet.currentProperty().get());
    }

    private void showLayout(RouterRow row) {
        if (row == null) {
            layoutView.showNothing("Select a router to see its flash layout.");
            return;
        }
        DeviceFacts facts = row.factsProperty().get();
        if (facts == null) {
            layoutView.showNothing(row.address() + " has not been probed yet: probe it (Ctrl+P) to see its flash layout.");
            return;
        }
        String name = row.nameProperty().get();
        layoutView.show((name.isEmpty() ? "" : name + " ") + row.address(), facts, FleetViewModel.DEFAULT_LAYOUT);
    }

    @FXML
    void onAdd() {
        AddRouterDialog dialog = new AddRouterDialog(stage);
        dialog.showAndWait().ifPresent(fleet::add);
    }

    @FXML
    void onProbe() {
        List<RouterRow> rows = fleet.actionRows();
        if (rows.isEmpty()) {
            fleet.tell("Check the routers to probe, or highlight one, then press Probe.");
            return;
        }
        if (!haveLogin(rows)) {
            return;
        }
        fleet.probe(rows);
    }

    /** Asks for the session's login if none is kept yet (pre-filled from a demo router of {@code rows}); false if refused. */
    private boolean haveLogin(List<RouterRow> rows) {
        if (fleet.login().isEmpty()) {
            Optional<RouterRow> demo = rows.stream().filter(r -> r.demoUser().isPresent()).findFirst();
            LoginDialog dialog = new LoginDialog(stage, demo.flatMap(RouterRow::demoUser).orElse("root"),
                    demo.flatMap(RouterRow::demoPassword).orElse(""), inputs.demo());
            Optional<LoginDialog.Answer> answer = dialog.showAndWait();
            if (answer.isEmpty()) {
                return false;
            }
            fleet.useLogin(answer.get().credentials(), answer.get().trustNewHostKeys());
        }
        return true;
    }

    /** Opens the Scan window (or brings it forward), prefilled; nothing is scanned before its Start. */
    @FXML
    void onScan() {
        if (scanDialog != null && scanDialog.stage().isShowing()) {
            scanDialog.stage().toFront();
            return;
        }
        ScanViewModel model = new ScanViewModel(scanBackground, new FleetMerge(fleet));
        scanDialog = new ScanDialog(stage, model, Theme.APP_STYLESHEET);
        scanBackground.supply(() -> ScanTargets.suggest(inputs.fleet(), inputs.demo(), ScanTargets::laptopSubnets))
                .thenAcceptAsync(model::prefill, javafx.application.Platform::runLater);
        scanDialog.show();
    }

    /** Blinks the LED of the checked routers, or of the highlighted one. */
    @FXML
    void onIdentify() {
        List<RouterRow> rows = fleet.actionRows();
        if (rows.isEmpty()) {
            fleet.tell("Check the routers to identify, or highlight one, then press Identify.");
            return;
        }
        if (haveLogin(rows)) {
            identify.identify(rows);
        }
    }

    @FXML
    void onTheme() {
        Theme t = darkToggle.isSelected() ? Theme.DARK : Theme.LIGHT;
        t.apply();
        settings.theme(t);
    }

    /** The fleet's view model (for the tests and the screens that come later). */
    public FleetViewModel fleet() {
        return fleet;
    }

    /** The flash layout pane. */
    public FlashLayoutView layout() {
        return layoutView;
    }

    /** The History tab's content. */
    public HistoryView history() {
        return historyView;
    }

    /** Switches the theme as the toolbar's toggle does. */
    public void useTheme(Theme theme) {
        darkToggle.setSelected(theme == Theme.DARK);
        onTheme();
    }

    /** The Scan window last opened, if any (for the tests). */
    public Optional<ScanDialog> scanDialog() {
        return Optional.ofNullable(scanDialog);
    }

    /** The Identify action (for the tests: how long an LED blinks). */
    public IdentifyAction identifyAction() {
        return identify;
    }

    /** Stops the window's background threads and event pump; the application's services stay open. */
    @Override
    public void close() {
        if (scanDialog != null) {
            scanDialog.stage().hide();
            scanDialog.model().close();
        }
        identify.close();
        fleet.close();
        background.close();
        scanBackground.close();
    }
}

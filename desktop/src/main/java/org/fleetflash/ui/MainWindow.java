package org.fleetflash.ui;

import java.nio.file.Files;
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
import org.fleetflash.core.batch.BatchSettings;
import org.fleetflash.core.device.DeviceProber;
import org.fleetflash.core.device.SshOptions;
import org.fleetflash.core.settings.LocalInterfaces;
import org.fleetflash.core.settings.Settings;
import org.fleetflash.core.settings.SettingsStore;
import org.fleetflash.ui.fleet.AddRouterDialog;
import org.fleetflash.ui.fleet.FleetView;
import org.fleetflash.ui.fleet.FleetViewModel;
import org.fleetflash.ui.fleet.LoginDialog;
import org.fleetflash.ui.fleet.RouterProber;
import org.fleetflash.ui.fleet.RouterRow;
import org.fleetflash.ui.history.HistoryView;
import org.fleetflash.ui.layout.FlashLayoutView;
import org.fleetflash.ui.settings.SettingsView;
import org.fleetflash.ui.settings.SettingsViewModel;
import org.fleetflash.ui.scan.FleetMerge;
import org.fleetflash.ui.scan.IdentifyAction;
import org.fleetflash.ui.scan.ScanDialog;
import org.fleetflash.ui.scan.ScanTargets;
import org.fleetflash.ui.scan.ScanViewModel;
import org.fleetflash.ui.support.Background;
import org.fleetflash.ui.support.Views;
import org.fleetflash.ui.upgrade.ConfirmSheet;
import org.fleetflash.ui.upgrade.UpgradeViewModel;
import org.fleetflash.ui.upgrade.Upgrades;

/**
 * The application's one window: the toolbar, the demo banner, the Fleet tab (the router table over the selected
 * router's flash layout), the History tab, the Settings tab and the status bar. It wires the screens to their view models and owns
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
    private final org.fleetflash.ui.layout.BlockGrid blockGrid = new org.fleetflash.ui.layout.BlockGrid();
    private final org.fleetflash.ui.batch.ThroughputChart chart = new org.fleetflash.ui.batch.ThroughputChart();
    /** Samples the server's rate for the chart and refreshes the totals and the log while a batch runs. */
    private final javafx.animation.Timeline ticker = new javafx.animation.Timeline();
    private long logShown = -2;
    /** Built when the History tab is first selected (decision 0017): nothing of it is needed for the first frame. */
    private HistoryView historyView;
    private final UpgradeViewModel upgrades;
    /** How the window asks for an image file: a file chooser, or a test's answer. */
    private ImagePicker imagePicker = this::pickImageFile;
    private final SettingsViewModel settingsModel;
    /** Built when the Settings tab is first selected (decision 0017). */
    private SettingsView settingsView;
    private final Scene scene;
    /** Where the login and the confirmation sheet show: inside the window. */
    private final org.fleetflash.ui.support.SheetHost sheets;
    private final javafx.beans.value.ChangeListener<DeviceFacts> factsChanged = (o, was, now) -> showCurrentLayout();
    /** Scan and Identify (decision 0015): the scan starts and stops its job on a thread of its own, never queued behind probes. */
    private final Background scanBackground = Background.threads("fleetflash-ui-scan", 1);
    private final IdentifyAction identify;
    private ScanDialog scanDialog;

    @FXML
    private Button addButton;
    @FXML
    private Button probeButton;
    @FXML
    private Label imageLabel;
    @FXML
    private Button upgradeButton;
    @FXML
    private Button cancelButton;
    @FXML
    private Button retryButton;
    @FXML
    private Button resumeButton;
    @FXML
    private Label batchTotals;
    @FXML
    private StackPane chartHolder;
    @FXML
    private Tab logTab;
    @FXML
    private javafx.scene.control.TextArea routerLog;
    @FXML
    private ToggleButton darkToggle;
    @FXML
    private Label demoBanner;
    @FXML
    private TabPane tabs;
    @FXML
    private Tab historyTab;
    @FXML
    private Tab settingsTab;
    @FXML
    private StackPane fleetHolder;
    @FXML
    private ScrollPane layoutScroll;
    @FXML
    private StackPane historyHolder;
    @FXML
    private StackPane settingsHolder;
    @FXML
    private Label message;
    @FXML
    private javafx.scene.layout.VBox bottomBox;
    /** The notifications' strip above the status bar. */
    private final org.fleetflash.ui.batch.UpgradeNotifier notifier = new org.fleetflash.ui.batch.UpgradeNotifier();

    private MainWindow(Stage stage, WindowInputs inputs) {
        this.stage = stage;
        this.inputs = inputs;
        this.settings = WindowSettings.load(inputs.services().dataDirectory());
        this.settingsModel = new SettingsViewModel(inputs.store(), inputs.services().dataDirectory(), carryOverTheme(inputs, settings),
                LocalInterfaces.SYSTEM, background);
        DeviceProber prober = new DeviceProber(inputs.services().connector());
        RouterProber probe = (target, credentials, trust) -> prober.probe(target, credentials,
                settingsModel.engine().ssh(SshOptions.DEFAULTS.withAcceptNewHostKey(trust)), inputs.hostKeys()).facts();
        this.fleet = new FleetViewModel(probe, inputs.hostKeys(), inputs.history(), background);
        this.fleetView = new FleetView(fleet);
        this.upgrades = new UpgradeViewModel(new Upgrades(inputs.services(), inputs.records(), settingsModel::engine), fleet);
        org.fleetflash.core.device.RouterIdentify blinker = new org.fleetflash.core.device.RouterIdentify(inputs.services().connector());
        this.identify = new IdentifyAction(fleet, background, (target, credentials, trust, seconds, started) -> blinker.identify(target,
                credentials, SshOptions.DEFAULTS.withAcceptNewHostKey(trust), inputs.hostKeys(), seconds, started));
        Parent root = Views.load(this, "MainWindow.fxml");
        // the login and the confirmation sheet show inside the window, over its dimmed content (decision 0030)
        StackPane layer = new StackPane(root);
        this.sheets = new org.fleetflash.ui.support.SheetHost(layer);
        this.scene = new Scene(layer);
        scene.getStylesheets().add(Theme.APP_STYLESHEET);
        org.fleetflash.ui.batch.UpgradeNotifier.styleFor(scene);
        notifier.dismissOnEscape(scene);
        installAccelerators();
        installRemove();
    }

    /**
     * Remove from the list: the Delete key on the fleet table, and the table's context menu (the filter field keeps its
     * Delete for its text).
     */
    private void installRemove() {
        // no accelerator on the item: JavaFX would make it the whole window's, and Delete in the filter field would remove
        javafx.scene.control.MenuItem remove = new javafx.scene.control.MenuItem("Remove from the list… (Delete)");
        remove.setId("removeRouters");
        remove.setOnAction(e -> onRemove());
        javafx.scene.control.MenuItem forget = new javafx.scene.control.MenuItem("Forget host key…");
        forget.setId("forgetHostKey");
        forget.setOnAction(e -> onForgetHostKey());
        fleetView.table().setContextMenu(new javafx.scene.control.ContextMenu(forget, new javafx.scene.control.SeparatorMenuItem(),
                remove));
        fleetView.table().addEventHandler(javafx.scene.input.KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() == KeyCode.DELETE && !e.isShortcutDown() && !e.isAltDown() && !e.isShiftDown()) {
                e.consume();
                onRemove();
            }
        });
    }

    /** Builds the window on {@code stage} and shows it; the table has the focus. Call on the FX thread. */
    public static MainWindow open(Stage stage, WindowInputs inputs) {
        MainWindow w = new MainWindow(stage, inputs);
        Theme theme = Theme.of(w.settingsModel.applied().get().theme());
        theme.apply();
        w.darkToggle.setSelected(theme == Theme.DARK);
        stage.setTitle(inputs.demo() ? "FleetFlash — demo fleet" : "FleetFlash");
        stage.setScene(w.scene);
        w.settings.place(stage);
        stage.setOnCloseRequest(w::onCloseRequest);
        stage.setOnHiding(e -> {
            w.settings.remember(stage);
            w.settings.save();
            w.close();
        });
        // styled and laid out at its size before it shows, the window's first frame only draws: under load its styles
        // and layout, done in that first frame, held the shown but still blank window for 100 to 150 ms (ui-bench)
        javafx.scene.Parent root = w.scene.getRoot();
        root.applyCss();
        if (!stage.isMaximized()) {
            root.resize(stage.getWidth(), stage.getHeight());
            root.layout();
        }
        stage.show();
        w.prepareSheetAhead();
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
        blockGrid.setVisible(false);
        blockGrid.setManaged(false);
        // while a router upgrades, its erase blocks come first; the layout (with the image over it) follows
        javafx.scene.layout.VBox flash = new javafx.scene.layout.VBox(8, blockGrid, layoutView);
        layoutScroll.setContent(flash);
        chartHolder.getChildren().setAll(chart);
        upgrades.imageProperty().addListener((o, was, now) -> showCurrentLayout());
        bottomBox.getChildren().add(0, notifier.root());
        org.fleetflash.core.upgrade.FailureAdvice advice = org.fleetflash.core.upgrade.FailureAdvice.forLocale(java.util.Locale.getDefault());
        upgrades.setOnEnded((row, result) -> {
            String who = row.nameProperty().get().isEmpty() ? row.address() : row.nameProperty().get();
            if (result.outcome() == org.fleetflash.core.upgrade.Outcome.SUCCEEDED
                    && result.code() != org.fleetflash.core.upgrade.FailureCode.UP_TO_DATE) {
                notifier.upgraded(who, row.firmwareProperty().get());
            } else if (result.outcome() == org.fleetflash.core.upgrade.Outcome.NEEDS_ATTENTION) {
                notifier.needsAttention(who, advice.whatToDo(result.code()));
            }
            if (row == fleet.currentProperty().get()) {
                showCurrentLayout();
            }
        });
        upgrades.runningProperty().addListener((o, was, now) -> {
            if (now) {
                chart.clear();
                chartHolder.setManaged(true);
                chartHolder.setVisible(true);
                ticker.play();
                showCurrentLayout();
            } else {
                ticker.stop();
                tick();
            }
        });
        ticker.getKeyFrames().setAll(new javafx.animation.KeyFrame(javafx.util.Duration.millis(500), e -> tick()));
        ticker.setCycleCount(javafx.animation.Animation.INDEFINITE);
        logTab.setOnSelectionChanged(e -> showLog());
        settingsModel.onTheme(a -> {
            Theme.of(a).apply();
            darkToggle.setSelected(a == Settings.Appearance.DARK);
        });
        settingsModel.applied().addListener((o, was, now) -> {
            if (was != null && (!was.user().equals(now.user()) || !was.identityFile().equals(now.identityFile()))) {
                fleet.forgetLogin(); // the next probe asks with the new user or key
            }
        });
        demoBanner.setVisible(inputs.demo());
        demoBanner.setManaged(inputs.demo());
        message.textProperty().bind(fleet.messageProperty());
        message.setTooltip(new Tooltip());
        message.getTooltip().textProperty().bind(fleet.messageProperty());
        fleet.currentProperty().addListener((o, was, now) -> follow(was, now));
        fleet.load(inputs.fleet());
        fleet.tell(inputs.fleet().isEmpty() ? "Add a router by its address (Ctrl+N), then probe it (Ctrl+P)."
                : inputs.fleet().size() + (inputs.fleet().size() == 1 ? " router" : " routers") + " listed. Check some (or highlight one)"
                        + " and press Probe (Ctrl+P).");
        int interrupted = inputs.records().interruptedAtOpen();
        if (interrupted > 0) {
            fleet.tell(interrupted + (interrupted == 1 ? " upgrade was" : " upgrades were") + " interrupted and not checked yet:"
                    + " press Resume (Alt+M) to check " + (interrupted == 1 ? "it on its router." : "them on their routers."));
        }
        if (!inputs.settings().notes().isEmpty()) {
            fleet.tell(inputs.settings().notes().get(0) + " See the Settings tab.");
        }
        // after a batch the History tab reads the file again only if it was built and shows; selecting it reads it anyway
        upgrades.setAfterBatch(() -> {
            if (historyView != null && historyTab.isSelected()) {
                historyView.refresh();
            }
        });
        imageLabel.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(this::imageText, upgrades.imageProperty(),
                upgrades.readingImageProperty()));
        imageLabel.setTooltip(new Tooltip());
        imageLabel.getTooltip().textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(this::imageDetail,
                upgrades.imageProperty()));
        // a batch and a resume check never work on routers at the same time: a check cleans up what it finds staged
        javafx.beans.binding.BooleanBinding working = upgrades.runningProperty().or(upgrades.resumingProperty());
        upgradeButton.disableProperty().bind(working);
        retryButton.disableProperty().bind(working);
        resumeButton.disableProperty().bind(working);
        cancelButton.disableProperty().bind(upgrades.runningProperty().not());
        batchTotals.textProperty().bind(upgrades.totalsProperty());
        tabs.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> {
            if (now == historyTab && historyView != null) {
                historyView.refresh();
            } else if (now == historyTab) {
                history(); // built and read for the first time
            } else if (now == settingsTab) {
                settingsView();
            }
        });
    }

    private void installAccelerators() {
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.P, KeyCombination.SHORTCUT_DOWN), this::onProbe);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.N, KeyCombination.SHORTCUT_DOWN), this::onAdd);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F, KeyCombination.SHORTCUT_DOWN), this::onScan);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.I, KeyCombination.SHORTCUT_DOWN), this::onIdentify);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN), this::onChooseImage);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.U, KeyCombination.SHORTCUT_DOWN), this::onUpgrade);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.R, KeyCombination.SHORTCUT_DOWN), this::onRetry);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.PERIOD, KeyCombination.SHORTCUT_DOWN), this::onCancel);
        // an image file dropped anywhere on the window becomes the image
        scene.setOnDragOver(e -> {
            if (e.getDragboard().hasFiles() && e.getDragboard().getFiles().size() == 1) {
                e.acceptTransferModes(javafx.scene.input.TransferMode.COPY);
            }
            e.consume();
        });
        scene.setOnDragDropped(e -> {
            boolean ok = e.getDragboard().hasFiles() && e.getDragboard().getFiles().size() == 1;
            if (ok) {
                upgrades.chooseImage(e.getDragboard().getFiles().get(0).toPath());
            }
            e.setDropCompleted(ok);
            e.consume();
        });
    }

    private String imageText() {
        if (upgrades.readingImageProperty().get()) {
            return "Reading the image…";
        }
        org.fleetflash.core.upgrade.ImageFile f = upgrades.imageProperty().get();
        if (f == null) {
            return "No image chosen";
        }
        return org.fleetflash.core.text.Sanitize.line(f.path().getFileName().toString(), 60) + " · "
                + org.fleetflash.ui.support.ByteSizes.human(f.size()) + f.arch().map(a -> " · " + a).orElse("")
                + (f.recognised() ? " ✓" : " · not recognised ✗");
    }

    private String imageDetail() {
        org.fleetflash.core.upgrade.ImageFile f = upgrades.imageProperty().get();
        return f == null ? "Choose the firmware image (Ctrl+O), or drop its file on the window."
                : org.fleetflash.core.text.Sanitize.line(f.path().toString(), 200) + "\n" + UpgradeViewModel.describe(f) + "\nSHA-256 "
                        + f.sha256();
    }

    /** How the window asks for an image file (a test answers without a native file dialog). */
    @FunctionalInterface
    public interface ImagePicker {
        /** The chosen file, or empty when the technician cancelled. */
        Optional<java.nio.file.Path> pick();
    }

    /** Replaces the file chooser of {@code Image…} (for the tests). */
    public void useImagePicker(ImagePicker picker) {
        this.imagePicker = java.util.Objects.requireNonNull(picker, "picker");
    }

    private Optional<java.nio.file.Path> pickImageFile() {
        javafx.stage.FileChooser chooser = new javafx.stage.FileChooser();
        chooser.setTitle("Choose the firmware image");
        java.nio.file.Path demoImages = org.fleetflash.core.settings.DataDirectory.forThisUser(Optional.of(inputs.services().dataDirectory()))
                .demoImages();
        if (inputs.demo() && java.nio.file.Files.isDirectory(demoImages)) {
            chooser.setInitialDirectory(demoImages.toFile()); // the demo's ready-made images
        }
        chooser.getExtensionFilters().addAll(new javafx.stage.FileChooser.ExtensionFilter("Firmware images", "*.bin", "*.img", "*.trx",
                "*.ubi"), new javafx.stage.FileChooser.ExtensionFilter("All files", "*"));
        return Optional.ofNullable(chooser.showOpenDialog(stage)).map(java.io.File::toPath);
    }

    @FXML
    void onChooseImage() {
        imagePicker.pick().ifPresent(upgrades::chooseImage);
    }

    /** Asks for the session's login if none was given yet; false when the technician cancelled. */
    private boolean ensureLogin(List<RouterRow> rows) {
        if (fleet.login().isPresent()) {
            return true;
        }
        Optional<RouterRow> demo = rows.stream().filter(r -> r.demoUser().isPresent()).findFirst();
        Settings in = settingsModel.applied().get();
        Optional<org.fleetflash.core.device.Credentials> again = fleet.loginToOfferAgain(); // the same login, to tick Trust
        String user = again.map(org.fleetflash.core.device.Credentials::user).orElse(demo.flatMap(RouterRow::demoUser).orElse(in.user()));
        String secret = again.isPresent() ? again.get() instanceof org.fleetflash.core.device.Credentials.Password p
                ? new String(p.password()) : "" : in.identityFile().isPresent() ? "" : demo.flatMap(RouterRow::demoPassword).orElse("");
        LoginDialog dialog = loginDialog().fill(user, secret, inputs.demo(), in.identityFile());
        Optional<LoginDialog.Answer> answer = dialog.showAndWait();
        answer.ifPresent(a -> fleet.useLogin(a.credentials(), a.trustNewHostKeys()));
        return answer.isPresent();
    }

    @FXML
    void onUpgrade() {
        confirmAndStart(fleet.actionRows(), "Check the routers to upgrade, or highlight one, then press Upgrade.");
    }

    @FXML
    void onRetry() {
        confirmAndStart(upgrades.failedRows(), "No router of the last batch was left untouched for a reason that may pass.");
    }

    /** Opens the confirmation sheet for {@code rows} (their pre-flight runs as it opens) and starts what it confirms. */
    private void confirmAndStart(List<RouterRow> rows, String whenNone) {
        if (upgrades.runningProperty().get()) {
            fleet.tell("A batch is running: wait for it to end, or cancel it (Ctrl+.), before starting another.");
            return;
        }
        if (upgrades.resumingProperty().get()) {
            fleet.tell("Interrupted upgrades are being checked: start the batch once Resume has ended.");
            return;
        }
        org.fleetflash.core.upgrade.ImageFile image = upgrades.imageProperty().get();
        if (image == null) {
            fleet.tell("Choose the firmware image first (Image…, Ctrl+O, or drop its file on the window).");
            return;
        }
        if (rows.isEmpty()) {
            fleet.tell(whenNone);
            return;
        }
        if (!ensureLogin(rows)) {
            return;
        }
        ConfirmSheet sheet = sheet();
        sheet.fill(rows, image, Upgrades.LAYOUT, batchDefaults());
        // the pre-flights start once the sheet's first frame is drawn: their logins (many at once, each a key exchange)
        // then do not compete for the CPU with the sheet's first styles and layout (ui-bench, on 2 cores); the frames
        // are the application's, counted on this window's scene, which shows them all
        sheet.setOnShown(() -> org.fleetflash.ui.support.Frames.afterFrames(scene, 2, () -> {
            if (!sheet.isShowing()) {
                return;
            }
            for (ConfirmSheet.Item item : sheet.items()) {
                upgrades.preflight(item.row(), image).whenCompleteAsync((result, failure) -> {
                    if (failure == null) {
                        item.resultProperty().set(result);
                        if (result.code() == org.fleetflash.core.upgrade.FailureCode.HOST_KEY_UNKNOWN) {
                            fleet.askTrustAgain(); // the next Upgrade asks for the login, where Trust can be ticked
                        }
                    }
                }, javafx.application.Platform::runLater);
            }
        }));
        openSheet = sheet;
        Optional<ConfirmSheet.Decision> decision = sheet.showAndWait();
        openSheet = null;
        decision.ifPresent(d -> upgrades.start(d.routers(), image, d.settings()));
    }

    private ConfirmSheet openSheet;
    /** The window's confirmation sheet, made at its first use or ahead ({@link #prepareSheetAhead}), then shown again. */
    private ConfirmSheet sheet;

    private ConfirmSheet sheet() {
        if (sheet == null) {
            sheet = new ConfirmSheet(sheets);
        }
        return sheet;
    }

    /** The window's login dialog, made at its first use or ahead ({@link #prepareSheetAhead}), then shown again. */
    private LoginDialog login;

    private LoginDialog loginDialog() {
        if (login == null) {
            login = new LoginDialog(sheets);
        }
        return login;
    }

    /** How long after the window opened the confirmation sheet is prepared: after the window's own first frames. */
    private static final javafx.util.Duration SHEET_AHEAD_AFTER = javafx.util.Duration.seconds(1);

    /**
     * Makes the confirmation sheet and the login dialog and does the work of their first show ahead, one step per
     * frame, a moment after the window opened: without it the first Upgrade held the window for 150 to 250 ms while
     * JavaFX styled and laid out a new dialog (ui-bench). The flash layout's nodes and styles are made ahead the same way.
     */
    private void prepareSheetAhead() {
        javafx.animation.PauseTransition wait = new javafx.animation.PauseTransition(SHEET_AHEAD_AFTER);
        wait.setOnFinished(e -> {
            if (!stage.isShowing()) {
                return; // closed meanwhile
            }
            java.util.Queue<Runnable> steps = new java.util.ArrayDeque<>();
            steps.add(() -> steps.addAll(sheet().preparation()));
            steps.add(() -> steps.addAll(loginDialog().preparation())); // the first Upgrade asks for the login first
            steps.addAll(layoutView.preparation()); // the first layout drawn, often mid-batch, held the window as long

            org.fleetflash.ui.support.Frames.onePerFrame(steps);
        });
        wait.play();
    }

    /** The confirmation sheet while it is open (for the tests). */
    public Optional<ConfirmSheet> confirmSheet() {
        return Optional.ofNullable(openSheet);
    }

    /** The login while it is open (for the tests: once prepared, its hidden nodes are in the window too). */
    public Optional<LoginDialog> openLogin() {
        return login != null && login.isShowing() ? Optional.of(login) : Optional.empty();
    }

    @FXML
    void onCancel() {
        upgrades.cancel();
    }

    @FXML
    void onResume() {
        List<RouterRow> rows = fleet.allRows();
        if (ensureLogin(rows)) {
            upgrades.resumeInterrupted();
        }
    }

    /**
     * Closing while a batch runs asks first; if the technician confirms, the routers before their reroot are cancelled
     * and undone, and the window closes once only routers past the point of no return are left (they finish on their
     * own; the next start offers to check them with Resume).
     */
    private void onCloseRequest(javafx.stage.WindowEvent e) {
        sheets.cancelOpen(); // a login or a confirmation left open is answered "Cancel"
        if (!upgrades.runningProperty().get()) {
            return;
        }
        e.consume();
        if (confirmed("closeConfirm", "A batch is running", "Cancel the batch and close?", "Closing FleetFlash cancels the routers"
                + " that have not reached their reroot: they are left as they were. Routers past it finish on their own: do not"
                + " power them off, and press Resume at the next start to check them.", true)) {
            upgrades.cancelThen(stage::close);
        }
    }

    /**
     * Asks the technician to confirm, with OK and Cancel, in a dialog over the window (its pane's id is {@code id}, for the
     * tests); {@code okByDefault} false makes Cancel the button Enter presses, for what is never to be done by accident.
     */
    private boolean confirmed(String id, String title, String question, String text, boolean okByDefault) {
        javafx.scene.control.Alert ask = new javafx.scene.control.Alert(javafx.scene.control.Alert.AlertType.CONFIRMATION, text,
                javafx.scene.control.ButtonType.OK, javafx.scene.control.ButtonType.CANCEL);
        ask.initOwner(stage);
        ask.setTitle(title);
        ask.setHeaderText(question);
        ask.getDialogPane().setId(id);
        if (!okByDefault) {
            ((javafx.scene.control.Button) ask.getDialogPane().lookupButton(javafx.scene.control.ButtonType.OK)).setDefaultButton(false);
            ((javafx.scene.control.Button) ask.getDialogPane().lookupButton(javafx.scene.control.ButtonType.CANCEL)).setDefaultButton(true);
        }
        return ask.showAndWait().filter(b -> b == javafx.scene.control.ButtonType.OK).isPresent();
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

    /** Twice a second while a batch runs: the chart's sample, the totals with the rate now, the highlighted router's log. */
    private void tick() {
        chart.add(java.time.Instant.now(), upgrades.throughputNow());
        upgrades.refreshTotals();
        showLog();
    }

    /** The highlighted router's upgrade log, redrawn only when it has new lines and the Log tab shows. */
    private void showLog() {
        if (!logTab.isSelected()) {
            return;
        }
        RouterRow row = fleet.currentProperty().get();
        java.util.Map.Entry<Long, List<String>> log = row == null ? java.util.Map.entry(-1L, List.<String>of()) : upgrades.logOf(row);
        if (log.getKey() == logShown && row != null) {
            return;
        }
        logShown = log.getKey();
        routerLog.setText(log.getValue().isEmpty() ? (row == null ? "Select a router to see its upgrade log."
                : "No upgrade of " + row.address() + " in this session. Earlier ones are in the History tab.")
                : String.join("\n", log.getValue()));
        routerLog.positionCaret(routerLog.getLength());
    }

    private void showLayout(RouterRow row) {
        logShown = -2;
        showLog();
        java.util.Optional<org.fleetflash.ui.layout.BlockProgress> blocks = row == null ? java.util.Optional.empty()
                : upgrades.blocksOf(row);
        blockGrid.follow(blocks.orElse(null));
        blockGrid.setVisible(blocks.isPresent());
        blockGrid.setManaged(blocks.isPresent());
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
        String title = (name.isEmpty() ? "" : name + " ") + row.address();
        blockGrid.setTitle(title);
        org.fleetflash.core.upgrade.ImageFile image = upgrades.imageProperty().get();
        if (image == null) {
            layoutView.show(title, facts, FleetViewModel.DEFAULT_LAYOUT);
        } else {
            layoutView.showWithImage(title, facts, FleetViewModel.DEFAULT_LAYOUT, image.path().getFileName().toString(), image.size());
        }
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
        List<RouterRow> free = notBusy(rows, "probe");
        if (!free.isEmpty() && ensureLogin(free)) {
            fleet.probe(free);
            tellSkipped(rows.size() - free.size());
        }
    }

    /**
     * {@code rows} without those whose router an upgrade or a resume check works on now: a probe or an identify there
     * would race it on the router (and a router that reroots or flashes does not answer, which its row would then
     * show instead of the upgrade's progress). When none is left, says so.
     */
    private List<RouterRow> notBusy(List<RouterRow> rows, String action) {
        List<RouterRow> free = rows.stream().filter(r -> !upgrades.busy(r)).toList();
        if (free.isEmpty()) {
            fleet.tell((rows.size() == 1 ? rows.get(0).address() + " is" : "These routers are") + " being upgraded or checked: "
                    + action + " " + (rows.size() == 1 ? "it" : "them") + " once " + (rows.size() == 1 ? "its row shows" : "their rows show")
                    + " the outcome.");
        }
        return free;
    }

    private void tellSkipped(int skipped) {
        if (skipped > 0) {
            fleet.tell(fleet.messageProperty().get() + " " + skipped + (skipped == 1 ? " router was" : " routers were")
                    + " left out: an upgrade or a check works on " + (skipped == 1 ? "it" : "them") + " now.");
        }
    }

    /**
     * Takes the checked routers, or the highlighted one, off the fleet list once the technician confirms: their upgrades
     * stay in the history, and a router added, found, probed or upgraded again is listed again. A router an upgrade or
     * a resume check works on now stays, and so do the demo fleet's (the demo lists them at every start).
     */
    void onRemove() {
        List<RouterRow> rows = fleet.actionRows();
        if (rows.isEmpty()) {
            fleet.tell("Check the routers to remove from the list, or highlight one, then press Delete.");
            return;
        }
        List<RouterRow> removable = rows.stream().filter(r -> r.demoUser().isEmpty()).toList();
        if (removable.isEmpty()) {
            fleet.tell("The demo fleet's routers are listed at every start of the demo: only routers you added or a scan found"
                    + " can be removed from the list.");
            return;
        }
        List<RouterRow> free = notBusy(removable, "remove");
        if (free.isEmpty()) {
            return;
        }
        String which = free.size() == 1 ? free.get(0).address() : free.size() + " routers";
        if (confirmed("removeConfirm", "Remove from the list", "Remove " + which + " from the list?", (free.size() == 1 ? "It is"
                : "They are") + " no longer listed, here or at the next start, until " + (free.size() == 1 ? "it is" : "they are")
                + " added, found by a scan, probed or upgraded again. Nothing is sent to " + (free.size() == 1 ? "the router"
                : "the routers") + ", and " + (free.size() == 1 ? "its" : "their") + " upgrades stay in the history.", true)) {
            fleet.remove(free);
            tellSkipped(removable.size() - free.size());
            if (removable.size() < rows.size()) {
                fleet.tell(fleet.messageProperty().get() + " The demo fleet's routers stay: they are listed at every start of"
                        + " the demo.");
            }
        }
    }

    /**
     * Forgets the pinned host key of the checked routers, or of the highlighted one, once the technician confirms that
     * the new key is the router's own: the way out of a refused changed key (a reinstalled or replaced router) without
     * leaving the window, which holds the data directory the command would need.
     */
    void onForgetHostKey() {
        List<RouterRow> rows = fleet.actionRows();
        if (rows.isEmpty()) {
            fleet.tell("Check the routers whose host key to forget, or highlight one, then choose Forget host key.");
            return;
        }
        List<RouterRow> free = notBusy(rows, "forget the host key of");
        if (free.isEmpty()) {
            return;
        }
        String which = free.size() == 1 ? free.get(0).address() : free.size() + " routers";
        if (confirmed("forgetConfirm", "Forget host key", "Forget the pinned host key of " + which + "?", "Do this only after"
                + " checking the key " + (free.size() == 1 ? "the router presents" : "each router presents") + " now on the router"
                + " itself (from its console: ssh-keygen -lf /etc/ssh/ssh_host_ecdsa_key.pub): a changed key can also mean that"
                + " someone intercepts the connection. The next probe or upgrade pins the key it presents then, if you tick Trust a"
                + " router seen for the first time. The old key stays in the history.", false)) {
            fleet.forgetHostKeys(free);
            tellSkipped(rows.size() - free.size());
        }
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
        List<RouterRow> free = notBusy(rows, "identify");
        if (!free.isEmpty() && ensureLogin(free)) {
            identify.identify(free);
            tellSkipped(rows.size() - free.size());
        }
    }

    @FXML
    void onTheme() {
        Theme t = darkToggle.isSelected() ? Theme.DARK : Theme.LIGHT;
        t.apply();
        settingsModel.useTheme(t.appearance());
    }

    /** The settings read at the start; while none were ever saved, with the theme the window kept before. */
    private static SettingsStore.Loaded carryOverTheme(WindowInputs inputs, WindowSettings window) {
        SettingsStore.Loaded loaded = inputs.settings();
        if (Files.exists(inputs.services().dataDirectory().resolve(SettingsStore.SETTINGS_FILE))) {
            return loaded;
        }
        return new SettingsStore.Loaded(loaded.settings().withTheme(window.theme().appearance()), loaded.notes());
    }

    /** The fleet's view model (for the tests and the screens that come later). */
    public FleetViewModel fleet() {
        return fleet;
    }

    /** The Settings tab's view model: the settings in use ({@code applied()}), Apply and Revert. */
    public SettingsViewModel settings() {
        return settingsModel;
    }

    /** A batch's defaults from the settings in use, for the upgrade flow. */
    public BatchSettings batchDefaults() {
        return settingsModel.batchDefaults();
    }

    /** The Settings tab's controls, built now if its tab was never selected (call on the FX thread). */
    public SettingsView settingsView() {
        if (settingsView == null) {
            settingsView = new SettingsView(settingsModel);
            settingsHolder.getChildren().setAll(settingsView.root());
        }
        return settingsView;
    }

    /** The flash layout pane. */
    public FlashLayoutView layout() {
        return layoutView;
    }

    /** The upgrades' view model (for the tests). */
    public UpgradeViewModel upgrades() {
        return upgrades;
    }

    /** The erase-block grid under the flash layout. */
    public org.fleetflash.ui.layout.BlockGrid blockGrid() {
        return blockGrid;
    }

    /** The History tab's content, built now if its tab was never selected (call on the FX thread). */
    public HistoryView history() {
        if (historyView == null) {
            historyView = new HistoryView(inputs.history(), background);
            historyHolder.getChildren().setAll(historyView);
            historyView.refresh();
        }
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
        ticker.stop();
        blockGrid.follow(null);
        upgrades.close();
        if (scanDialog != null) {
            scanDialog.stage().hide();
            scanDialog.model().close();
        }
        identify.close();
        fleet.close();
        settingsModel.finishSaving(SETTINGS_SAVE_AT_CLOSE); // a few bytes, before the threads that write them stop
        background.close();
        scanBackground.close();
    }

    /** How long closing waits at most for the settings still being saved. */
    private static final java.time.Duration SETTINGS_SAVE_AT_CLOSE = java.time.Duration.ofSeconds(2);
}

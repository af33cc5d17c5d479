package org.fleetflash.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javafx.application.Application;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.fleetflash.agent.sim.Profile;
import org.fleetflash.agent.sim.Shell;
import org.fleetflash.agent.sim.SimFleet;
import org.fleetflash.agent.sim.SimRouter;
import org.fleetflash.cli.WindowLauncher;
import org.fleetflash.core.batch.BatchSettings;
import org.fleetflash.core.device.SshOptions;
import org.fleetflash.core.device.SshTarget;
import org.fleetflash.core.settings.DataDirectory;
import org.fleetflash.core.settings.LocalInterfaces;
import org.fleetflash.core.settings.SettingKey;
import org.fleetflash.core.settings.SettingsStore;
import org.fleetflash.server.ftp.ImageServer;
import org.fleetflash.server.ftp.PassivePorts;
import org.fleetflash.ui.fleet.KnownRouter;
import org.fleetflash.ui.fleet.RouterRow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The Settings tab on a real simulated router (real SSH, password and key login) with the window opened as the
 * application opens it ({@link WindowLauncher#open}): settings applied are saved without any password, come back at
 * the next start and are used there (the login's user and key, the image server's address and ports); a bad passive
 * range is shown and not saved; the tab fits a 1366×768 screen and is walked in order with Tab. Loopback 127.0.53.x.
 */
@ExtendWith(ApplicationExtension.class)
class SettingsWindowIT {

    static final String ROUTER = "127.0.53.1";
    static final int SSH_PORT = 2253;
    static final String BIND = "127.0.53.200";
    static final int FTP_PORT = 2153;
    static final String PASSWORD = "Typed-Secret-4711";

    @TempDir
    static Path home;
    static SimFleet sim;
    static Path key;

    private Stage stage;
    private WindowLauncher.Session session;
    private MainWindow window;

    @BeforeAll
    static void startRouter() throws Exception {
        key = home.resolve("id_ed25519");
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "settings-it", "-f", key.toString())
                .redirectErrorStream(true).start();
        assertThat(keygen.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(keygen.exitValue()).isZero();
        Path authorized = home.resolve("authorized_keys");
        Files.copy(home.resolve("id_ed25519.pub"), authorized);
        sim = SimFleet.start(home.resolve("sim"), new SimFleet.Spec(Profile.load("generic-16m"), Shell.DASH, 1, ROUTER, SSH_PORT,
                SimFleet.Vary.ADDRESS, Optional.of(PASSWORD), Optional.of(authorized)));
    }

    @AfterAll
    static void stopRouter() throws Exception {
        if (sim != null) {
            sim.close();
        }
    }

    @Start
    void start(Stage stage) {
        this.stage = stage;
    }

    @AfterEach
    void closeWindow(FxRobot robot) throws Exception {
        robot.interact(() -> {
            if (window != null) {
                window.useTheme(Theme.LIGHT);
                stage.hide();
            }
        });
        if (session != null) {
            session.close();
        }
        window = null;
        session = null;
    }

    @Test
    void appliedSettingsAreSavedComeBackAtTheNextStartAndAreUsed(FxRobot robot) throws Exception {
        Path dir = home.resolve("applied");
        open(robot, dir);
        robot.clickOn("Settings");
        type(robot, "#settingsUser", router().user());
        type(robot, "#settingsIdentity", key.toString());
        type(robot, "#settingsBind", BIND);
        type(robot, "#settingsFtpPort", Integer.toString(FTP_PORT));
        type(robot, "#settingsPassivePorts", "50153-50156");
        type(robot, "#settingsConcurrency", "4");
        type(robot, "#settingsCanary", "1");
        type(robot, "#settingsMaxFailures", "2");
        robot.clickOn("#settingsStageAllFirst");
        type(robot, "#settingsConnectTimeout", "7");
        type(robot, "#settingsCommandTimeout", "45");
        type(robot, "#settingsBackupsKept", "5");
        ComboBox<?> theme = robot.lookup("#settingsTheme").queryAs(ComboBox.class);
        robot.interact(() -> theme.getSelectionModel().select(1)); // "dark"
        assertThat(theme.getValue()).isEqualTo("dark");
        assertThat(robot.lookup("#darkToggle").queryAs(ToggleButton.class).isSelected()).as("the theme changes at once").isTrue();
        assertThat(Application.getUserAgentStylesheet()).contains("dark");
        assertThat(visibleProblems(robot)).isEmpty();

        robot.clickOn("#settingsApply");
        assertThat(savedMessage(robot)).startsWith("Applied and saved.")
                .contains("the image server's address, the FTP port, the passive ports take effect when FleetFlash starts again");
        assertThat(window.batchDefaults()).isEqualTo(BatchSettings.defaults().withConcurrency(4).withCanary(1).withMaxFailures(2)
                .withStageAllFirst(true));
        assertThat(window.settings().engine().ssh(SshOptions.DEFAULTS).connectTimeout()).isEqualTo(Duration.ofSeconds(7));

        // the login uses the settings' user and key: a probe with an empty passphrase gets in
        robot.clickOn("Fleet");
        probeWithDialog(robot, dialog -> {
            assertThat(robot.lookup("#userField").queryAs(TextField.class).getText()).isEqualTo(router().user());
            assertThat(text(robot, "#loginKeyFile")).endsWith(key.toString());
            assertThat(robot.lookup("#loginOk").query().isDisabled()).as("a key without passphrase needs none").isFalse();
        });

        robot.interact(() -> stage.hide());
        session.close();
        session = null;
        window = null;

        open(robot, dir);
        robot.clickOn("Settings");
        assertThat(robot.lookup("#darkToggle").queryAs(ToggleButton.class).isSelected()).as("the theme came back").isTrue();
        assertThat(fieldText(robot, "#settingsUser")).isEqualTo(router().user());
        assertThat(fieldText(robot, "#settingsIdentity")).isEqualTo(key.toString());
        assertThat(fieldText(robot, "#settingsBind")).isEqualTo(BIND);
        assertThat(fieldText(robot, "#settingsPassivePorts")).isEqualTo("50153-50156");
        assertThat(fieldText(robot, "#settingsConcurrency")).isEqualTo("4");
        assertThat(fieldText(robot, "#settingsBackupsKept")).isEqualTo("5");
        assertThat(robot.lookup("#settingsStageAllFirst").queryAs(CheckBox.class).isSelected()).isTrue();
        assertThat(window.settings().engine().backupsKept()).isEqualTo(5);

        // the image server the window's services start listens where the settings say, and only there
        InetAddress bind = window.settings().engine().bindAddress().orElseThrow();
        assertThat(bind.getHostAddress()).isEqualTo(BIND);
        ImageServer server = session.services().upgrades().imageServer(bind);
        assertThat(server.port()).isEqualTo(FTP_PORT);
        assertThat(server.config().bindAddress()).isEqualTo(bind);
        assertThat(server.config().passivePorts()).isEqualTo(PassivePorts.parse("50153-50156"));
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(bind, FTP_PORT), 5000);
            s.setSoTimeout(5000);
            String greeting = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            assertThat(greeting).startsWith("220");
        }
        assertThatThrownBy(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getByName("127.0.53.201"), FTP_PORT), 5000);
            }
        }).as("bound to the one address, not every one").isInstanceOf(ConnectException.class);
    }

    @Test
    void thePasswordTypedAtLoginIsInNoFileFleetFlashKeeps(FxRobot robot) throws Exception {
        Path dir = home.resolve("password");
        open(robot, dir);
        robot.clickOn("Settings");
        type(robot, "#settingsUser", router().user());
        robot.clickOn("#settingsApply");
        assertThat(savedMessage(robot)).startsWith("Applied and saved");
        robot.clickOn("Fleet");
        probeWithDialog(robot, dialog -> {
            assertThat(robot.lookup("#userField").queryAs(TextField.class).getText()).as("the user comes from the settings")
                    .isEqualTo(router().user());
            robot.clickOn("#passwordField").write(PASSWORD);
        });
        robot.clickOn("Settings");
        type(robot, "#settingsConcurrency", "3");
        robot.press(KeyCode.ALT, KeyCode.L).release(KeyCode.L, KeyCode.ALT); // Apply by its mnemonic
        assertThat(savedMessage(robot)).startsWith("Applied and saved");
        robot.interact(() -> stage.hide());
        session.close();
        session = null;
        window = null;

        List<Path> files = new ArrayList<>();
        assertThat(config(dir)).as("the data directory was not changed: nothing to keep in the user's config").doesNotExist();
        for (Path root : List.of(dir)) {
            try (Stream<Path> all = Files.walk(root)) {
                all.filter(Files::isRegularFile).forEach(files::add);
            }
        }
        assertThat(files).extracting(p -> p.getFileName().toString()).contains(SettingsStore.SETTINGS_FILE, "window.properties");
        for (Path f : files) {
            assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString()).doesNotContain(PASSWORD);
        }
        assertThat(Files.readString(dir.resolve(SettingsStore.SETTINGS_FILE))).contains("batch.concurrency=3");
    }

    @Test
    void aBadPassiveRangeIsShownUnderItsFieldAndNotSaved(FxRobot robot) throws Exception {
        Path dir = home.resolve("bad-range");
        open(robot, dir);
        robot.clickOn("Settings");
        type(robot, "#settingsPassivePorts", "50000-50003");
        Label problem = robot.lookup("#settingsPassivePortsProblem").queryAs(Label.class);
        assertThat(problem.isVisible()).isTrue();
        assertThat(problem.getText()).isEqualTo("The passive port range 50000-50003 has 4 ports, fewer than the 8 routers that may"
                + " download at once: widen it to 50000-50007 (and allow it in this computer's firewall), or lower the concurrency to 4.");
        robot.clickOn("#settingsApply");
        assertThat(text(robot, "#settingsMessage")).isEqualTo("Not applied: one setting needs a change (see under it). Nothing was saved.");
        assertThat(dir.resolve(SettingsStore.SETTINGS_FILE)).doesNotExist();
        assertThat(window.settings().applied().get().passivePorts()).isEqualTo(PassivePorts.ANY);

        type(robot, "#settingsPassivePorts", "50100-50000");
        assertThat(problem.getText()).contains("ends before it starts");
        robot.clickOn("#settingsRevert");
        assertThat(fieldText(robot, "#settingsPassivePorts")).isEqualTo("any");
        assertThat(problem.isVisible()).isFalse();
    }

    @Test
    void theTabFitsALaptopScreenIsWalkedInOrderWithTabAndIsPictured(FxRobot robot) throws Exception {
        open(robot, home.resolve("picture"));
        robot.interact(() -> {
            stage.setMaximized(false);
            stage.setX(0);
            stage.setY(0);
            stage.setWidth(UserGuideScreenshotsIT.WIDTH);
            stage.setHeight(UserGuideScreenshotsIT.HEIGHT);
        });
        robot.clickOn("Settings");
        type(robot, "#settingsUser", "admin");
        type(robot, "#settingsPassivePorts", "50000-50003");
        WaitForAsyncUtils.waitForFxEvents();

        Scene scene = stage.getScene();
        assertThat(scene.getWidth()).isEqualTo(UserGuideScreenshotsIT.WIDTH);
        ScrollPane scroll = robot.lookup("#settingsScroll").queryAs(ScrollPane.class);
        assertThat(scroll.getContent().getLayoutBounds().getHeight()).as("everything shows without scrolling")
                .isLessThanOrEqualTo(scroll.getViewportBounds().getHeight());
        Bounds view = scroll.localToScene(scroll.getLayoutBounds());
        for (SettingKey k : SettingKey.values()) {
            assertInside(window.settingsView().field(k), view, k.name());
        }
        assertInside(robot.lookup("#settingsApply").query(), view, "Apply");
        assertInside(robot.lookup("#settingsPassivePortsProblem").query(), view, "the problem sentence");
        for (Node n : robot.from(scroll).lookup(".label").queryAll()) {
            Label l = (Label) n;
            if (l.isVisible() && !l.isWrapText()) {
                assertThat(l.getWidth()).as("'" + l.getText() + "' is shown whole").isGreaterThanOrEqualTo(l.prefWidth(-1) - 0.5);
            }
        }
        Label problem = robot.lookup("#settingsPassivePortsProblem").queryAs(Label.class);
        assertThat(problem.getHeight()).as("the sentence wraps, it is not cut").isGreaterThanOrEqualTo(problem.prefHeight(problem.getWidth()) - 1);

        robot.interact(() -> robot.lookup("#settingsUser").query().requestFocus());
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 40 && order.size() < 16; i++) {
            Node focused = scene.getFocusOwner();
            if (focused != null && focused.getId() != null && focused.getId().startsWith("settings") && !order.contains(focused.getId())) {
                order.add(focused.getId());
            }
            robot.press(KeyCode.TAB).release(KeyCode.TAB);
            WaitForAsyncUtils.waitForFxEvents();
        }
        assertThat(order).containsSubsequence("settingsUser", "settingsIdentity", "settingsBind", "settingsFtpPort", "settingsPassivePorts",
                "settingsConnectTimeout", "settingsCommandTimeout", "settingsConcurrency", "settingsCanary", "settingsMaxFailures",
                "settingsRetries", "settingsStageAllFirst", "settingsBackupsKept", "settingsDataDirectory", "settingsTheme", "settingsApply");

        Path png = UserGuideScreenshotsIT.write(UserGuideScreenshotsIT.snapshot(scene.getRoot()), "settings-window.png");
        assertThat(javax.imageio.ImageIO.read(png.toFile()).getWidth()).isEqualTo(UserGuideScreenshotsIT.WIDTH);
    }

    private void open(FxRobot robot, Path dir) throws Exception {
        SettingsStore store = new SettingsStore(config(dir), LocalInterfaces.SYSTEM, Clock.systemUTC());
        SimRouter r = router();
        List<KnownRouter> known = List.of(new KnownRouter(r.name(), new SshTarget(r.address(), r.port()), Optional.empty(),
                Optional.empty(), Optional.empty()));
        session = WindowLauncher.open(DataDirectory.forThisUser(Optional.of(dir)), store, known, false);
        window = WaitForAsyncUtils.asyncFx(() -> FleetFlashApp.show(stage, session.inputs())).get(30, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static Path config(Path dir) {
        return dir.resolveSibling(dir.getFileName() + "-config");
    }

    static SimRouter router() {
        return sim.routers().get(0);
    }

    /** Probes the router through the login dialog: {@code fill} checks and fills it, then trust is ticked and OK pressed. */
    private void probeWithDialog(FxRobot robot, java.util.function.Consumer<FxRobot> fill) {
        TableView<RouterRow> table = FleetWindowIT.fleetTable(robot);
        RouterRow row = table.getItems().stream().filter(x -> x.address().equals(ROUTER + ":" + SSH_PORT)).findFirst().orElseThrow();
        robot.interact(() -> {
            table.getSelectionModel().select(row);
            table.requestFocus();
        });
        robot.press(KeyCode.CONTROL, KeyCode.P).release(KeyCode.P, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(window.openLogin()).as("the login is asked for").isPresent();
        fill.accept(robot);
        robot.interact(() -> robot.lookup("#trustNewHostKeys").queryAs(CheckBox.class).setSelected(true));
        robot.clickOn("#loginOk");
        FleetWindowIT.waitFor(() -> !row.modelProperty().get().isEmpty() || !row.problemProperty().get().isEmpty());
        assertThat(row.problemProperty().get()).isEmpty();
        assertThat(row.modelProperty().get()).isNotEmpty();
        assertThat(robot.lookup("#passwordField").tryQuery().map(n -> ((PasswordField) n).getText()).orElse("")).isEmpty();
    }

    /** Types {@code value} into a field with the keyboard, replacing what it held. */
    private static void type(FxRobot robot, String query, String value) {
        TextField f = robot.lookup(query).queryAs(TextField.class);
        robot.interact(f::requestFocus);
        robot.interact(f::selectAll);
        robot.write(value);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(f.getText()).isEqualTo(value);
    }

    /** The message once the Apply was written (or refused). */
    private static String savedMessage(FxRobot robot) {
        FleetWindowIT.waitFor(() -> !robot.lookup("#settingsMessage").queryAs(Label.class).getText().startsWith("Saving"));
        return text(robot, "#settingsMessage");
    }

    private static String fieldText(FxRobot robot, String query) {
        return robot.lookup(query).queryAs(TextField.class).getText();
    }

    private static String text(FxRobot robot, String query) {
        return robot.lookup(query).queryAs(Label.class).getText();
    }

    private static List<String> visibleProblems(FxRobot robot) {
        return robot.lookup(".field-problem").queryAll().stream().filter(Node::isVisible).map(n -> ((Label) n).getText()).toList();
    }

    private static void assertInside(Node node, Bounds view, String what) {
        Bounds b = node.localToScene(node.getLayoutBounds());
        assertThat(b.getMinX()).as(what + " left").isGreaterThanOrEqualTo(view.getMinX());
        assertThat(b.getMaxX()).as(what + " right").isLessThanOrEqualTo(view.getMaxX() + 0.5);
        assertThat(b.getMinY()).as(what + " top").isGreaterThanOrEqualTo(view.getMinY());
        assertThat(b.getMaxY()).as(what + " bottom").isLessThanOrEqualTo(view.getMaxY() + 0.5);
        assertThat(b.getWidth()).as(what + " has a width").isPositive();
    }
}

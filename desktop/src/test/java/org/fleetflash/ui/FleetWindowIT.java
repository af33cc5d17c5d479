package org.fleetflash.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.fleetflash.agent.sim.SimRouter;
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
 * The window on a real demo fleet (simulated routers over real SSH, a real SQLite history), headless under Monocle:
 * the table lists the fleet, a probe fills in the row and draws the flash, a wrong password is one sentence.
 */
@ExtendWith(ApplicationExtension.class)
class FleetWindowIT {

    static final String HISTORY_HOST = "127.0.31.99";

    @TempDir
    static Path home;
    static FleetWindowFixture fixture;

    private MainWindow window;
    private Stage stage;

    @BeforeAll
    static void startFleet() throws Exception {
        fixture = FleetWindowFixture.start(home, "127.0.31.1", 0);
        // one router the history knows from an earlier upgrade, but that is not in the demo fleet
        org.fleetflash.core.history.AttemptEvents.succeeded(org.fleetflash.core.history.AttemptEvents.ref("att-1", "batch-1",
                HISTORY_HOST, 2222), java.time.Instant.parse("2026-11-30T10:00:00Z"), home.resolve("fw.bin"), home.resolve("backup"))
                .forEach(fixture.history.writer()::on);
        assertThat(fixture.history.writer().awaitWritten(java.time.Duration.ofSeconds(20))).isTrue();
    }

    @AfterAll
    static void stopFleet() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Start
    void start(Stage stage) {
        this.stage = stage;
        window = FleetFlashApp.show(stage, fixture.inputs());
    }

    @AfterEach
    void closeWindow(FxRobot robot) {
        robot.interact(() -> window.close());
    }

    @Test
    void listsTheDemoFleetWithTheTableFocusedAndTheBannerShown(FxRobot robot) {
        TableView<RouterRow> table = fleetTable(robot);
        List<String> expected = fixture.fleet.members().stream().map(m -> m.router().address() + ":" + m.router().port()).toList();
        assertThat(table.getItems()).extracting(RouterRow::address).startsWith(expected.toArray(String[]::new));
        assertThat(table.getItems()).extracting(r -> r.nameProperty().get())
                .startsWith("tl-wdr3600-01", "tl-wdr3600-02", "tl-wdr3600-03");
        assertThat(table.isFocused()).as("the table has the focus first").isTrue();
        assertThat(robot.lookup(".demo-banner").queryAs(Label.class).isVisible()).isTrue();
        assertThat(stage.getTitle()).isEqualTo("FleetFlash — demo fleet");
        assertThat(statusOf(table, "tl-wdr3600-02")).contains("slow return: +30 s");

        robot.clickOn("#filterField").write("stripped");
        assertThat(table.getItems()).extracting(r -> r.nameProperty().get()).containsExactly("tl-wdr3600-stripped-01");
        robot.interact(() -> window.fleet().filterProperty().set(""));
        assertThat(table.getItems()).hasSizeGreaterThanOrEqualTo(expected.size());
    }

    @Test
    void routersTheHistoryKnowsAreListedWithTheirLastOutcomeAndTheHistoryTabShowsTheAttempt(FxRobot robot) {
        TableView<RouterRow> table = fleetTable(robot);
        waitFor(() -> table.getItems().stream().anyMatch(r -> r.address().equals(HISTORY_HOST + ":2222")));
        RouterRow known = table.getItems().stream().filter(r -> r.address().equals(HISTORY_HOST + ":2222")).findFirst().orElseThrow();
        assertThat(known.lastOutcomeProperty().get()).isEqualTo("SUCCEEDED");
        assertThat(known.firmwareProperty().get()).isEqualTo("11.0-r200");
        assertThat(known.modelProperty().get()).as("router text is shown escaped").startsWith("TL-WDR3600").doesNotContain("\u202e");

        robot.clickOn("History");
        waitFor(() -> !window.history().shown().isEmpty());
        assertThat(window.history().shown()).extracting(a -> a.router() + " " + a.outcomeOrRunning())
                .containsExactly(HISTORY_HOST + ":2222 SUCCEEDED");
        robot.clickOn("Fleet");
    }

    @Test
    void addRouterByKeyboardRefusesABadAddressAndListsAGoodOne(FxRobot robot) {
        TableView<RouterRow> table = fleetTable(robot);
        robot.interact(table::requestFocus);
        robot.press(KeyCode.CONTROL, KeyCode.N).release(KeyCode.N, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        javafx.scene.control.TextField address = robot.lookup("#addressField").queryAs(javafx.scene.control.TextField.class);
        robot.interact(() -> address.setText("1.2.3.4.5"));
        assertThat(robot.lookup("#addOk").query().isDisabled()).isTrue();
        assertThat(robot.lookup("#addressProblem").queryAs(Label.class).getText()).isNotEmpty().doesNotContain("Exception");
        robot.interact(() -> address.setText("127.0.31.250:2222"));
        assertThat(robot.lookup("#addOk").query().isDisabled()).isFalse();
        robot.clickOn("#addOk");
        WaitForAsyncUtils.waitForFxEvents();

        RouterRow added = table.getItems().stream().filter(r -> r.address().equals("127.0.31.250:2222")).findFirst().orElseThrow();
        assertThat(table.getSelectionModel().getSelectedItem()).isSameAs(added);
        waitFor(() -> added.hostKeyProperty().get().equals(RouterRow.KEY_NOT_PINNED));
        assertThat(robot.lookup("#message").queryAs(Label.class).getText()).startsWith("Added router 127.0.31.250:2222");
    }

    @Test
    void theDemoFleetsRoutersCannotBeRemovedFromTheList(FxRobot robot) {
        TableView<RouterRow> table = fleetTable(robot);
        RouterRow demo = rowNamed(table, "tl-wdr3600-03");
        int listed = table.getItems().size();
        robot.interact(() -> {
            table.getSelectionModel().select(demo);
            table.requestFocus();
        });
        robot.press(KeyCode.DELETE).release(KeyCode.DELETE);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#removeConfirm").tryQuery()).as("nothing to confirm").isEmpty();
        assertThat(table.getItems()).hasSize(listed).contains(demo);
        assertThat(robot.lookup("#message").queryAs(Label.class).getText()).startsWith("The demo fleet's routers are listed at every start");
    }

    @Test
    void remembersItsSizeAndPlaceForTheNextStart(FxRobot robot) throws Exception {
        robot.interact(() -> {
            stage.setX(40);
            stage.setY(30);
            stage.setWidth(1100);
            stage.setHeight(700);
            stage.hide();
        });
        Stage next = WaitForAsyncUtils.asyncFx(() -> {
            Stage s = new Stage();
            WindowSettings.load(fixture.services.dataDirectory()).place(s);
            return s;
        }).get(10, TimeUnit.SECONDS);
        assertThat(List.of(next.getX(), next.getY(), next.getWidth(), next.getHeight())).containsExactly(40.0, 30.0, 1100.0, 700.0);
        robot.interact(() -> stage.show());
    }

    @Test
    void theFirstStartFillsALaptopScreenAndTheFleetTableShowsEveryColumnWithoutScrollingSideways(FxRobot robot,
            @TempDir Path fresh) throws Exception {
        Stage first = WaitForAsyncUtils.asyncFx(() -> {
            Stage s = new Stage();
            WindowSettings.load(fresh).place(s);
            return s;
        }).get(10, TimeUnit.SECONDS);
        javafx.geometry.Rectangle2D screen = javafx.stage.Screen.getPrimary().getVisualBounds();
        assertThat(first.getWidth()).as("the tests' screen is 1366 pixels wide").isEqualTo(Math.min(1366, screen.getWidth()));
        assertThat(first.getHeight()).isEqualTo(Math.min(768, screen.getHeight()));

        robot.interact(() -> {
            stage.setWidth(first.getWidth());
            stage.setHeight(first.getHeight());
        });
        WaitForAsyncUtils.waitForFxEvents();
        TableView<RouterRow> table = fleetTable(robot);
        List<javafx.scene.control.ScrollBar> sideways = robot.from(table).lookup(".scroll-bar").queryAllAs(javafx.scene.control.ScrollBar.class)
                .stream().filter(b -> b.getOrientation() == javafx.geometry.Orientation.HORIZONTAL && b.isVisible()).toList();
        assertThat(sideways).as("a horizontal scroll bar: the status column is cut at the window's edge").isEmpty();
    }

    @Test
    void probeWithTheDemoLoginShowsModelFirmwareAndTheFlashLayout(FxRobot robot) {
        TableView<RouterRow> table = fleetTable(robot);
        RouterRow row = rowNamed(table, "tl-wdr3600-01");
        robot.interact(() -> {
            table.getSelectionModel().select(row);
            table.requestFocus();
        });
        robot.press(KeyCode.CONTROL, KeyCode.P).release(KeyCode.P, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        PasswordField password = robot.lookup("#passwordField").queryAs(PasswordField.class);
        assertThat(password.getText()).as("the demo pre-fills its login").isEqualTo("fleetflash");
        robot.clickOn("#loginOk");
        waitFor(() -> !row.modelProperty().get().isEmpty() || !row.problemProperty().get().isEmpty());

        assertThat(row.problemProperty().get()).isEmpty();
        assertThat(row.modelProperty().get()).isEqualTo("Atheros AR9344 rev 2"); // hw.model: what the router says of itself
        assertThat(row.firmwareProperty().get()).isEqualTo("11.0-r295681");
        assertThat(row.archProperty().get()).isEqualTo("mips");
        assertThat(row.hostKeyProperty().get()).isEqualTo(RouterRow.KEY_PINNED);
        waitFor(() -> !window.layout().shownPartitions().isEmpty());
        assertThat(window.layout().shownPartitions()).containsExactly("u-boot", "kernel", "rootfs", "cfg", "mib0", "ART");
        assertThat(segments(robot, ".partition-segment.in-layout")).containsExactly("kernel", "rootfs");
        assertThat(segments(robot, ".partition-segment.read-only")).containsExactly("u-boot", "mib0", "ART");
        assertThat(robot.lookup("#message").queryAs(Label.class).getText()).startsWith("Probed " + row.address());
    }

    @Test
    void aWrongPasswordIsOneSentenceAndTheNextProbeAsksAgain(FxRobot robot) {
        TableView<RouterRow> table = fleetTable(robot);
        RouterRow row = rowNamed(table, "tl-wdr3600-stripped-01");
        robot.interact(() -> table.getSelectionModel().select(row));
        robot.clickOn("#probeButton");
        WaitForAsyncUtils.waitForFxEvents();
        PasswordField password = robot.lookup("#passwordField").queryAs(PasswordField.class);
        robot.interact(() -> password.setText("not-the-password"));
        robot.clickOn("#loginOk");
        waitFor(() -> !row.problemProperty().get().isEmpty());

        String message = robot.lookup("#message").queryAs(Label.class).getText();
        SimRouter r = fixture.router("tl-wdr3600-stripped-01");
        assertThat(message).isEqualTo("Router " + r.address() + ":" + r.port()
                + " refused the user name or password: check them and probe again (the login is asked for again).");
        assertThat(message).doesNotContain("Exception").doesNotContain("\n").doesNotContain("\tat ");
        assertThat(row.statusProperty().get()).isEqualTo("probe failed");
        assertThat(row.modelProperty().get()).isEmpty();
        // off the highlighted row, the failed status is in the danger colour, unlike the row's address
        robot.interact(() -> table.getSelectionModel().select(rowNamed(table, "tl-wdr3600-01")));
        WaitForAsyncUtils.waitForFxEvents();
        javafx.scene.control.TableCell<?, ?> status = cellOf(robot, row, "probe failed");
        javafx.scene.control.TableCell<?, ?> address = cellOf(robot, row, row.address());
        assertThat(status.getPseudoClassStates()).extracting(Object::toString).contains("status-failed");
        assertThat(status.getTextFill()).as("the failed status stands out").isNotEqualTo(address.getTextFill());
        robot.interact(() -> table.getSelectionModel().select(row));

        robot.clickOn("#probeButton");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(window.openLogin()).as("the refused login is asked for again").isPresent();
        robot.press(KeyCode.ESCAPE).release(KeyCode.ESCAPE);
    }

    static List<String> segments(FxRobot robot, String query) {
        return robot.lookup(query).queryAll().stream().map(n -> (String) n.getProperties().get("partition")).toList();
    }

    @SuppressWarnings("unchecked")
    static TableView<RouterRow> fleetTable(FxRobot robot) {
        return robot.lookup("#table").queryAs(TableView.class);
    }

    static RouterRow rowNamed(TableView<RouterRow> table, String name) {
        return table.getItems().stream().filter(r -> r.nameProperty().get().equals(name)).findFirst().orElseThrow();
    }

    /** The fleet table's cell that shows {@code text} on {@code row}. */
    static javafx.scene.control.TableCell<?, ?> cellOf(FxRobot robot, RouterRow row, String text) {
        return robot.lookup("#table .table-cell").queryAllAs(javafx.scene.control.TableCell.class).stream()
                .filter(c -> c.getTableRow() != null && c.getTableRow().getItem() == row && text.equals(c.getText()))
                .findFirst().orElseThrow(() -> new AssertionError("no cell shows '" + text + "' on " + row.address()));
    }

    static String statusOf(TableView<RouterRow> table, String name) {
        RouterRow r = rowNamed(table, name);
        return r.statusProperty().get() + " · " + r.noteProperty().get();
    }

    static void waitFor(java.util.concurrent.Callable<Boolean> condition) {
        waitFor(60, condition);
    }

    static void waitFor(int seconds, java.util.concurrent.Callable<Boolean> condition) {
        try {
            WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, condition);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("Not reached within " + seconds + " s", e);
        }
        WaitForAsyncUtils.waitForFxEvents();
    }

}

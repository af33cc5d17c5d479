package org.fleetflash.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fleetflash.ui.FleetWindowIT.fleetTable;
import static org.fleetflash.ui.FleetWindowIT.waitFor;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.fleetflash.agent.sim.SimRouter;
import org.fleetflash.core.device.SshTarget;
import org.fleetflash.core.history.FleetRecords;
import org.fleetflash.ui.fleet.RouterRow;
import org.fleetflash.ui.scan.FleetMerge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The fleet list outlives the window: a router added by address, found by a scan or probed is listed again at the next
 * start with what the probe read, until the technician removes it (Delete, after a confirmation); its upgrades stay in
 * the history. A real SQLite history, simulated routers over real SSH, the window headless under Monocle, and no demo
 * fleet: what is listed comes from the history alone.
 */
@ExtendWith(ApplicationExtension.class)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class FleetListIT {

    @TempDir
    static Path home;
    static FleetWindowFixture fixture;

    private Stage stage;
    private MainWindow window;

    @BeforeAll
    static void startRouters() throws Exception {
        fixture = FleetWindowFixture.start(home, "127.0.46.1", 0);
    }

    @AfterAll
    static void stopRouters() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Start
    void start(Stage stage) {
        this.stage = stage;
        window = FleetFlashApp.show(stage, fixture.historyInputs());
    }

    /** Closes the window as the technician does, and starts it again on the same history. */
    private TableView<RouterRow> nextStart(FxRobot robot) {
        robot.interact(() -> stage.hide());
        robot.interact(() -> {
            window = FleetFlashApp.show(stage, fixture.historyInputs());
        });
        WaitForAsyncUtils.waitForFxEvents();
        return fleetTable(robot);
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void routersAddedFoundAndProbedAreListedAtTheNextStartUntilRemoved(FxRobot robot) throws Exception {
        SimRouter sim = fixture.router("tl-wdr3600-01");
        String probedAt = sim.address() + ":" + sim.port();
        String addedAt = "127.0.46.250:2222"; // nothing listens there: added, never probed
        SshTarget found = new SshTarget("127.0.46.251", 2222); // as a scan reports a router it found
        TableView<RouterRow> opened = fleetTable(robot);
        assertThat(opened.getItems()).as("a new history lists nothing").isEmpty();

        add(robot, addedAt);
        add(robot, probedAt);
        robot.interact(() -> new FleetMerge(window.fleet()).found(found));
        RouterRow row = row(opened, probedAt).orElseThrow();
        probe(robot, opened, row, sim, true);
        waitFor(() -> !row.modelProperty().get().isEmpty() || !row.problemProperty().get().isEmpty());
        assertThat(row.problemProperty().get()).isEmpty();
        String shown = describe(row);
        assertThat(shown).isEqualTo("tl-wdr3600 | Atheros AR9344 rev 2 | mips | 11.0-r295681 | pinned");

        TableView<RouterRow> table = nextStart(robot);
        TableView<RouterRow> first = table;
        waitFor(() -> first.getItems().size() == 3 && !first.getItems().get(1).hostKeyProperty().get().isEmpty());
        assertThat(table.getItems()).extracting(RouterRow::address).containsExactly(addedAt, probedAt, found.hostPort());
        assertThat(describe(row(table, probedAt).orElseThrow())).as("what the probe read, read back from the history").isEqualTo(shown);

        // Delete in the filter field edits the filter, and removes nothing
        robot.clickOn("#filterField").write("127.0.46");
        robot.press(KeyCode.HOME).release(KeyCode.HOME).press(KeyCode.DELETE).release(KeyCode.DELETE);
        assertThat(robot.lookup("#filterField").queryAs(TextField.class).getText()).isEqualTo("27.0.46");
        assertThat(table.getItems()).hasSize(3);
        robot.interact(() -> window.fleet().filterProperty().set(""));

        // Delete on the table asks first; Cancel keeps the router
        RouterRow added = row(table, addedAt).orElseThrow();
        TableView<RouterRow> t = table;
        robot.interact(() -> {
            t.getSelectionModel().select(added);
            t.requestFocus();
        });
        robot.press(KeyCode.DELETE).release(KeyCode.DELETE);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#removeConfirm .header-panel .label").queryAs(Label.class).getText())
                .isEqualTo("Remove " + addedAt + " from the list?");
        robot.press(KeyCode.ESCAPE).release(KeyCode.ESCAPE);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(table.getItems()).hasSize(3);

        robot.press(KeyCode.DELETE).release(KeyCode.DELETE);
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn(robot.lookup("#removeConfirm .button").match(n -> n instanceof javafx.scene.control.Button b && b.isDefaultButton())
                .queryButton());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(table.getItems()).extracting(RouterRow::address).containsExactly(probedAt, found.hostPort());
        assertThat(robot.lookup("#message").queryAs(Label.class).getText())
                .isEqualTo("Removed " + addedAt + " from the list; its upgrades stay in the history.");

        table = nextStart(robot);
        TableView<RouterRow> second = table;
        waitFor(() -> second.getItems().size() == 2);
        assertThat(table.getItems()).extracting(RouterRow::address).as("removed: not listed at the next start either")
                .containsExactly(probedAt, found.hostPort());
        assertThat(fixture.history.fleet().listed()).extracting(FleetRecords.Listed::target).extracting(SshTarget::hostPort)
                .containsExactly(probedAt, found.hostPort());

        add(robot, addedAt);
        table = nextStart(robot);
        TableView<RouterRow> third = table;
        waitFor(() -> third.getItems().size() == 3);
        assertThat(table.getItems()).extracting(RouterRow::address).as("added again: listed again, where it was first seen")
                .containsExactly(addedAt, probedAt, found.hostPort());
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void aChangedHostKeyIsForgottenInTheWindowAfterAConfirmationAndTheNextProbePinsTheNewOne(FxRobot robot) throws Exception {
        SimRouter sim = fixture.router("tl-wdr3600-stripped-01");
        SshTarget target = new SshTarget(sim.address(), sim.port());
        String at = target.hostPort();
        add(robot, at);
        TableView<RouterRow> table = fleetTable(robot);
        RouterRow row = row(table, at).orElseThrow();
        probe(robot, table, row, sim, true);
        waitFor(() -> "probed".equals(row.statusProperty().get()) || !row.problemProperty().get().isEmpty());
        assertThat(row.hostKeyProperty().get()).isEqualTo(RouterRow.KEY_PINNED);
        java.security.PublicKey first = fixture.history.hostKeys().pinned(target).orElseThrow();

        sim.replaceHostKey(); // reinstalled
        robot.interact(() -> table.getSelectionModel().select(row));
        robot.clickOn("#probeButton"); // the session's login is kept: no dialog
        waitFor(() -> RouterRow.KEY_CHANGED.equals(row.hostKeyProperty().get()));
        assertThat(row.problemProperty().get()).contains("presented another host key").contains("Forget host key…");
        // the upgrade's pre-flight says the window's way out, not the command line's
        org.fleetflash.core.upgrade.ImageFile image = org.fleetflash.core.upgrade.ImageFile.read(fixture.fleet.images().get(0).file());
        java.util.List<java.util.concurrent.CompletableFuture<org.fleetflash.core.upgrade.Preflight>> asked = new java.util.ArrayList<>();
        robot.interact(() -> asked.add(window.upgrades().preflight(row, image)));
        org.fleetflash.core.upgrade.Preflight pre = asked.get(0).get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(pre.code()).isEqualTo(org.fleetflash.core.upgrade.FailureCode.HOST_KEY_CHANGED);
        assertThat(pre.message()).contains("Forget host key…").doesNotContain("--accept-new-host-key").doesNotContain("fleetflash history");

        contextMenu(robot, table);
        robot.clickOn("Forget host key…");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#forgetConfirm .header-panel .label").queryAs(Label.class).getText())
                .isEqualTo("Forget the pinned host key of " + at + "?");
        robot.press(KeyCode.ENTER).release(KeyCode.ENTER); // Enter is Cancel here: forgetting a key is never the default
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(fixture.history.hostKeys().pinned(target)).contains(first);

        robot.interact(() -> table.getSelectionModel().select(row));
        contextMenu(robot, table);
        robot.clickOn("Forget host key…");
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn(robot.lookup("#forgetConfirm .button").match(n -> n instanceof javafx.scene.control.Button b
                && "OK".equals(b.getText())).queryButton());
        waitFor(() -> RouterRow.KEY_NOT_PINNED.equals(row.hostKeyProperty().get()));
        assertThat(robot.lookup("#message").queryAs(Label.class).getText()).startsWith("Forgot the host key of " + at + " (");
        assertThat(fixture.history.hostKeys().pinned(target)).isEmpty();

        probe(robot, table, row, sim, true); // the login is asked again, with Trust ticked
        waitFor(() -> RouterRow.KEY_PINNED.equals(row.hostKeyProperty().get()) && "probed".equals(row.statusProperty().get()));
        assertThat(fixture.history.hostKeys().pinned(target)).hasValueSatisfying(k -> assertThat(k).isNotEqualTo(first));
    }

    @Test
    @org.junit.jupiter.api.Order(3)
    void aRouterRefusedAsUnknownIsTrustedByTheNextProbeWhichAsksForTheLoginAgainFilledIn(FxRobot robot) throws Exception {
        SimRouter sim = fixture.router("tl-wdr3600-03");
        String at = sim.address() + ":" + sim.port();
        add(robot, at);
        TableView<RouterRow> table = fleetTable(robot);
        RouterRow row = row(table, at).orElseThrow();
        robot.interact(() -> window.fleet().useLogin(org.fleetflash.core.device.Credentials.Password.of(sim.user(), sim.password()),
                false));
        // the upgrade's pre-flight says the window's way to trust it, not the command line's
        org.fleetflash.core.upgrade.ImageFile image = org.fleetflash.core.upgrade.ImageFile.read(fixture.fleet.images().get(0).file());
        java.util.List<java.util.concurrent.CompletableFuture<org.fleetflash.core.upgrade.Preflight>> asked = new java.util.ArrayList<>();
        robot.interact(() -> asked.add(window.upgrades().preflight(row, image)));
        org.fleetflash.core.upgrade.Preflight pre = asked.get(0).get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(pre.code()).isEqualTo(org.fleetflash.core.upgrade.FailureCode.HOST_KEY_UNKNOWN);
        assertThat(pre.message()).contains("tick Trust a router seen for the first time").doesNotContain("--");

        robot.interact(() -> table.getSelectionModel().select(row));
        robot.clickOn("#probeButton"); // the login given, without Trust: no dialog
        waitFor(() -> !row.problemProperty().get().isEmpty());
        assertThat(row.problemProperty().get()).contains("is not known yet").contains("\"Trust a router seen for the first time\" ticked");
        assertThat(row.hostKeyProperty().get()).isEqualTo(RouterRow.KEY_NOT_PINNED);

        robot.clickOn("#probeButton"); // asks for the login again, filled in with the same one, so that Trust can be ticked
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#userField").queryAs(TextField.class).getText()).isEqualTo(sim.user());
        assertThat(robot.lookup("#passwordField").queryAs(TextField.class).getText()).isEqualTo(sim.password());
        robot.clickOn("#trustNewHostKeys");
        robot.clickOn("#loginOk");
        waitFor(() -> RouterRow.KEY_PINNED.equals(row.hostKeyProperty().get()) && "probed".equals(row.statusProperty().get()));
        assertThat(row.problemProperty().get()).isEmpty();
    }

    /** Opens the fleet table's context menu over the table, as a right-click on the highlighted row does. */
    private static void contextMenu(FxRobot robot, TableView<RouterRow> table) {
        robot.interact(() -> table.getContextMenu().show(table, javafx.geometry.Side.TOP, 200, 60));
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** Probes {@code row} with Probe, giving the login in the dialog it opens. */
    private static void probe(FxRobot robot, TableView<RouterRow> table, RouterRow row, SimRouter sim, boolean trust) {
        robot.interact(() -> table.getSelectionModel().select(row));
        robot.clickOn("#probeButton");
        WaitForAsyncUtils.waitForFxEvents();
        robot.interact(() -> {
            robot.lookup("#userField").queryAs(TextField.class).setText(sim.user());
            robot.lookup("#passwordField").queryAs(TextField.class).setText(sim.password());
            robot.lookup("#trustNewHostKeys").queryAs(javafx.scene.control.CheckBox.class).setSelected(trust);
        });
        robot.clickOn("#loginOk");
    }

    private static String describe(RouterRow r) {
        return String.join(" | ", List.of(r.nameProperty().get(), r.modelProperty().get(), r.archProperty().get(),
                r.firmwareProperty().get(), r.hostKeyProperty().get()));
    }

    private static Optional<RouterRow> row(TableView<RouterRow> table, String address) {
        return table.getItems().stream().filter(r -> r.address().equals(address)).findFirst();
    }

    private void add(FxRobot robot, String address) {
        robot.clickOn("#addButton");
        WaitForAsyncUtils.waitForFxEvents();
        robot.interact(() -> robot.lookup("#addressField").queryAs(TextField.class).setText(address));
        robot.clickOn("#addOk");
        WaitForAsyncUtils.waitForFxEvents();
        waitFor(() -> row(fleetTable(robot), address).isPresent());
    }
}

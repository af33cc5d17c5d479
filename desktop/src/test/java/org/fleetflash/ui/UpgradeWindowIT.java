package org.fleetflash.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fleetflash.ui.FleetWindowIT.fleetTable;
import static org.fleetflash.ui.FleetWindowIT.rowNamed;
import static org.fleetflash.ui.FleetWindowIT.waitFor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.fleetflash.agent.sim.Faults;
import org.fleetflash.agent.sim.Profile;
import org.fleetflash.agent.sim.Shell;
import org.fleetflash.agent.sim.SimRouter;
import org.fleetflash.core.device.SshTarget;
import org.fleetflash.core.history.AttemptFilter;
import org.fleetflash.core.history.AttemptRecord;
import org.fleetflash.demo.DemoFleet;
import org.fleetflash.ui.fleet.RouterRow;
import org.fleetflash.ui.layout.BlockProgress;
import org.fleetflash.ui.upgrade.ConfirmSheet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Upgrades from the window, on a real demo fleet (simulated routers over real SSH and FTP, a real SQLite history),
 * headless under Monocle: the confirmation sheet names each router's pre-flight and blocks what would be refused; a
 * confirmed batch upgrades three routers to SUCCEEDED and the history lists them; a cancel before the reroot leaves
 * the routers exactly as they were.
 */
@ExtendWith(ApplicationExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UpgradeWindowIT {

    @TempDir
    static Path home;
    static FleetWindowFixture fixture;
    /** A router outside the demo fleet whose backups read slowly, so a cancel surely comes before its reroot. */
    static SimRouter slow;

    private MainWindow window;

    @BeforeAll
    static void startFleet() throws Exception {
        fixture = FleetWindowFixture.start(home, "127.0.56.1", 0, true);
        for (DemoFleet.Member m : fixture.fleet.members()) {
            m.router().setFaults(Faults.none()); // the demo's slow return and low RAM are not what these tests are about
        }
        slow = SimRouter.start(home.resolve("slow"), new SimRouter.Options("slow-01", Profile.load("tl-wdr3600").withFlashSpeed(150_000, 0),
                Shell.DASH, "127.0.56.50", 0, Optional.of(fixture.router("tl-wdr3600-01").password()), Optional.empty()));
    }

    @AfterAll
    static void stopFleet() throws Exception {
        if (slow != null) {
            slow.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    @Start
    void start(Stage stage) {
        window = FleetFlashApp.show(stage, fixture.inputs());
    }

    @AfterEach
    void closeWindow(FxRobot robot) {
        robot.interact(() -> window.close());
    }

    Path demoImage(String suffix) {
        return fixture.fleet.images().stream().map(DemoFleet.DemoImage::file).filter(f -> f.getFileName().toString().endsWith(suffix))
                .findFirst().orElseThrow();
    }

    void chooseImage(FxRobot robot, Path image) {
        robot.interact(() -> window.useImagePicker(() -> Optional.of(image)));
        robot.clickOn("#chooseImageButton");
        waitFor(() -> window.upgrades().imageProperty().get() != null && window.upgrades().imageProperty().get().path().equals(image));
    }

    /** Checks exactly {@code rows}, presses Upgrade, gives the demo login, and waits until every pre-flight answered. */
    ConfirmSheet openSheet(FxRobot robot, List<RouterRow> rows) {
        TableView<RouterRow> table = fleetTable(robot);
        robot.interact(() -> table.getItems().forEach(r -> r.checkedProperty().set(rows.contains(r))));
        robot.clickOn("#upgradeButton");
        waitFor(() -> window.confirmSheet().isPresent() || window.openLogin().isPresent());
        if (window.confirmSheet().isEmpty()) {
            // the first action of a session asks for the login (pre-filled only when a demo router is among the rows)
            javafx.scene.control.PasswordField password = robot.lookup("#passwordField").queryAs(javafx.scene.control.PasswordField.class);
            robot.interact(() -> password.setText(fixture.router("tl-wdr3600-01").password()));
            robot.clickOn("#loginOk");
        }
        waitFor(() -> window.confirmSheet().isPresent());
        ConfirmSheet sheet = window.confirmSheet().orElseThrow();
        waitFor(120, () -> sheet.items().stream().allMatch(i -> i.resultProperty().get() != null));
        return sheet;
    }

    /** Adds the slow router by its address, upgrades it alone with the fitting image, and waits until it backs up. */
    RouterRow startSlowRouterUntilBackup(FxRobot robot) {
        RouterRow[] added = new RouterRow[1];
        robot.interact(() -> added[0] = window.fleet().add(new SshTarget(slow.address(), slow.port())));
        RouterRow row = added[0];
        chooseImage(robot, demoImage(Profile.load("tl-wdr3600").name() + "-" + DemoFleet.NEW_VERSION + ".bin"));
        openSheet(robot, List.of(row));
        assertThat(robot.lookup("#confirmUpgrade").queryButton().getText()).isEqualTo("Upgrade 1 router");
        robot.clickOn("#confirmUpgrade");
        waitFor(() -> row.statusProperty().get().startsWith("BACKUP"));
        assertThat(row.safetyProperty().get()).isEqualTo("safe to cancel");
        return row;
    }

    static String blocker(FxRobot robot) {
        return robot.lookup("#preflightBlocker").queryAs(Label.class).getText();
    }

    @Test
    @Order(1)
    void anImageTooLargeOrForAnotherModelIsNamedPerRouterAndBlocksTheUpgrade(FxRobot robot) throws Exception {
        TableView<RouterRow> table = fleetTable(robot);
        RouterRow wdr = rowNamed(table, "tl-wdr3600-01");
        SimRouter router = fixture.router("tl-wdr3600-01");
        byte[] before = Files.readAllBytes(router.sandbox().flashFile());

        chooseImage(robot, demoImage("-too-large.bin"));
        ConfirmSheet sheet = openSheet(robot, List.of(wdr));
        assertThat(sheet.items().get(0).resultProperty().get().message()).contains("too large by 65536 bytes");
        assertThat(blocker(robot)).startsWith("1 router fails pre-flight (" + wdr.address() + ": Too large by 65536 bytes)")
                .contains("untick Include");
        Button go = robot.lookup("#confirmUpgrade").queryButton();
        assertThat(go.isDisabled()).as("a router that fails pre-flight blocks the upgrade").isTrue();
        robot.clickOn("#confirmCancel");

        chooseImage(robot, demoImage("arm-board-" + DemoFleet.NEW_VERSION + ".bin"));
        RouterRow stripped = rowNamed(table, "tl-wdr3600-stripped-01");
        ConfirmSheet second = openSheet(robot, List.of(wdr, stripped));
        Map<String, String> words = new HashMap<>();
        second.items().forEach(i -> words.put(i.row().nameProperty().get(), i.resultProperty().get().code().name()));
        assertThat(words).containsEntry("tl-wdr3600-01", "WRONG_ARCH").containsEntry("tl-wdr3600-stripped-01", "NO_TMPFS");
        // the window never writes an image its checks refuse: it does not point at the command line's --force-image
        assertThat(second.items()).extracting(i -> i.resultProperty().get().message()).allSatisfy(m -> assertThat(m)
                .doesNotContain("--"));
        assertThat(blocker(robot)).startsWith("2 routers fail pre-flight");
        assertThat(robot.lookup("#confirmUpgrade").queryButton().isDisabled()).isTrue();
        // leaving both out does not make an empty batch possible either
        robot.interact(() -> second.items().forEach(i -> i.includeProperty().set(false)));
        assertThat(blocker(robot)).isEqualTo("No router is included: include at least one.");
        assertThat(robot.lookup("#confirmUpgrade").queryButton().isDisabled()).isTrue();
        robot.clickOn("#confirmCancel");

        assertThat(Files.readAllBytes(router.sandbox().flashFile())).as("a pre-flight changes nothing").isEqualTo(before);
        assertThat(router.sandbox().root().resolve("tmp/fleetflash/claim")).doesNotExist();
        assertThat(fixture.history.attempts(AttemptFilter.all())).as("a pre-flight is not an attempt").isEmpty();
    }

    @Test
    @Order(2)
    void cancellingBeforeTheRerootLeavesTheRouterUntouched(FxRobot robot) throws Exception {
        byte[] before = Files.readAllBytes(slow.sandbox().flashFile());
        RouterRow row = startSlowRouterUntilBackup(robot);

        robot.clickOn("#cancelButton");
        waitFor(() -> !window.upgrades().runningProperty().get());

        assertThat(row.lastOutcomeProperty().get()).isEqualTo("FAILED_SAFE");
        assertThat(row.statusProperty().get()).contains("CANCELLED");
        assertThat(Files.readAllBytes(slow.sandbox().flashFile())).isEqualTo(before);
        assertThat(slow.sandbox().root().resolve("tmp/fleetflash/claim")).doesNotExist();
        assertThat(slow.runningVersion()).isNotEqualTo(Optional.of(DemoFleet.NEW_VERSION));
        List<AttemptRecord> recorded = fixture.history.attempts(AttemptFilter.all());
        assertThat(recorded).singleElement().satisfies(a -> {
            assertThat(a.outcome()).contains("FAILED_SAFE");
            assertThat(a.router()).isEqualTo(slow.address() + ":" + slow.port());
        });

        // Retry failed offers exactly the router the cancel left untouched
        robot.clickOn("#retryButton");
        waitFor(() -> window.confirmSheet().isPresent());
        ConfirmSheet retry = window.confirmSheet().orElseThrow();
        assertThat(retry.items()).extracting(i -> i.row().address()).containsExactly(row.address());
        robot.clickOn("#confirmCancel");

        // once removed from the list, it is not retried: it would be upgraded out of sight
        TableView<RouterRow> table = fleetTable(robot);
        robot.interact(() -> {
            table.getItems().forEach(r -> r.checkedProperty().set(false));
            table.getSelectionModel().select(row);
            table.requestFocus();
        });
        robot.press(javafx.scene.input.KeyCode.DELETE).release(javafx.scene.input.KeyCode.DELETE);
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn(robot.lookup("#removeConfirm .button").match(n -> n instanceof Button b && b.isDefaultButton()).queryButton());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(table.getItems()).doesNotContain(row);
        robot.clickOn("#retryButton");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(window.confirmSheet()).isEmpty();
        assertThat(robot.lookup("#message").queryAs(Label.class).getText())
                .isEqualTo("No router of the last batch was left untouched for a reason that may pass.");
    }

    @Test
    @Order(3)
    void probeAndIdentifyLeaveTheBatchsRoutersToItAndResumeWaitsForTheBatch(FxRobot robot) throws Exception {
        byte[] before = Files.readAllBytes(slow.sandbox().flashFile());
        RouterRow row = startSlowRouterUntilBackup(robot);
        RouterRow other = rowNamed(fleetTable(robot), "tl-wdr3600-01");
        List<String> told = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        robot.interact(() -> window.fleet().messageProperty().addListener((o, was, now) -> told.add(now)));

        // a check on the router itself would race the upgrade (Resume cleans up what it finds staged)
        assertThat(robot.lookup("#resumeButton").queryButton().isDisabled()).isTrue();
        assertThat(robot.lookup("#upgradeButton").queryButton().isDisabled()).isTrue();

        robot.interact(() -> fleetTable(robot).getItems().forEach(r -> r.checkedProperty().set(r == row)));
        robot.clickOn("#probeButton");
        robot.clickOn("#identifyButton");
        assertThat(told).containsSubsequence(row.address() + " is being upgraded or checked: probe it once its row shows the outcome.",
                row.address() + " is being upgraded or checked: identify it once its row shows the outcome.");
        assertThat(row.statusProperty().get()).as("the row goes on showing its upgrade").doesNotContain("prob", "blink", "identif");

        // with another router checked too, that one is probed and the message says which were left out
        robot.interact(() -> other.checkedProperty().set(true));
        robot.clickOn("#probeButton");
        assertThat(told).anySatisfy(m -> assertThat(m).startsWith("Probing " + other.address()).endsWith(
                " 1 router was left out: an upgrade or a check works on it now."));
        waitFor(() -> other.statusProperty().get().startsWith("probed"));

        robot.clickOn("#cancelButton");
        waitFor(() -> !window.upgrades().runningProperty().get());
        assertThat(row.lastOutcomeProperty().get()).isEqualTo("FAILED_SAFE");
        assertThat(Files.readAllBytes(slow.sandbox().flashFile())).isEqualTo(before);
        assertThat(robot.lookup("#resumeButton").queryButton().isDisabled()).as("after the batch, Resume is offered again").isFalse();
        robot.interact(() -> fleetTable(robot).getItems().forEach(r -> r.checkedProperty().set(false)));
    }

    @Test
    @Order(4)
    void closingTheWindowMidBatchAsksThenCancelsAndLeavesTheRouterUntouched(FxRobot robot) throws Exception {
        byte[] before = Files.readAllBytes(slow.sandbox().flashFile());
        RouterRow row = startSlowRouterUntilBackup(robot);
        Stage stage = (Stage) robot.lookup("#table").query().getScene().getWindow();

        // as the window manager's close button does; not through interact(), which would wait for the question's answer
        javafx.application.Platform.runLater(() -> stage.fireEvent(new javafx.stage.WindowEvent(stage,
                javafx.stage.WindowEvent.WINDOW_CLOSE_REQUEST)));
        waitFor(() -> robot.lookup("Cancel the batch and close?").tryQuery().isPresent());
        assertThat(stage.isShowing()).as("nothing closes before the technician confirms").isTrue();
        robot.clickOn("OK");
        waitFor(120, () -> !stage.isShowing());

        assertThat(row.lastOutcomeProperty().get()).isEqualTo("FAILED_SAFE");
        assertThat(Files.readAllBytes(slow.sandbox().flashFile())).isEqualTo(before);
        assertThat(slow.sandbox().root().resolve("tmp/fleetflash/claim")).doesNotExist();
        assertThat(fixture.history.attempts(AttemptFilter.all())).filteredOn(a -> a.router().equals(row.address()))
                .allSatisfy(a -> assertThat(a.outcome()).contains("FAILED_SAFE"));
    }

    @Test
    @Order(5)
    void upgradesThreeRoutersToSucceededAndTheHistoryListsThem(FxRobot robot) throws Exception {
        TableView<RouterRow> table = fleetTable(robot);
        List<RouterRow> three = List.of(rowNamed(table, "tl-wdr3600-01"), rowNamed(table, "tl-wdr3600-02"),
                rowNamed(table, "tl-wdr3600-03"));
        chooseImage(robot, demoImage(Profile.load("tl-wdr3600").name() + "-" + DemoFleet.NEW_VERSION + ".bin"));
        ConfirmSheet sheet = openSheet(robot, three);
        assertThat(sheet.items()).allSatisfy(i -> assertThat(i.resultProperty().get().message()).startsWith("Fits:"));
        assertThat(blocker(robot)).isEmpty();
        Button go = robot.lookup("#confirmUpgrade").queryButton();
        assertThat(go.getText()).isEqualTo("Upgrade 3 routers");
        assertThat(go.isDisabled()).isFalse();
        javafx.scene.Scene scene = table.getScene();
        List<String> sheets = List.copyOf(scene.getStylesheets());
        robot.clickOn("#confirmUpgrade");

        waitFor(() -> window.upgrades().runningProperty().get() || three.stream().allMatch(r -> !r.lastOutcomeProperty().get().isEmpty()));
        // the window says which routers were upgraded, in its own strip above the status bar (no pop-up window)
        waitFor(240, () -> upgradedNotice(robot).filter(t -> t.matches("(tl-wdr3600-0[123] upgraded to .*|[23] routers upgraded: .*)"))
                .isPresent());
        waitFor(240, () -> !window.upgrades().runningProperty().get());
        assertThat(robot.lookup(".upgrade-notice.upgraded").query().getScene()).as("in the window, not a pop-up").isSameAs(scene);
        // the strip's style sheet was there from the start: a first notification that added one restyled the whole window
        // while the batch ran
        assertThat(scene.getStylesheets()).isEqualTo(sheets);
        // Escape dismisses it, even from the fleet table (which takes Escape to cancel an edit)
        List<Boolean> shownBeforeAndAfter = WaitForAsyncUtils.asyncFx(() -> {
            table.requestFocus();
            boolean before = upgradedNoticeShows(robot);
            javafx.event.Event.fireEvent(table, new javafx.scene.input.KeyEvent(javafx.scene.input.KeyEvent.KEY_PRESSED, "", "",
                    javafx.scene.input.KeyCode.ESCAPE, false, false, false, false));
            return List.of(before, upgradedNoticeShows(robot));
        }).get();
        assertThat(shownBeforeAndAfter).as("shown before Escape, then not").containsExactly(true, false);

        for (RouterRow r : three) {
            assertThat(r.lastOutcomeProperty().get()).as(r.address() + ": " + r.problemProperty().get()).isEqualTo("SUCCEEDED");
            assertThat(r.firmwareProperty().get()).isEqualTo(DemoFleet.NEW_VERSION);
            assertThat(r.progressProperty().get()).isEqualTo(1.0);
            assertThat(r.safetyProperty().get()).isEmpty();
        }
        for (String name : List.of("tl-wdr3600-01", "tl-wdr3600-02", "tl-wdr3600-03")) {
            assertThat(fixture.router(name).runningVersion()).contains(DemoFleet.NEW_VERSION);
        }
        // the progress column: a bar with its percentage on a row with progress, nothing on one without
        Map<RouterRow, String> percents = WaitForAsyncUtils.asyncFx(() -> {
            Map<RouterRow, String> m = new HashMap<>();
            for (javafx.scene.Node n : robot.lookup("#table .table-cell").queryAll()) {
                if (n instanceof javafx.scene.control.TableCell<?, ?> cell && cell.getTableColumn() != null
                        && "Progress".equals(cell.getTableColumn().getText()) && cell.getTableRow() != null
                        && cell.getTableRow().getItem() instanceof RouterRow r) {
                    javafx.scene.Node shown = cell.getGraphic();
                    m.put(r, shown == null || !shown.isVisible() ? "" : shown.lookupAll(".label").stream().map(l -> ((Label) l).getText())
                            .filter(t -> t.endsWith(" %")).findFirst().orElse("?"));
                }
            }
            return m;
        }).get();
        assertThat(percents).containsEntry(three.get(0), "100 %").containsEntry(three.get(1), "100 %").containsEntry(three.get(2), "100 %");
        assertThat(percents).allSatisfy((r, text) -> assertThat(text).as(r.address())
                .isEqualTo(r.progressProperty().get() < 0 ? "" : Math.round(r.progressProperty().get() * 100) + " %"));
        assertThat(percents.values()).as("a row that was never upgraded has no bar").contains("");
        assertThat(robot.lookup("#batchTotals").queryAs(Label.class).getText()).startsWith("Last batch: 3 of 3 routers done: 3 upgraded");
        // the highlighted router's erase blocks: every one of the span written or found unchanged, none pending or failed
        robot.interact(() -> table.getSelectionModel().select(three.get(0)));
        waitFor(() -> window.blockGrid().isVisible() && window.blockGrid().shown() != null
                && window.blockGrid().shown().count(BlockProgress.BlockState.PENDING) == 0);
        BlockProgress.Snapshot grid = window.blockGrid().shown();
        long imageSize = Files.size(demoImage(Profile.load("tl-wdr3600").name() + "-" + DemoFleet.NEW_VERSION + ".bin"));
        assertThat(grid.blocks()).as("the image's erase blocks").isEqualTo((int) ((imageSize + 0xffff) / 0x10000));
        assertThat(grid.count(BlockProgress.BlockState.WRITTEN) + grid.count(BlockProgress.BlockState.SAME)
                + grid.count(BlockProgress.BlockState.CHECKED)).isEqualTo(grid.blocks());
        assertThat(grid.count(BlockProgress.BlockState.WRITTEN)).isPositive();
        assertThat(grid.count(BlockProgress.BlockState.FAILED)).isZero();
        List<AttemptRecord> succeeded = fixture.history.attempts(AttemptFilter.all()).stream()
                .filter(a -> a.outcome().orElse("").equals("SUCCEEDED")).toList();
        assertThat(succeeded).extracting(AttemptRecord::router).containsExactlyInAnyOrderElementsOf(three.stream()
                .map(RouterRow::address).toList());
    }

    /** The words of the strip's "Upgraded" line while it shows. */
    private static Optional<String> upgradedNotice(FxRobot robot) throws Exception {
        String text = WaitForAsyncUtils.asyncFx(() -> upgradedNoticeShows(robot)
                ? robot.lookup(".upgrade-notice.upgraded .notice-text").queryAs(Label.class).getText() : "").get();
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    /** Whether the strip's "Upgraded" line shows (FX thread). */
    private static boolean upgradedNoticeShows(FxRobot robot) {
        return robot.lookup(".upgrade-notice.upgraded").tryQuery().map(n -> n.isVisible() && n.getParent().isVisible()).orElse(false);
    }
}

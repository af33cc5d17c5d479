package org.fleetflash.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.fleetflash.agent.sim.Sandbox;
import org.fleetflash.agent.sim.SimRouter;
import org.fleetflash.demo.DemoFleet;
import org.fleetflash.ui.fleet.RouterRow;
import org.fleetflash.ui.scan.IdentifyAction;
import org.fleetflash.ui.scan.ScanViewModel;
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
 * Scan and Identify in the window, on a real demo fleet (simulated routers over real SSH on 127.0.51.x), headless under
 * Monocle. The window lists only the first and the last demo router, so a scan of the prefilled range finds the others.
 */
@ExtendWith(ApplicationExtension.class)
class ScanAndIdentifyIT {

    static final String FIRST = "127.0.51.1";
    static final int PORT = 2251;
    /** Where the cancel test's silent ports listen: outside the demo fleet, still this test's own loopback addresses. */
    static final String SILENT = "127.0.52.";

    @TempDir
    static Path home;
    static FleetWindowFixture fixture;
    static DemoFleet.Member firstListed;
    static DemoFleet.Member lastListed;

    private MainWindow window;

    @BeforeAll
    static void startFleet() throws Exception {
        fixture = FleetWindowFixture.start(home, FIRST, PORT);
        List<DemoFleet.Member> m = fixture.fleet.members();
        firstListed = m.get(0);
        lastListed = m.get(m.size() - 1);
    }

    @AfterAll
    static void stopFleet() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Start
    void start(Stage stage) {
        window = FleetFlashApp.show(stage, fixture.inputs(m -> m == firstListed || m == lastListed));
    }

    @AfterEach
    void closeWindow(FxRobot robot) {
        robot.interact(() -> window.close());
    }

    @Test
    void theScanWindowIsPrefilledWithTheDemoRangeScansNothingBeforeStartAndExplainsABadRange(FxRobot robot) {
        int listed = window.fleet().allRows().size();
        openScan(robot);
        ScanViewModel scan = window.scanDialog().orElseThrow().model();
        String range = FIRST + "-" + lastListed.router().address();
        FleetWindowIT.waitFor(() -> scan.targetsProperty().get().equals(range));

        assertThat(robot.lookup("#scanTargets").queryAs(TextField.class).getText()).isEqualTo(range);
        assertThat(robot.lookup("#scanPorts").queryAs(TextField.class).getText()).isEqualTo(Integer.toString(PORT));
        assertThat(scan.stateProperty().get()).as("nothing starts by itself").isEqualTo(ScanViewModel.State.READY);
        assertThat(scan.hits()).isEmpty();
        assertThat(scan.answered()).isEmpty();
        assertThat(window.fleet().allRows()).hasSize(listed);
        assertThat(robot.lookup("#scanStatus").queryAs(Label.class).getText()).contains("Nothing is sent before");

        robot.interact(() -> scan.targetsProperty().set("127.0.0.0/8") /* too wide, and loopback even if the refusal ever failed */);
        robot.clickOn("#scanStart");
        WaitForAsyncUtils.waitForFxEvents();
        String problem = robot.lookup("#scanProblem").queryAs(Label.class).getText();
        assertThat(problem).contains("more than a /16").doesNotContain("Exception").doesNotContain("add --force");
        assertThat(scan.stateProperty().get()).isEqualTo(ScanViewModel.State.READY);

        robot.interact(() -> scan.targetsProperty().set(range));
        robot.interact(() -> scan.portsProperty().set("22,ssh"));
        robot.clickOn("#scanStart");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#scanProblem").queryAs(Label.class).getText()).startsWith("'ssh' is not a port");
        assertThat(scan.stateProperty().get()).isEqualTo(ScanViewModel.State.READY);
        robot.press(KeyCode.ESCAPE).release(KeyCode.ESCAPE);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(window.scanDialog().orElseThrow().stage().isShowing()).isFalse();
    }

    @Test
    void aScanListsTheUnlistedRoutersAsNewAndMarksAStoppedListedOneMissing(FxRobot robot) throws Exception {
        SimRouter stopped = lastListed.router();
        stopped.close();
        openScan(robot);
        ScanViewModel scan = window.scanDialog().orElseThrow().model();
        FleetWindowIT.waitFor(() -> !scan.targetsProperty().get().isEmpty());
        robot.clickOn("#scanStart");
        FleetWindowIT.waitFor(() -> !scan.stateProperty().get().busy());

        assertThat(scan.stateProperty().get()).isEqualTo(ScanViewModel.State.FINISHED);
        List<DemoFleet.Member> members = fixture.fleet.members();
        List<String> running = new ArrayList<>();
        for (DemoFleet.Member m : members.subList(0, members.size() - 1)) {
            running.add(m.router().address() + ":" + PORT);
        }
        assertThat(scan.hits()).extracting(ScanViewModel.Hit::address).containsExactlyInAnyOrderElementsOf(running);
        assertThat(scan.hits()).filteredOn(h -> h.address().equals(FIRST + ":" + PORT)).extracting(ScanViewModel.Hit::fleet)
                .containsExactly("listed");
        TableView<RouterRow> table = FleetWindowIT.fleetTable(robot);
        for (DemoFleet.Member m : members.subList(1, members.size() - 1)) {
            RouterRow row = rowAt(table, m.router().address());
            assertThat(row.scanMarkProperty().get()).as(m.router().name()).isEqualTo(RouterRow.SCAN_NEW);
            assertThat(row.noteProperty().get()).as("the word shows in the status column").startsWith("new");
        }
        // every router the scan found new is in the history's fleet list, for the next start
        List<String> found = running.subList(1, running.size());
        FleetWindowIT.waitFor(() -> fixture.history.fleet().listed().stream().map(l -> l.target().hostPort()).toList()
                .containsAll(found));
        RouterRow gone = rowAt(table, stopped.address());
        assertThat(gone.scanMarkProperty().get()).isEqualTo(RouterRow.SCAN_MISSING);
        assertThat(gone.noteProperty().get()).startsWith("missing");
        assertThat(rowAt(table, FIRST).scanMarkProperty().get()).isEmpty();
        assertThat(robot.lookup("#scanStatus").queryAs(Label.class).getText())
                .startsWith("Done: probed " + members.size() + " of " + members.size() + " addresses")
                .contains((members.size() - 2) + " new to the fleet").contains("1 listed router missing");
        assertThat(robot.lookup("#scanHits").queryAs(TableView.class).getItems()).hasSize(members.size() - 1);
        robot.clickOn("#scanClose");
    }

    @Test
    void cancelEndsAScanPromptlyAndClosingTheWindowCancelsToo(FxRobot robot) throws Exception {
        // ports that accept (the kernel completes the handshake) and never say a word: each holds the scan for its banner timeout
        List<ServerSocket> silent = new ArrayList<>();
        try {
            for (int i = 1; i <= 3; i++) {
                ServerSocket s = new ServerSocket();
                s.bind(new InetSocketAddress(InetAddress.getByName(SILENT + i), PORT), 16);
                silent.add(s);
            }
            for (boolean byClosing : new boolean[] {false, true}) {
                openScan(robot);
                ScanViewModel scan = window.scanDialog().orElseThrow().model();
                FleetWindowIT.waitFor(() -> !scan.targetsProperty().get().isEmpty());
                robot.interact(() -> {
                    scan.targetsProperty().set(SILENT + "1-3");
                    scan.optionsProperty().set(ScanViewModel.WINDOW_OPTIONS.withBannerTimeout(Duration.ofSeconds(30)));
                });
                robot.clickOn("#scanStart");
                FleetWindowIT.waitFor(() -> scan.stateProperty().get() == ScanViewModel.State.RUNNING);

                Instant asked = Instant.now();
                robot.clickOn(byClosing ? "#scanClose" : "#scanCancel");
                FleetWindowIT.waitFor(() -> !scan.stateProperty().get().busy());
                Duration took = Duration.between(asked, Instant.now());

                assertThat(took).as("the scan ended long before its 30 s banner timeout").isLessThan(Duration.ofSeconds(5));
                assertThat(scan.stateProperty().get()).isEqualTo(ScanViewModel.State.CANCELLED);
                assertThat(scan.progressTextProperty().get()).startsWith("Cancelled after");
                assertThat(scan.hits()).as("the silent ports never got to the end of their timeout").isEmpty();
                assertThat(window.fleet().allRows()).extracting(r -> r.scanMarkProperty().get()).doesNotContain(RouterRow.SCAN_MISSING);
                if (!byClosing) {
                    robot.clickOn("#scanClose");
                }
                WaitForAsyncUtils.waitForFxEvents();
            }
        } finally {
            for (ServerSocket s : silent) {
                s.close();
            }
        }
    }

    @Test
    void identifyBlinksTheHighlightedRoutersLedAndSwitchesItOffAgain(FxRobot robot) throws Exception {
        SimRouter router = firstListed.router();
        Sandbox sandbox = router.sandbox();
        int before = sandbox.ledHistory().size();
        TableView<RouterRow> table = FleetWindowIT.fleetTable(robot);
        RouterRow row = rowAt(table, router.address());
        String status = row.statusProperty().get();
        robot.interact(() -> {
            window.identifyAction().secondsProperty().set(2);
            table.getSelectionModel().select(row);
            table.requestFocus();
        });
        robot.press(KeyCode.CONTROL, KeyCode.I).release(KeyCode.I, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn("#loginOk");

        FleetWindowIT.waitFor(() -> row.statusProperty().get().equals(IdentifyAction.blinking("SYSTEM", 2)));
        assertThat(robot.lookup("#message").queryAs(Label.class).getText())
                .isEqualTo("Router " + row.address() + " is blinking LED SYSTEM for 2 s: look for it.");
        FleetWindowIT.waitFor(() -> row.statusProperty().get().equals(status));

        assertThat(row.problemProperty().get()).isEmpty();
        assertThat(robot.lookup("#message").queryAs(Label.class).getText())
                .isEqualTo("Router " + row.address() + " blinked its LED SYSTEM for 2 s; it is off again.");
        FleetWindowIT.waitFor(() -> sandbox.ledHistory().size() >= before + 2);
        List<Sandbox.LedEvent> seen = sandbox.ledHistory().subList(before, sandbox.ledHistory().size());
        assertThat(seen).extracting(e -> e.led() + " " + e.value()).containsExactly("SYSTEM f2", "SYSTEM 0");
        assertThat(Duration.between(seen.get(0).at(), seen.get(1).at())).isBetween(Duration.ofMillis(1500), Duration.ofSeconds(10));
    }

    @Test
    void identifyingARouterThatDoesNotAnswerIsOneSentence(FxRobot robot) throws Exception {
        String nobody = "127.0.51.40";
        RouterRow row = WaitForAsyncUtils.asyncFx(() -> window.fleet().add(new org.fleetflash.core.device.SshTarget(nobody, PORT)))
                .get(10, java.util.concurrent.TimeUnit.SECONDS);
        robot.clickOn("#identifyButton");
        WaitForAsyncUtils.waitForFxEvents();
        javafx.scene.control.PasswordField password = robot.lookup("#passwordField").queryAs(javafx.scene.control.PasswordField.class);
        robot.interact(() -> password.setText("any"));
        robot.clickOn("#loginOk");
        FleetWindowIT.waitFor(() -> row.statusProperty().get().equals(IdentifyAction.FAILED));

        String sentence = "Router " + nobody + ":" + PORT + " could not be reached: check that it is powered on, on this network and"
                + " that the port is right, then identify again.";
        assertThat(row.problemProperty().get()).isEqualTo(sentence);
        assertThat(robot.lookup("#message").queryAs(Label.class).getText()).isEqualTo(sentence).doesNotContain("Exception");
    }

    private void openScan(FxRobot robot) {
        robot.interact(() -> FleetWindowIT.fleetTable(robot).requestFocus());
        robot.press(KeyCode.CONTROL, KeyCode.F).release(KeyCode.F, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(window.scanDialog()).as("Ctrl+F opens the Scan window").isPresent();
        assertThat(window.scanDialog().get().stage().isShowing()).isTrue();
    }

    private static RouterRow rowAt(TableView<RouterRow> table, String address) {
        return table.getItems().stream().filter(r -> r.address().equals(address + ":" + PORT)).findFirst().orElseThrow();
    }
}

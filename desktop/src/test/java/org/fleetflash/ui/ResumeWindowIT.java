package org.fleetflash.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fleetflash.ui.FleetWindowIT.fleetTable;
import static org.fleetflash.ui.FleetWindowIT.rowNamed;
import static org.fleetflash.ui.FleetWindowIT.waitFor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.fleetflash.agent.sim.SimRouter;
import org.fleetflash.core.history.AttemptEvents;
import org.fleetflash.core.history.AttemptFilter;
import org.fleetflash.core.history.AttemptRecord;
import org.fleetflash.core.history.History;
import org.fleetflash.core.settings.DataDirectory;
import org.fleetflash.core.upgrade.UpgradeEvent;
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

/**
 * Resume from the window: an upgrade that FleetFlash itself stopped in (the attempt has no end in the history, so the
 * next start marks it INTERRUPTED) is checked on its real simulated router, which is found as it was and recorded so.
 */
@ExtendWith(ApplicationExtension.class)
class ResumeWindowIT {

    @TempDir
    static Path home;
    static FleetWindowFixture fixture;
    /** The history of the start after the crash: opened again after the attempt was left without an end. */
    static History reopened;
    static String attemptRouter;

    private MainWindow window;

    @BeforeAll
    static void crashMidDownload() throws Exception {
        fixture = FleetWindowFixture.start(home, "127.0.60.1", 0, true);
        SimRouter router = fixture.router("tl-wdr3600-01");
        attemptRouter = router.address() + ":" + router.port();
        DataDirectory data = DataDirectory.forThisUser(Optional.of(home.resolve("after-crash")));
        try (History before = History.open(data)) {
            List<UpgradeEvent> events = AttemptEvents.failedInDownload(AttemptEvents.ref("att-crash", "batch-crash", router.address(),
                    router.port()), Instant.now().minusSeconds(60), home.resolve("fw.bin"));
            events.subList(0, events.size() - 1).forEach(before.writer()::on); // the process died before the end
            assertThat(before.writer().awaitWritten(Duration.ofSeconds(20))).isTrue();
        }
        reopened = History.open(data);
        assertThat(reopened.interruptedAtOpen()).isEqualTo(1);
    }

    @AfterAll
    static void stop() throws Exception {
        if (reopened != null) {
            reopened.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    @Start
    void start(Stage stage) {
        WindowInputs demo = fixture.inputs();
        window = FleetFlashApp.show(stage, new WindowInputs(demo.services(), reopened, demo.fleet(), true, demo.store(), demo.settings()));
    }

    @AfterEach
    void closeWindow(FxRobot robot) {
        robot.interact(() -> window.close());
    }

    @Test
    void resumeFindsTheRouterAsItWasAndRecordsIt(FxRobot robot) throws Exception {
        SimRouter router = fixture.router("tl-wdr3600-01");
        byte[] before = Files.readAllBytes(router.sandbox().flashFile());
        RouterRow row = rowNamed(fleetTable(robot), "tl-wdr3600-01");
        waitFor(() -> "INTERRUPTED".equals(row.lastOutcomeProperty().get()));
        assertThat(robot.lookup("#message").queryAs(Label.class).getText()).isEqualTo("1 upgrade was interrupted and not checked yet:"
                + " press Resume (Alt+M) to check it on its router.");

        // while the check works on the router, no batch can start on it, nor a second check
        List<String> whileChecking = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        robot.interact(() -> row.statusProperty().addListener((o, was, now) -> {
            if (now.startsWith("checking the interrupted upgrade")) {
                for (String id : List.of("#upgradeButton", "#retryButton", "#resumeButton")) {
                    whileChecking.add(id + (robot.lookup(id).queryButton().isDisabled() ? " disabled" : " enabled"));
                }
            }
        }));
        robot.clickOn("#resumeButton");
        waitFor(() -> window.openLogin().isPresent());
        robot.clickOn("#loginOk");
        waitFor(120, () -> row.statusProperty().get().endsWith("(checked after the interruption)"));
        assertThat(whileChecking).containsExactly("#upgradeButton disabled", "#retryButton disabled", "#resumeButton disabled");
        assertThat(robot.lookup("#upgradeButton").queryButton().isDisabled()).as("offered again once the check ended").isFalse();

        assertThat(row.lastOutcomeProperty().get()).as(row.problemProperty().get()).isEqualTo("FAILED_SAFE");
        assertThat(robot.lookup("#message").queryAs(Label.class).getText()).isEqualTo("Checked 1 interrupted upgrade(s): see each"
                + " router's status.");
        assertThat(Files.readAllBytes(router.sandbox().flashFile())).isEqualTo(before);
        List<AttemptRecord> recorded = reopened.attempts(AttemptFilter.all());
        assertThat(recorded).singleElement().satisfies(a -> {
            assertThat(a.router()).isEqualTo(attemptRouter);
            assertThat(a.outcome()).contains("FAILED_SAFE");
        });
    }
}

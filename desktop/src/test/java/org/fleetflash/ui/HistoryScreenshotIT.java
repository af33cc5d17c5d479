package org.fleetflash.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.fleetflash.ui.history.HistoryRow;
import org.fleetflash.ui.history.HistoryView;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * The user guide's picture of the History tab, at 1366×768, on the history of an ordinary site visit: the attempts
 * of one batch, and the detail of the router that did not come back.
 */
@ExtendWith(ApplicationExtension.class)
class HistoryScreenshotIT {

    @TempDir
    static Path home;
    static FleetWindowFixture fixture;

    private MainWindow window;
    private Stage stage;

    @BeforeAll
    static void writeHistory() throws Exception {
        SiteHistory.write(home); // into home/data: the history the fixture opens
        fixture = FleetWindowFixture.start(home, "127.0.66.1", 2266);
    }

    @AfterAll
    static void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Start
    void start(Stage stage) {
        this.stage = stage;
        window = FleetFlashApp.show(stage, fixture.historyInputs());
        UserGuideScreenshotsIT.atGuideSize(stage);
    }

    @Test
    void theTabWithTheDetailOfARouterThatNeedsAttention(FxRobot robot) throws Exception {
        robot.clickOn("History");
        HistoryView view = window.history();
        FleetWindowIT.waitFor(() -> view.shown().size() == 8);
        @SuppressWarnings("unchecked")
        TableView<HistoryRow> table = robot.lookup("#historyTable").queryAs(TableView.class);
        HistoryRow silent = view.shown().stream().filter(r -> r.router().equals(SiteHistory.SILENT)).findFirst().orElseThrow();
        robot.interact(() -> table.getSelectionModel().select(silent));
        FleetWindowIT.waitFor(() -> view.detailShown().map(a -> a.attemptId().equals(silent.attemptId())).orElse(false));
        FleetWindowIT.waitFor(() -> !robot.lookup("#transcript").queryAs(TextArea.class).getText().isEmpty());
        assertThat(view.shown()).extracting(HistoryRow::outcomeOrRunning).contains("SUCCEEDED", "FAILED_SAFE", "NEEDS_ATTENTION");
        assertThat(stage.getScene().getWidth()).isEqualTo(UserGuideScreenshotsIT.WIDTH);

        Path file = UserGuideScreenshotsIT.write(UserGuideScreenshotsIT.snapshot(stage.getScene().getRoot()), "history-window.png");

        assertThat(ImageIO.read(file.toFile()).getWidth()).isEqualTo(UserGuideScreenshotsIT.WIDTH);
        robot.interact(() -> window.close());
    }
}

package org.fleetflash.app;

import static org.assertj.core.api.Assertions.assertThat;

import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.fleetflash.ui.FleetFlashApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The window opens headless (Monocle) and tells the technician where the work is done for now. */
@ExtendWith(ApplicationExtension.class)
class PlaceholderWindowIT {

    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        FleetFlashApp.show(stage, java.util.List.of());
    }

    @Test
    void showsTheTitleAndPointsToTheCommandLine(FxRobot robot) {
        assertThat(stage.getTitle()).isEqualTo("FleetFlash");
        assertThat(robot.lookup("#title").queryAs(Label.class).getText()).isEqualTo("FleetFlash");
        assertThat(robot.lookup("#hint").queryAs(Label.class).getText()).contains("--help");
    }
}

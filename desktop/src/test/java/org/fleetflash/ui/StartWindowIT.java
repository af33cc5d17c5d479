package org.fleetflash.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.fleetflash.core.app.AppServices;
import org.fleetflash.core.history.History;
import org.fleetflash.core.history.InstanceLock;
import org.fleetflash.core.settings.DataDirectory;
import org.fleetflash.core.settings.LocalInterfaces;
import org.fleetflash.core.settings.SettingsStore;
import org.fleetflash.core.upgrade.ImageHosting;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The window while FleetFlash starts (decision 0017), headless under Monocle: it shows before the history is open,
 * with every action disabled and a sentence where the fleet will be, then becomes the full window on the real history
 * and services; a history that cannot be opened is said in the window, its actions staying disabled.
 */
@ExtendWith(ApplicationExtension.class)
class StartWindowIT {

    @TempDir
    Path home;

    private Stage stage;
    private History history;
    private AppServices services;
    private OpeningWindow opening;
    private volatile MainWindow window;

    @Start
    void start(Stage stage) {
        this.stage = stage;
    }

    @AfterEach
    void close(FxRobot robot) throws IOException {
        if (window != null) {
            robot.interact(() -> window.close());
        }
        if (services != null) {
            services.close();
        }
        if (history != null) {
            history.close();
        }
    }

    @Test
    void showsWithItsActionsDisabledWhileTheHistoryOpensThenBecomesTheFullWindow(FxRobot robot) throws Exception {
        DataDirectory data = DataDirectory.forThisUser(Optional.of(home.resolve("data")));
        data.ensureExists();
        CompletableFuture<WindowInputs> inputs = new CompletableFuture<>();
        robot.interact(() -> opening = OpeningWindow.show(stage, look(data), inputs, w -> window = w));

        assertThat(stage.isShowing()).isTrue();
        assertThat(stage.getTitle()).isEqualTo("FleetFlash");
        assertThat(robot.lookup(OpeningWindow.OPENING_TEXT).queryAs(Label.class).isVisible()).isTrue();
        assertThat(opening.actions()).extracting(Button::getText).contains("Probe", "Scan…", "Upgrade…", "Resume");
        assertThat(opening.actions()).allMatch(Button::isDisabled);
        assertThat(opening.status()).startsWith("Opening the history");
        assertThat(opening.window()).isEmpty();

        // the history and the services open off the FX thread, as the application opens them
        CompletableFuture.runAsync(() -> {
            try {
                history = History.open(data);
                services = AppServices.start(data.path(), ImageHosting.DEFAULT, history.hostKeys());
                SettingsStore store = new SettingsStore(home.resolve("config"), LocalInterfaces.SYSTEM, java.time.Clock.systemUTC());
                inputs.complete(new WindowInputs(services, history, List.of(), false, store, store.load(data.path())));
            } catch (IOException | RuntimeException e) {
                inputs.completeExceptionally(e);
            }
        });
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> window != null);
        WaitForAsyncUtils.waitForFxEvents();

        assertThat(robot.lookup("#probeButton").queryAs(Button.class).isDisabled()).as("Probe works once the history is open").isFalse();
        assertThat(robot.lookup("#upgradeButton").queryAs(Button.class).isDisabled()).isFalse();
        assertThat(robot.lookup("#resumeButton").queryAs(Button.class).isDisabled()).isFalse();
        assertThat(robot.lookup(OpeningWindow.OPENING_TEXT).tryQuery()).as("the opening sentence is gone").isEmpty();
        assertThat(robot.lookup("#message").queryAs(Label.class).getText()).startsWith("Add a router by its address");
        assertThat(stage.getScene().getRoot().lookup(".main-window")).as("the main window's content").isNotNull();
        assertThat(opening.window()).containsSame(window);
    }

    @Test
    void aHistoryLockedByAnotherFleetFlashIsSaidInTheWindowAndNothingCanBeStarted(FxRobot robot) throws Exception {
        DataDirectory data = DataDirectory.forThisUser(Optional.of(home.resolve("locked")));
        data.ensureExists();
        CompletableFuture<WindowInputs> inputs = new CompletableFuture<>();
        robot.interact(() -> opening = OpeningWindow.show(stage, look(data), inputs, w -> window = w));
        try (InstanceLock held = InstanceLock.acquire(data)) {
            CompletableFuture.runAsync(() -> {
                try {
                    History.open(data).close();
                    inputs.completeExceptionally(new AssertionError("the history opened although its lock is held"));
                } catch (IOException | RuntimeException e) {
                    inputs.completeExceptionally(e);
                }
            });
            WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> opening.failure().isPresent());
        }
        WaitForAsyncUtils.waitForFxEvents();

        assertThat(opening.failure().orElseThrow()).startsWith("FleetFlash cannot start: The data directory ")
                .contains("is in use by another FleetFlash (process " + ProcessHandle.current().pid()).doesNotContain("Exception");
        assertThat(robot.lookup(opening.failure().orElseThrow()).queryAs(Label.class).isVisible()).isTrue();
        assertThat(opening.status()).startsWith("FleetFlash cannot start. Close this window");
        assertThat(opening.actions()).allMatch(Button::isDisabled);
        assertThat(opening.window()).isEmpty();
        assertThat(window).isNull();
    }

    private static OpeningWindow.Look look(DataDirectory data) {
        return new OpeningWindow.Look("FleetFlash", Theme.LIGHT, WindowSettings.load(data.path()));
    }
}

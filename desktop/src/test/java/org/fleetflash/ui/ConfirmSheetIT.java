package org.fleetflash.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Spinner;
import javafx.scene.control.TableView;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.fleetflash.agent.sim.Profile;
import org.fleetflash.agent.sim.SimImage;
import org.fleetflash.core.batch.BatchSettings;
import org.fleetflash.core.device.SshTarget;
import org.fleetflash.core.upgrade.FailureCode;
import org.fleetflash.core.upgrade.ImageFile;
import org.fleetflash.core.upgrade.Preflight;
import org.fleetflash.core.upgrade.RouterId;
import org.fleetflash.ui.fleet.RouterRow;
import org.fleetflash.ui.support.Frames;
import org.fleetflash.ui.support.SheetHost;
import org.fleetflash.ui.upgrade.ConfirmSheet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The confirmation sheet as a window keeps it: prepared ahead of its first show, one step per frame, then filled and
 * shown for one upgrade after another. What the technician must never see: the preparation's own row, or a router, a
 * result or a setting of the upgrade before.
 */
@ExtendWith(ApplicationExtension.class)
class ConfirmSheetIT {

    @TempDir
    static Path dir;

    private SheetHost host;

    @Start
    void start(Stage stage) {
        Theme.LIGHT.apply();
        StackPane layer = new StackPane(new javafx.scene.control.Label("the window"));
        host = new SheetHost(layer);
        Scene scene = new Scene(layer, 1000, 700);
        scene.getStylesheets().add(Theme.APP_STYLESHEET);
        stage.setScene(scene);
        stage.show();
    }

    @Test
    void aSheetPreparedAheadShowsOnlyTheRoutersOfEachUpgradeAndTheirOwnResults(FxRobot robot) throws Exception {
        Profile p = Profile.load("tl-wdr3600");
        Path fw = Files.write(dir.resolve("fw-2.bin"), SimImage.bytes(p, "2.0", 0));
        ImageFile image = ImageFile.read(fw);
        RouterRow a = new RouterRow(new SshTarget("127.0.71.1", 22));
        RouterRow b = new RouterRow(new SshTarget("127.0.71.2", 22));
        RouterRow c = new RouterRow(new SshTarget("127.0.71.3", 22));

        ConfirmSheet sheet = onFx(() -> new ConfirmSheet(host));
        AtomicBoolean prepared = new AtomicBoolean();
        robot.interact(() -> {
            Queue<Runnable> steps = new ArrayDeque<>(sheet.preparation());
            steps.add(() -> prepared.set(true));
            Frames.onePerFrame(steps);
        });
        FleetWindowIT.waitFor(10, prepared::get);
        TableView<?> table = (TableView<?>) sheet.getDialogPane().lookup("#preflightTable");
        assertThat(onFx(sheet::isShowing)).as("prepared, not shown").isFalse();
        assertThat(onFx(table::getSkin)).as("the table styled ahead (its skin made)").isNotNull();
        assertThat(onFx(sheet::items)).as("the preparation's row is gone").isEmpty();

        // the first upgrade: two routers, one answered
        robot.interact(() -> {
            sheet.fill(List.of(a, b), image, List.of("kernel", "rootfs"), BatchSettings.defaults().withConcurrency(8).withCanary(1));
            sheet.show();
        });
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(onFx(() -> table.getItems().size())).isEqualTo(2);
        assertThat(onFx(() -> sheet.items().stream().map(i -> i.row()).toList())).containsExactly(a, b);
        assertThat(onFx(() -> ((Spinner<?>) sheet.getDialogPane().lookup("#concurrency")).getValue())).as("no more at once than routers")
                .isEqualTo(2);
        // the button says how many, in full: it was laid out ahead, when it said only "Upgrade"
        assertThat(onFx(() -> ((javafx.scene.text.Text) sheet.getDialogPane().lookup("#confirmUpgrade .text")).getText()))
                .isEqualTo("Upgrade 2 routers");
        robot.interact(() -> sheet.items().get(0).resultProperty().set(new Preflight(new RouterId("127.0.71.1", 22, Optional.empty()),
                Preflight.Verdict.BLOCKED, FailureCode.IMAGE_TOO_LARGE, "The image is too large by 4096 bytes.", Optional.empty(),
                Optional.empty(), Optional.empty())));
        assertThat(onFx(() -> ((Button) sheet.getDialogPane().lookup("#confirmUpgrade")).isDisabled())).isTrue();
        robot.interact(sheet::close);
        // a preparation whose steps come after a first use (an Upgrade within a second of opening the window): nothing
        // fails, nothing of the sheet stays in the window, and the last upgrade's rows stay
        robot.interact(() -> sheet.preparation().forEach(Runnable::run));
        assertThat(robot.lookup("#confirmUpgrade").tryQuery()).as("nothing of a closed sheet in the window").isEmpty();
        assertThat(onFx(() -> sheet.items().stream().map(i -> i.row()).toList())).containsExactly(a, b);

        // the next upgrade: one other router, checked afresh, with the settings it starts from
        Path fw3 = Files.write(dir.resolve("fw-3.bin"), SimImage.bytes(p, "3.0", 0));
        robot.interact(() -> {
            try {
                sheet.fill(List.of(c), ImageFile.read(fw3), List.of("kernel", "rootfs"), BatchSettings.defaults().withCanary(0));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            sheet.show();
        });
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(onFx(() -> sheet.items().stream().map(i -> i.row()).toList())).containsExactly(c);
        assertThat(onFx(() -> sheet.items().get(0).resultProperty().get())).as("not the last upgrade's result").isNull();
        assertThat(onFx(() -> ((org.fleetflash.ui.support.DialogHeader) sheet.getDialogPane().getHeader()).getText())).contains("fw-3.bin").doesNotContain("fw-2.bin");
        assertThat(onFx(() -> ((Button) sheet.getDialogPane().lookup("#confirmUpgrade")).getText())).isEqualTo("Upgrade 1 router");
        assertThat(onFx(() -> ((Spinner<?>) sheet.getDialogPane().lookup("#canary")).getValue())).isEqualTo(0);
        assertThat(onFx(() -> ((Spinner<?>) sheet.getDialogPane().lookup("#failureBudget")).getValueFactory()))
                .as("a budget of at most the one router").extracting(f -> ((javafx.scene.control.SpinnerValueFactory.IntegerSpinnerValueFactory) f)
                        .getMax()).isEqualTo(1);
        robot.interact(sheet::close);
    }

    private static <T> T onFx(Callable<T> call) throws Exception {
        return WaitForAsyncUtils.asyncFx(call).get();
    }
}

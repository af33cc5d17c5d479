package org.fleetflash.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javafx.scene.Node;
import javafx.scene.control.TableView;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.fleetflash.demo.DemoFleet;
import org.fleetflash.testsupport.DemoPortLock;
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
 * Makes the user guide's screenshots from the real window on the real demo fleet (its fixed addresses and port, as
 * {@code fleetflash demo} starts it), at 1366×768, in the light and the dark theme. Needs port 2222 on 127.0.3.x free:
 * stop a running demo first. Takes turns on that port with the other tests that need it (UserGuideCommandsIT) through
 * {@link DemoPortLock}, since failsafe runs test classes in two JVMs at once.
 */
@ExtendWith(ApplicationExtension.class)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class UserGuideScreenshotsIT {

    static final Path IMAGES = Path.of("..", "docs", "images");
    static final int WIDTH = 1366;
    static final int HEIGHT = 768;

    @TempDir
    static Path home;
    static FleetWindowFixture fixture;
    static DemoPortLock portTurn;

    private MainWindow window;
    private Stage stage;

    @BeforeAll
    static void startFleet() throws Exception {
        portTurn = DemoPortLock.acquire(java.time.Duration.ofMinutes(20));
        fixture = FleetWindowFixture.start(home, DemoFleet.FIRST_ADDRESS, DemoFleet.PORT);
    }

    @AfterAll
    static void stopFleet() throws Exception {
        try {
            if (fixture != null) {
                fixture.close();
            }
        } finally {
            if (portTurn != null) {
                portTurn.close();
            }
        }
    }

    @Start
    void start(Stage stage) {
        this.stage = stage;
        window = FleetFlashApp.show(stage, fixture.inputs());
        atGuideSize(stage);
    }

    /** The window as the guide's pictures show it: at the top left of a 1366×768 screen, not maximised. */
    static void atGuideSize(Stage stage) {
        stage.setMaximized(false);
        stage.setX(0);
        stage.setY(0);
        stage.setWidth(WIDTH);
        stage.setHeight(HEIGHT);
    }

    @AfterEach
    void closeWindow(FxRobot robot) {
        robot.interact(() -> {
            window.useTheme(Theme.LIGHT);
            window.close();
        });
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void fleetAndFlashLayoutInBothThemes(FxRobot robot) throws Exception {
        TableView<RouterRow> table = FleetWindowIT.fleetTable(robot);
        List<RouterRow> root = table.getItems().stream().filter(r -> r.demoUser().orElse("").equals("root")).toList();
        robot.interact(() -> root.forEach(r -> r.checkedProperty().set(true)));
        robot.clickOn("#probeButton");
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn("#loginOk");
        FleetWindowIT.waitFor(() -> root.stream().allMatch(r -> !r.modelProperty().get().isEmpty() || !r.problemProperty().get().isEmpty()));
        assertThat(root).allSatisfy(r -> assertThat(r.problemProperty().get()).isEmpty());
        RouterRow first = FleetWindowIT.rowNamed(table, "tl-wdr3600-01");
        robot.interact(() -> {
            root.forEach(r -> r.checkedProperty().set(false));
            FleetWindowIT.rowNamed(table, "tl-wdr3600-01").checkedProperty().set(true);
            FleetWindowIT.rowNamed(table, "tl-wdr3600-02").checkedProperty().set(true);
            table.getSelectionModel().select(first);
        });
        FleetWindowIT.waitFor(() -> !window.layout().shownPartitions().isEmpty());
        assertThat(stage.getScene().getWidth()).isEqualTo(WIDTH);

        for (Theme theme : Theme.values()) {
            robot.interact(() -> window.useTheme(theme));
            WaitForAsyncUtils.waitForFxEvents();
            String suffix = theme.name().toLowerCase(java.util.Locale.ROOT);
            Path full = write(snapshot(stage.getScene().getRoot()), "fleet-window-" + suffix + ".png");
            assertThat(ImageIO.read(full.toFile()).getWidth()).isEqualTo(WIDTH);
            write(snapshot(window.layout()), "flash-layout-" + suffix + ".png");
        }
    }

    /** Last: the upgraded routers are still flashing (at a real chip's speed) when it ends, and answer no probe then. */
    @Test
    @org.junit.jupiter.api.Order(2)
    void confirmationSheetAndTheBatchMidFlash(FxRobot robot) throws Exception {
        TableView<RouterRow> table = FleetWindowIT.fleetTable(robot);
        List<RouterRow> chosen = List.of(FleetWindowIT.rowNamed(table, "tl-wdr3600-01"), FleetWindowIT.rowNamed(table, "tl-wdr3600-02"),
                FleetWindowIT.rowNamed(table, "tl-wdr3600-stripped-01"));
        Path image = fixture.fleet.images().get(0).file();
        robot.interact(() -> {
            window.useImagePicker(() -> java.util.Optional.of(image));
            chosen.forEach(r -> r.checkedProperty().set(true));
            table.getSelectionModel().select(chosen.get(0));
        });
        robot.clickOn("#chooseImageButton");
        FleetWindowIT.waitFor(() -> window.upgrades().imageProperty().get() != null);
        robot.clickOn("#upgradeButton");
        FleetWindowIT.waitFor(() -> window.confirmSheet().isPresent() || window.openLogin().isPresent());
        if (window.confirmSheet().isEmpty()) {
            robot.clickOn("#loginOk");
        }
        FleetWindowIT.waitFor(() -> window.confirmSheet().isPresent());
        org.fleetflash.ui.upgrade.ConfirmSheet sheet = window.confirmSheet().orElseThrow();
        FleetWindowIT.waitFor(120, () -> sheet.items().stream().allMatch(i -> i.resultProperty().get() != null));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#confirmUpgrade").queryButton().isDisabled()).as("the stripped router has no tmpfs").isTrue();
        write(snapshot(stage.getScene().getRoot()), "upgrade-confirm.png"); // the sheet over the window

        // leave the router that cannot take it out, and upgrade the other two
        robot.interact(() -> sheet.items().stream().filter(i -> !i.resultProperty().get().mayUpgrade())
                .forEach(i -> i.includeProperty().set(false)));
        robot.clickOn("#confirmUpgrade");
        RouterRow first = chosen.get(0);
        FleetWindowIT.waitFor(180, () -> window.blockGrid().shown() != null
                && window.blockGrid().shown().count(org.fleetflash.ui.layout.BlockProgress.BlockState.WRITTEN) >= 12);
        assertThat(first.safetyProperty().get()).isEqualTo("flashing on its own — do not power off");
        write(snapshot(stage.getScene().getRoot()), "upgrade-dashboard.png");
    }

    static WritableImage snapshot(Node node) throws Exception {
        return WaitForAsyncUtils.asyncFx(() -> node.snapshot(null, null)).get();
    }

    static Path write(WritableImage image, String name) throws IOException {
        int w = (int) image.getWidth();
        int h = (int) image.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        PixelReader reader = image.getPixelReader();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out.setRGB(x, y, reader.getArgb(x, y));
            }
        }
        Files.createDirectories(IMAGES);
        Path file = IMAGES.resolve(name);
        ImageIO.write(out, "png", file.toFile());
        return file;
    }
}

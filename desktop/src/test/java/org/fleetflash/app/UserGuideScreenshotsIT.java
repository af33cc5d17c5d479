package org.fleetflash.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javafx.scene.control.ListView;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.fleetflash.ui.FleetFlashApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** Makes the user guide's screenshots from the real scene, so the guide shows what the application shows. */
@ExtendWith(ApplicationExtension.class)
class UserGuideScreenshotsIT {

    static final Path IMAGES = Path.of("..", "docs", "images");
    static final List<String> FLEET = List.of(
            "tl-wdr3600-01 127.0.3.1:2222 root fleetflash",
            "tl-wdr3600-02 127.0.3.2:2222 root fleetflash",
            "tl-wdr3600-03 127.0.3.3:2222 root fleetflash",
            "tl-wdr3600-stripped-01 127.0.3.4:2222 root fleetflash",
            "generic-16m-01 127.0.3.5:2222 admin fleetflash");

    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        FleetFlashApp.show(stage, FLEET);
    }

    @Test
    void demoFleetWindow(FxRobot robot) throws Exception {
        @SuppressWarnings("unchecked")
        ListView<String> list = robot.lookup("#demoFleet").queryAs(ListView.class);
        assertThat(list.getItems()).containsExactlyElementsOf(FLEET);
        WritableImage image = WaitForAsyncUtils.asyncFx(() -> stage.getScene().snapshot(null)).get();
        Path png = write(image, "demo-fleet.png");
        assertThat(ImageIO.read(png.toFile()).getWidth()).isEqualTo((int) stage.getScene().getWidth());
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

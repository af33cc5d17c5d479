package org.fleetflash.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import javafx.geometry.Rectangle2D;
import javafx.stage.Screen;
import javafx.stage.Stage;
import org.fleetflash.core.settings.DataDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The window's place and size, kept in {@code window.properties} in the data directory (mode 600) so the next start
 * opens where the technician left it. The theme is one of the settings ({@code settings.properties}); the one this
 * file held before is only read, to carry it over. A place that is no longer on any screen (a monitor unplugged) is
 * ignored; a missing or damaged file means the defaults.
 */
public final class WindowSettings {

    private static final Logger LOG = LoggerFactory.getLogger(WindowSettings.class);
    /**
     * The size the window opens at the first time, capped by the screen's free area: a 1366×768 laptop screen, less its
     * task bar, is filled, and the fleet table's columns fit it without scrolling sideways (at 1280 the status column
     * was cut at the window's edge). A larger screen gets a window of that size, centred.
     */
    public static final double DEFAULT_WIDTH = 1366;
    public static final double DEFAULT_HEIGHT = 768;
    public static final double MIN_WIDTH = 960;
    public static final double MIN_HEIGHT = 600;

    private final Path file;
    private final Properties values = new Properties();

    private WindowSettings(Path file) {
        this.file = file;
    }

    /** The settings in {@code dataDirectory}; read now (the caller is off the FX thread or accepts a tiny file read). */
    public static WindowSettings load(Path dataDirectory) {
        WindowSettings s = new WindowSettings(dataDirectory.resolve("window.properties"));
        if (Files.isRegularFile(s.file)) {
            try (InputStream in = Files.newInputStream(s.file)) {
                s.values.load(in);
            } catch (IOException | IllegalArgumentException e) {
                LOG.warn("Ignoring the window settings {}: {}", s.file, e.toString());
                s.values.clear();
            }
        }
        return s;
    }

    /** The theme this file held before the settings kept it (light when none): carried over while there are no settings yet. */
    public Theme theme() {
        return "DARK".equals(values.getProperty("theme")) ? Theme.DARK : Theme.LIGHT;
    }

    /** Gives {@code stage} the remembered size and place, or the default size centred, always within a screen. */
    public void place(Stage stage) {
        stage.setMinWidth(MIN_WIDTH);
        stage.setMinHeight(MIN_HEIGHT);
        double w = number("width", DEFAULT_WIDTH);
        double h = number("height", DEFAULT_HEIGHT);
        double x = number("x", Double.NaN);
        double y = number("y", Double.NaN);
        Rectangle2D screen = Screen.getPrimary().getVisualBounds();
        if (!Double.isNaN(x) && !Double.isNaN(y) && !Screen.getScreensForRectangle(x, y, Math.max(1, w), Math.max(1, h)).isEmpty()) {
            stage.setX(x);
            stage.setY(y);
        } else {
            w = Math.min(w, screen.getWidth());
            h = Math.min(h, screen.getHeight());
            stage.setX(screen.getMinX() + (screen.getWidth() - w) / 2);
            stage.setY(screen.getMinY() + (screen.getHeight() - h) / 2);
        }
        stage.setWidth(Math.max(MIN_WIDTH, w));
        stage.setHeight(Math.max(MIN_HEIGHT, h));
        stage.setMaximized(Boolean.parseBoolean(values.getProperty("maximized", "false")));
    }

    /** Remembers {@code stage}'s size and place (the last unmaximised ones when it is maximised). */
    public void remember(Stage stage) {
        values.setProperty("maximized", Boolean.toString(stage.isMaximized()));
        if (!stage.isMaximized() && !stage.isIconified()) {
            values.setProperty("x", Double.toString(stage.getX()));
            values.setProperty("y", Double.toString(stage.getY()));
            values.setProperty("width", Double.toString(stage.getWidth()));
            values.setProperty("height", Double.toString(stage.getHeight()));
        }
    }

    /** Writes the file (atomically); a failure is logged, never shown: the window works without it. */
    public void save() {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            DataDirectory.createOwnerOnlyFile(tmp);
            try (OutputStream out = Files.newOutputStream(tmp)) {
                values.store(out, "FleetFlash window: place and size");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot save the window settings {}: {}", file, e.toString());
        }
    }

    private double number(String key, double otherwise) {
        try {
            double v = Double.parseDouble(values.getProperty(key, ""));
            return Double.isFinite(v) ? v : otherwise;
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }
}

package org.fleetflash.ui;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import javafx.application.Platform;
import javafx.stage.Stage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts JavaFX for the application and opens its {@link MainWindow}. It keeps no static state: what the window
 * shows and uses is handed to it in {@link WindowInputs}.
 */
public final class FleetFlashApp {

    private static final Logger LOG = LoggerFactory.getLogger(FleetFlashApp.class);
    /**
     * When this system property is {@code true}, {@code fleetflash} (its {@code Main}) prints {@code fleetflash-window-shown
     * <epoch milliseconds>} on stdout at the first frame laid out after the window opened, through {@link #onFirstShown}
     * ({@code bench/ui-bench.sh} times the start by it). Off by default.
     */
    public static final String PRINT_SHOWN_PROPERTY = "fleetflash.printWindowShown";

    private FleetFlashApp() {
    }

    /** No window can be opened here: no graphical session, or no GTK 3 on Linux. */
    public static final class NoDisplayException extends Exception {
        private static final long serialVersionUID = 1L;

        NoDisplayException(Throwable cause) {
            super("No window can be opened on this computer: JavaFX found no usable display (" + cause.getMessage()
                    + "). On Linux it needs a graphical session and GTK 3 (Debian/Ubuntu: apt-get install libgtk-3-0); the"
                    + " command line works without them.", cause);
        }
    }

    /** Starts JavaFX, opens the window and returns when the technician closed it. */
    public static void showAndWait(WindowInputs inputs) throws InterruptedException, NoDisplayException {
        CountDownLatch closed = new CountDownLatch(1);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        try {
            Platform.startup(() -> {
                try {
                    Stage stage = new Stage();
                    stage.setOnHidden(e -> closed.countDown());
                    show(stage, inputs);
                } catch (RuntimeException e) {
                    LOG.error("The window could not be opened", e);
                    failed.set(e);
                    closed.countDown();
                }
            });
        } catch (UnsupportedOperationException | IllegalStateException e) {
            throw new NoDisplayException(e);
        }
        closed.await();
        Platform.exit();
        if (failed.get() != null) {
            throw new IllegalStateException("The window could not be opened: " + failed.get().getMessage(), failed.get());
        }
    }

    /** Told the time (epoch ms) of the window's first laid-out frame, when set (the start-up benchmark's hook). */
    private static volatile java.util.function.LongConsumer onFirstShown;

    /** Sets who is told when the window's first frame was laid out (see {@link #PRINT_SHOWN_PROPERTY}); null for nobody. */
    public static void onFirstShown(java.util.function.LongConsumer listener) {
        onFirstShown = listener;
    }

    /** Builds the window on {@code stage} and shows it. Call on the FX thread. */
    public static MainWindow show(Stage stage, WindowInputs inputs) {
        MainWindow window = MainWindow.open(stage, inputs);
        java.util.function.LongConsumer shown = onFirstShown;
        if (shown != null) {
            Runnable[] once = new Runnable[1];
            once[0] = () -> {
                stage.getScene().removePostLayoutPulseListener(once[0]);
                shown.accept(System.currentTimeMillis());
            };
            stage.getScene().addPostLayoutPulseListener(once[0]);
        }
        return window;
    }
}

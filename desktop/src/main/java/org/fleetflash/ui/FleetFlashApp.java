package org.fleetflash.ui;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import javafx.application.Platform;
import javafx.stage.Stage;
import org.slf4j.LoggerFactory;

/**
 * Starts JavaFX for the application and opens its {@link MainWindow}: at start-up first as the {@link OpeningWindow},
 * which becomes the full window when its inputs are ready (decision 0017). It keeps no static state but the start-up
 * benchmark's listeners: what the window shows and uses is handed to it in {@link WindowInputs}.
 */
public final class FleetFlashApp {

    /**
     * When this system property is {@code true}, {@code fleetflash} (its {@code Main}) prints {@code fleetflash-window-shown
     * <epoch milliseconds>} on stdout at the first frame laid out after the window opened, through {@link #onFirstShown}
     * ({@code bench/ui-bench.sh} times the start by it), and {@code fleetflash-window-ready <epoch milliseconds>} at the
     * first frame of the full window, through {@link #onReady}. Off by default.
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

    /**
     * JavaFX starting on a thread of its own, so the caller can read the settings and open the history meanwhile
     * (decision 0017).
     */
    public static final class Toolkit {
        private final CountDownLatch started = new CountDownLatch(1);
        private volatile RuntimeException refused;

        private Toolkit() {
        }

        /**
         * Starts JavaFX now, on a thread of its own;
         * {@link FleetFlashApp#showAndWait(Toolkit, OpeningWindow.Look, CompletionStage, Runnable)} waits for it.
         */
        public static Toolkit start() {
            Toolkit t = new Toolkit();
            Thread starter = new Thread(() -> {
                try {
                    Platform.startup(() -> { });
                } catch (RuntimeException e) {
                    t.refused = e;
                } finally {
                    t.started.countDown();
                }
            }, "fleetflash-fx-start");
            starter.setDaemon(true);
            starter.start();
            return t;
        }

        void await() throws InterruptedException, NoDisplayException {
            started.await();
            if (refused instanceof UnsupportedOperationException || refused instanceof IllegalStateException) {
                throw new NoDisplayException(refused);
            }
            if (refused != null) {
                throw refused;
            }
        }

        /** Stops JavaFX when no window will be opened (the start failed before it); waits for it to have started. */
        public void stop() throws InterruptedException {
            started.await();
            if (refused == null) {
                Platform.exit();
            }
        }
    }

    /**
     * Opens the window as soon as {@code toolkit} has started, before its inputs are ready: the opening window
     * ({@link OpeningWindow}) becomes the full window when {@code inputs} complete, or says why they failed. Returns when
     * the technician closed it, and stops JavaFX.
     *
     * @param shown run on the FX thread once the opening window's first frame was laid out (it must not block): the
     *              time to start opening what {@code inputs} waits for
     */
    public static void showAndWait(Toolkit toolkit, OpeningWindow.Look look, CompletionStage<WindowInputs> inputs, Runnable shown)
            throws InterruptedException, NoDisplayException {
        toolkit.await();
        CountDownLatch closed = new CountDownLatch(1);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Platform.runLater(() -> {
            try {
                Stage stage = new Stage();
                stage.setOnHidden(e -> closed.countDown());
                OpeningWindow.show(stage, look, inputs, w -> whenLaidOut(stage, onReady));
                java.util.function.LongConsumer bench = onFirstShown;
                java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
                Runnable startOnce = () -> {
                    if (started.compareAndSet(false, true)) {
                        shown.run();
                    }
                };
                whenLaidOut(stage, ms -> {
                    if (bench != null) {
                        bench.accept(ms);
                    }
                    startOnce.run();
                });
                // should no frame be laid out (a window that opens minimised on some desktop), the history and services
                // still open, a little later
                java.util.concurrent.CompletableFuture.delayedExecutor(OPEN_ANYWAY_AFTER.toMillis(),
                        java.util.concurrent.TimeUnit.MILLISECONDS).execute(() -> Platform.runLater(startOnce));
            } catch (RuntimeException e) {
                LoggerFactory.getLogger(FleetFlashApp.class).error("The window could not be opened", e);
                failed.set(e);
                closed.countDown();
            }
        });
        closed.await();
        Platform.exit();
        if (failed.get() != null) {
            throw new IllegalStateException("The window could not be opened: " + failed.get().getMessage(), failed.get());
        }
    }

    /** How long after the opening window was shown its inputs start opening even if it laid out no frame yet. */
    static final java.time.Duration OPEN_ANYWAY_AFTER = java.time.Duration.ofSeconds(3);

    /** Told the time (epoch ms) of the full window's first laid-out frame, when set (the start-up benchmark's hook). */
    private static volatile java.util.function.LongConsumer onReady;

    /**
     * Sets who is told when the full window (its history and services attached) first laid out a frame after the
     * opening window; null for nobody.
     */
    public static void onReady(java.util.function.LongConsumer listener) {
        onReady = listener;
    }

    /** Tells {@code listener}, if any, the time of the next frame laid out on {@code stage}'s scene. */
    private static void whenLaidOut(Stage stage, java.util.function.LongConsumer listener) {
        if (listener == null) {
            return;
        }
        org.fleetflash.ui.support.Frames.afterFrames(stage.getScene(), 1, () -> listener.accept(System.currentTimeMillis()));
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
        whenLaidOut(stage, onFirstShown);
        return window;
    }
}

package org.fleetflash.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.fleetflash.core.app.AppServices;
import org.fleetflash.core.app.EngineSettings;
import org.fleetflash.core.history.History;
import org.fleetflash.core.history.InstanceLock;
import org.fleetflash.core.settings.DataDirectory;
import org.fleetflash.core.settings.SettingsStore;
import org.fleetflash.ui.FleetFlashApp;
import org.fleetflash.ui.OpeningWindow;
import org.fleetflash.ui.Theme;
import org.fleetflash.ui.WindowInputs;
import org.fleetflash.ui.WindowSettings;
import org.fleetflash.ui.fleet.KnownRouter;

/**
 * The window's composition root: finds the data directory (the one named on the command line or in the environment,
 * else the one chosen in the Settings tab, else the platform's), reads its settings, opens its history (one
 * FleetFlash at a time) and the application's services with the image server set as the settings say, hands them to
 * the window, and closes them when the window closes.
 */
public final class WindowLauncher {

    private WindowLauncher() {
    }

    /**
     * What the window runs on, opened: the history and the services over the settings' data directory. Closing it
     * closes them.
     */
    public static final class Session implements AutoCloseable {
        private final History history;
        private final AppServices services;
        private final WindowInputs inputs;

        private Session(History history, AppServices services, WindowInputs inputs) {
            this.history = history;
            this.services = services;
            this.inputs = inputs;
        }

        public WindowInputs inputs() {
            return inputs;
        }

        public AppServices services() {
            return services;
        }

        public History history() {
            return history;
        }

        @Override
        public void close() throws IOException {
            try {
                services.close();
            } finally {
                history.close();
            }
        }
    }

    /**
     * Opens the window over {@code data} with {@code fleet} listed, and returns when it was closed. The window opens
     * first (decision 0017): JavaFX starts on a thread of its own while this one reads the settings and takes the data
     * directory's lock; the window shows at once with its actions disabled, then the history and the services open on
     * another thread, and it becomes the full window.
     *
     * @param data the data directory the start resolved; the platform's default gives way to the one chosen in the
     *             Settings tab
     * @throws org.fleetflash.core.history.InstanceLockedException another FleetFlash uses the data directory (found
     *             before any window shows)
     * @throws IOException the history or the services could not be opened (the window said so until it was closed)
     */
    public static void run(DataDirectory data, List<KnownRouter> fleet, boolean demo)
            throws IOException, InterruptedException, FleetFlashApp.NoDisplayException {
        org.fleetflash.app.logging.ToolkitStderr.install();
        run(FleetFlashApp.Toolkit.start(), data, fleet, demo, () -> { });
    }

    /**
     * Opens the window as {@link #run(DataDirectory, List, boolean)} does, on JavaFX the caller started already.
     *
     * @param whenShown run on the FX thread once the window's first frame is out, beside the opening of the history
     *                  and the services (it must not block): the caller's own heavy start-up work (the log file)
     */
    public static void run(FleetFlashApp.Toolkit toolkit, DataDirectory data, List<KnownRouter> fleet, boolean demo, Runnable whenShown)
            throws IOException, InterruptedException, FleetFlashApp.NoDisplayException {
        SettingsStore store = SettingsStore.forThisUser();
        DataDirectory dir;
        InstanceLock lock;
        SettingsStore.Loaded settings;
        OpeningWindow.Look look;
        try {
            dir = dataDirectory(store, data);
            dir.ensureExists();
            settings = store.load(dir.path());
            WindowSettings place = WindowSettings.load(dir.path());
            Theme theme = Files.exists(dir.path().resolve(SettingsStore.SETTINGS_FILE)) ? Theme.of(settings.settings().theme()) : place.theme();
            look = new OpeningWindow.Look(demo ? "FleetFlash — demo fleet" : "FleetFlash", theme, place);
            // one FleetFlash at a time: refused here, as before, without a window
            lock = InstanceLock.acquire(dir);
        } catch (IOException | RuntimeException e) {
            toolkit.stop();
            throw e;
        }
        CompletableFuture<Session> opening = new CompletableFuture<>();
        Thread opener = new Thread(() -> {
            try {
                opening.complete(open(dir, lock, store, settings, fleet, demo));
            } catch (IOException | RuntimeException e) {
                opening.completeExceptionally(e);
            }
        }, "fleetflash-open");
        // the history and the services open once the window's first frame is out: on two cores, opening them at the
        // same time only delays that frame (decision 0017); started once, or abandoned if the window never showed
        java.util.concurrent.atomic.AtomicBoolean decided = new java.util.concurrent.atomic.AtomicBoolean();
        try {
            FleetFlashApp.showAndWait(toolkit, look, opening.thenApply(Session::inputs), () -> {
                if (decided.compareAndSet(false, true)) {
                    opener.start();
                    whenShown.run();
                }
            });
        } finally {
            if (decided.compareAndSet(false, true)) {
                lock.close(); // no window: nothing was opened under the lock
            } else {
                opener.join(); // the history and the services are closed here, even when the window closed before they were ready
                if (!opening.isCompletedExceptionally()) {
                    opening.join().close();
                }
            }
        }
        if (opening.isCompletedExceptionally()) {
            try {
                opening.join();
            } catch (java.util.concurrent.CompletionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                throw e;
            }
        }
    }

    /** Opens the history of {@code data} under {@code lock} (closed on failure) and the services its settings configure. */
    private static Session open(DataDirectory data, InstanceLock lock, SettingsStore store, SettingsStore.Loaded settings,
            List<KnownRouter> fleet, boolean demo) throws IOException {
        return withServices(History.open(data, lock), data, store, settings, fleet, demo);
    }

    /**
     * Reads the settings of {@code data} and opens its history and the services they configure (the image server's
     * port and passive ports; its address is the settings' {@code ftpBind}, given to each upgrade).
     */
    public static Session open(DataDirectory data, SettingsStore store, List<KnownRouter> fleet, boolean demo) throws IOException {
        data.ensureExists();
        SettingsStore.Loaded settings = store.load(data.path());
        return withServices(History.open(data), data, store, settings, fleet, demo);
    }

    /** Starts the services {@code settings} configure over the open {@code history}; closes it if they cannot start. */
    private static Session withServices(History history, DataDirectory data, SettingsStore store, SettingsStore.Loaded settings,
            List<KnownRouter> fleet, boolean demo) throws IOException {
        try {
            history.hostKeys().useWindowWording(); // a changed key is forgotten in the window, not with a command beside it
            AppServices services = AppServices.start(data.path(), new EngineSettings(settings.settings()).imageHosting(), history.hostKeys());
            services.upgrades().useWindowWording(); // the window overrides no refusal: no --force-image, no --reflash
            history.offerBackups(services.upgrades());
            return new Session(history, services, new WindowInputs(services, history, fleet, demo, store, settings));
        } catch (RuntimeException e) {
            history.close();
            throw e;
        }
    }

    /**
     * The data directory the window opens, given the one the start resolved ({@link DataDirectory#forThisUser}): that
     * one when named on purpose, else the one chosen in the Settings tab, else the platform's. Its log file goes there.
     *
     * @throws DataDirectory.UnusableException when the one chosen in the Settings tab is not there any more (a disk not
     *                                         connected): it is not made again empty
     */
    public static DataDirectory dataDirectory(SettingsStore store, DataDirectory given) throws DataDirectory.UnusableException {
        DataDirectory dir = store.dataDirectory(given, platformDefault());
        if (!dir.path().equals(given.path())) {
            dir = given.elsewhere(dir.path()); // its sentences name another as the start does (the window: no --data-dir)
            dir.requireExisting("The data directory " + dir.path() + ", chosen in the Settings tab, is not there (a disk that is not"
                    + " connected, or a folder moved?). FleetFlash does not make it again empty, which would hide its history:"
                    + " connect it and start again, or delete " + store.choiceFile() + " to open " + given.path() + " instead.");
        }
        return dir;
    }

    /** The platform's data directory, as if neither {@code --data-dir} nor {@code FLEETFLASH_DATA_DIR} were given. */
    private static Path platformDefault() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove(DataDirectory.ENV);
        return DataDirectory.resolve(Optional.empty(), env, System.getProperty("os.name", ""), Path.of(System.getProperty("user.home")))
                .path();
    }
}

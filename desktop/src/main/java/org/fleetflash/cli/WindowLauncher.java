package org.fleetflash.cli;

import java.io.IOException;
import java.util.List;
import org.fleetflash.core.app.AppServices;
import org.fleetflash.core.history.History;
import org.fleetflash.core.settings.DataDirectory;
import org.fleetflash.core.upgrade.ImageHosting;
import org.fleetflash.ui.FleetFlashApp;
import org.fleetflash.ui.WindowInputs;
import org.fleetflash.ui.fleet.KnownRouter;
import org.fleetflash.ui.history.AttemptSource;

/**
 * The window's composition root: opens the data directory's history (one FleetFlash at a time) and the
 * application's services, hands them to the window, and closes them when the window closes.
 */
public final class WindowLauncher {

    private WindowLauncher() {
    }

    /**
     * Opens the window over {@code data} with {@code fleet} listed, and returns when it was closed.
     *
     * @throws org.fleetflash.core.history.InstanceLockedException another FleetFlash uses the data directory
     */
    public static void run(DataDirectory data, List<KnownRouter> fleet, boolean demo)
            throws IOException, InterruptedException, FleetFlashApp.NoDisplayException {
        data.ensureExists();
        try (History history = History.open(data); AppServices services = AppServices.start(data.path(), ImageHosting.DEFAULT,
                history.hostKeys())) {
            FleetFlashApp.showAndWait(new WindowInputs(services, history.hostKeys(), AttemptSource.of(history),
                    fleet, demo));
        }
    }
}

package org.fleetflash.ui;

import java.util.List;
import java.util.Objects;
import org.fleetflash.core.app.AppServices;
import org.fleetflash.core.device.HostKeyStore;
import org.fleetflash.core.history.History;
import org.fleetflash.core.settings.SettingsStore;
import org.fleetflash.ui.fleet.KnownRouter;
import org.fleetflash.ui.history.AttemptSource;

/**
 * What the window is opened with, made by the composition root ({@code fleetflash demo} or the application's start):
 * nothing the window shows comes from static state.
 *
 * @param services the application's services (data directory, SSH connector, upgrade services); the caller closes them
 * @param records  the data directory's history, open and locked for this process: the attempts the window lists,
 *                 the pinned host keys, and the writer that records the window's upgrades; the caller closes it
 * @param fleet    the routers to list from the start (the demo fleet)
 * @param demo     whether this is the demo: a banner says so and the login is pre-filled
 * @param store    where the Settings tab saves
 * @param settings the settings read at the start (those the services were started with), with what could not be read
 */
public record WindowInputs(AppServices services, History records, List<KnownRouter> fleet, boolean demo, SettingsStore store,
        SettingsStore.Loaded settings) {
    public WindowInputs {
        Objects.requireNonNull(services, "services");
        Objects.requireNonNull(records, "records");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(settings, "settings");
        fleet = List.copyOf(fleet);
    }

    /** The pinned host keys the probes and upgrades check against and pin into. */
    public HostKeyStore hostKeys() {
        return records.hostKeys();
    }

    /** Every recorded attempt (the fleet's known routers and the History tab). */
    public AttemptSource history() {
        return AttemptSource.of(records);
    }
}

package org.fleetflash.ui;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.fleetflash.agent.sim.SimRouter;
import org.fleetflash.core.app.AppServices;
import org.fleetflash.core.device.SshTarget;
import org.fleetflash.core.history.History;
import org.fleetflash.core.settings.DataDirectory;
import org.fleetflash.demo.DemoFleet;
import org.fleetflash.ui.fleet.KnownRouter;

/** A real demo fleet (simulated routers, real SSH), a real history file and the application's services, as the demo wires them. */
final class FleetWindowFixture implements AutoCloseable {

    final DemoFleet fleet;
    final History history;
    final AppServices services;
    /** The settings' configuration folder: under the test's home, not the user's. */
    final Path config;

    private FleetWindowFixture(DemoFleet fleet, History history, AppServices services, Path config) {
        this.fleet = fleet;
        this.history = history;
        this.services = services;
        this.config = config;
    }

    static FleetWindowFixture start(Path home, String firstAddress, int port) throws IOException {
        return start(home, firstAddress, port, false);
    }

    /** With {@code fastFlash} the routers write their flash unthrottled (an upgrade in seconds, not minutes). */
    static FleetWindowFixture start(Path home, String firstAddress, int port, boolean fastFlash) throws IOException {
        DemoFleet fleet = DemoFleet.start(home.resolve("demo-fleet"), firstAddress, port, fastFlash);
        DataDirectory data = DataDirectory.forThisUser(Optional.of(home.resolve("data")));
        Path config = home.resolve("config");
        // the history and the services as the application's composition root opens them for the window
        org.fleetflash.cli.WindowLauncher.Session session = org.fleetflash.cli.WindowLauncher.open(data,
                new org.fleetflash.core.settings.SettingsStore(config, org.fleetflash.core.settings.LocalInterfaces.SYSTEM,
                        java.time.Clock.systemUTC()), List.of(), false);
        return new FleetWindowFixture(fleet, session.inputs().records(), session.inputs().services(), config);
    }

    WindowInputs inputs() {
        List<KnownRouter> known = new ArrayList<>();
        for (DemoFleet.Member m : fleet.members()) {
            SimRouter r = m.router();
            known.add(new KnownRouter(r.name(), new SshTarget(r.address(), r.port()), Optional.of(r.user()), Optional.of(r.password()),
                    m.fault()));
        }
        return withSettings(known, true);
    }

    /** Inputs whose settings live under the test's home, never in the user's own configuration. */
    private WindowInputs withSettings(List<KnownRouter> known, boolean demo) {
        org.fleetflash.core.settings.SettingsStore store = new org.fleetflash.core.settings.SettingsStore(config,
                org.fleetflash.core.settings.LocalInterfaces.SYSTEM, java.time.Clock.systemUTC());
        return new WindowInputs(services, history, known, demo, store, store.load(services.dataDirectory()));
    }

    /** The inputs with the history as the application gives it (filters, details and exports work), and no fleet. */
    WindowInputs historyInputs() {
        return withSettings(List.of(), false);
    }

    /** The window's inputs listing only the demo routers {@code listed} accepts (the others are there for a scan to find). */
    WindowInputs inputs(java.util.function.Predicate<DemoFleet.Member> listed) {
        WindowInputs all = inputs();
        java.util.Set<SshTarget> keep = fleet.members().stream().filter(listed)
                .map(m -> new SshTarget(m.router().address(), m.router().port())).collect(java.util.stream.Collectors.toSet());
        return withSettings(all.fleet().stream().filter(k -> keep.contains(k.target())).toList(), all.demo());
    }

    SimRouter router(String name) {
        return fleet.members().stream().map(DemoFleet.Member::router).filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    @Override
    public void close() throws IOException {
        services.close();
        history.close();
        fleet.close();
    }
}

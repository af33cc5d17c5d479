package org.fleetflash.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.fleetflash.agent.sim.Profile;
import org.fleetflash.agent.sim.Shell;
import org.fleetflash.agent.sim.SimFleet;
import org.fleetflash.agent.sim.SimRouter;
import org.fleetflash.core.settings.DataDirectory;
import org.fleetflash.ui.FleetFlashApp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code fleetflash demo}: starts a simulated demo fleet on loopback and opens the window on it. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Starts a simulated demo fleet on loopback (127.0.3.x) and opens the application on it.",
            "The routers keep their flash in the data directory's demo-fleet folder across runs."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:the demo ended", "2:bad command line", "1:the fleet could not start (see the message)"})
final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "FleetFlash's data directory (default: the user's; environment variable FLEETFLASH_DATA_DIR).")
    Path dataDir;

    @Option(names = "--no-window", description = "Only start the fleet and print it, then run until interrupted.")
    boolean noWindow;

    @Override
    public Integer call() throws Exception {
        Path state = DataDirectory.ownerOnlyDirectory(DataDirectory.forThisUser(Optional.ofNullable(dataDir)).ensureExists()
                .resolve("demo-fleet"));
        List<SimFleet> fleets = new ArrayList<>();
        try {
            fleets.add(SimFleet.start(state, new SimFleet.Spec(Profile.load("tl-wdr3600"), Shell.DASH, 3,
                    "127.0.3.1", 0, SimFleet.Vary.ADDRESS, Optional.empty(), Optional.empty())));
            int next = 4;
            for (String name : Profile.builtInNames()) {
                if (!name.equals("tl-wdr3600")) {
                    fleets.add(SimFleet.start(state, new SimFleet.Spec(Profile.load(name), Shell.DASH, 1,
                            "127.0.3." + next++, 0, SimFleet.Vary.ADDRESS, Optional.empty(), Optional.empty())));
                }
            }
            List<String> lines = new ArrayList<>();
            for (SimFleet f : fleets) {
                for (SimRouter r : f.routers()) {
                    lines.add(r.describe());
                    spec.commandLine().getOut().println(r.describe());
                }
            }
            spec.commandLine().getOut().flush();
            if (noWindow) {
                spec.commandLine().getErr().println("Demo fleet running. Press Ctrl+C to stop.");
                java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    closeAll(fleets);
                    stopped.countDown();
                }, "demo-shutdown"));
                stopped.await();
            } else {
                try {
                    FleetFlashApp.showAndWait(lines);
                } catch (FleetFlashApp.NoDisplayException e) {
                    Failures.print(spec.commandLine().getErr(), spec, e.getMessage() + " To run only the fleet, add --no-window.");
                    return ExitCodes.OTHER;
                }
            }
        } finally {
            closeAll(fleets);
        }
        return 0;
    }

    private static void closeAll(List<SimFleet> fleets) {
        for (SimFleet f : fleets) {
            try {
                f.close();
            } catch (java.io.IOException e) {
                // stopping anyway: the routers' state stays on disk
            }
        }
    }
}

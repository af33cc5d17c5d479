package org.fleetflash.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.fleetflash.agent.sim.SimRouter;
import org.fleetflash.core.device.SshTarget;
import org.fleetflash.core.settings.DataDirectory;
import org.fleetflash.demo.DemoFleet;
import org.fleetflash.ui.FleetFlashApp;
import org.fleetflash.ui.fleet.KnownRouter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code fleetflash demo}: starts a simulated demo fleet on loopback and opens the window on it. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Starts a simulated demo fleet on loopback and opens the application on it: three TL-WDR3600 on 127.0.3.1-3"
                + " (the second returns late after a reboot, the third has too little RAM to stage an upgrade), then one router of"
                + " every other built-in profile, all on port 2222 (--port). It prints one line per router:"
                + " name address:port user password; then one line per ready-made demo image: image FILE # what it is for.",
            "The routers keep their flash and host keys in the data directory's demo-fleet folder across runs."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:the demo ended", "2:bad command line", "1:the fleet could not start (see the message)"})
final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "FleetFlash's data directory (default: the user's; environment variable FLEETFLASH_DATA_DIR).")
    Path dataDir;

    @Option(names = "--no-window", description = "Only start the fleet and print it, then run until interrupted.")
    boolean noWindow;

    @Option(names = "--port", defaultValue = "" + DemoFleet.PORT, paramLabel = "PORT",
            description = "SSH port of every demo router (default: ${DEFAULT-VALUE}; the addresses are always 127.0.3.1 and up).")
    int port;

    @Option(names = "--flash", defaultValue = "${env:FLEETFLASH_DEMO_FLASH:-real}", paramLabel = "SPEED",
            description = "How fast the demo routers' flash writes: real (a real chip's speed, about 100 KB/s: an upgrade writes"
                    + " for over a minute) or unthrottled (default: ${DEFAULT-VALUE}; environment variable FLEETFLASH_DEMO_FLASH).")
    String flash;

    @Override
    public Integer call() throws Exception {
        if (port < 1 || port > 65535) {
            Failures.print(spec.commandLine().getErr(), spec, "--port must be 1..65535, not " + port);
            return ExitCodes.USAGE;
        }
        if (!flash.equals("real") && !flash.equals("unthrottled")) {
            Failures.print(spec.commandLine().getErr(), spec, "--flash (or FLEETFLASH_DEMO_FLASH) must be real or unthrottled, not '"
                    + org.fleetflash.core.text.Sanitize.line(flash, 40) + "'");
            return ExitCodes.USAGE;
        }
        DataDirectory data = DataDirectory.forThisUser(Optional.ofNullable(dataDir));
        data.ensureExists();
        Path state = DataDirectory.ownerOnlyDirectory(data.demoFleet());
        DemoFleet fleet;
        try {
            fleet = DemoFleet.start(state, DemoFleet.FIRST_ADDRESS, port, flash.equals("unthrottled"));
        } catch (java.io.IOException e) {
            Failures.print(spec.commandLine().getErr(), spec, e.getMessage());
            return ExitCodes.OTHER;
        }
        try (fleet) {
            List<KnownRouter> known = new ArrayList<>();
            for (DemoFleet.Member m : fleet.members()) {
                SimRouter r = m.router();
                known.add(new KnownRouter(r.name(), new SshTarget(r.address(), r.port()), Optional.of(r.user()),
                        Optional.of(r.password()), m.fault()));
                spec.commandLine().getOut().println(m.describe());
            }
            for (DemoFleet.DemoImage image : fleet.images()) {
                spec.commandLine().getOut().println("image " + image.file() + "  # " + image.purpose());
            }
            spec.commandLine().getOut().flush();
            if (noWindow) {
                spec.commandLine().getErr().println("Demo fleet running. Press Ctrl+C to stop.");
                java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    fleet.close();
                    stopped.countDown();
                }, "demo-shutdown"));
                stopped.await();
                return 0;
            }
            try {
                WindowLauncher.run(data, known, true);
            } catch (FleetFlashApp.NoDisplayException e) {
                Failures.print(spec.commandLine().getErr(), spec, e.getMessage() + " To run only the fleet, add --no-window.");
                return ExitCodes.OTHER;
            } catch (org.fleetflash.core.history.InstanceLockedException e) {
                Failures.print(spec.commandLine().getErr(), spec, e.getMessage());
                return ExitCodes.OTHER;
            }
        }
        return 0;
    }

}

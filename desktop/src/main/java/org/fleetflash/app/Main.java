package org.fleetflash.app;

import org.fleetflash.cli.FleetFlashCommand;

/**
 * Entry point of {@code fleetflash.jar}: no argument opens the window, any argument runs the command line.
 *
 * <p>This class deliberately does not extend {@code javafx.application.Application}: a fat jar whose
 * main class is an Application is refused by the JavaFX launcher ("JavaFX runtime components are
 * missing").
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            FleetFlashApp.launchWindow(args);
            return;
        }
        System.exit(FleetFlashCommand.run(args));
    }
}

package org.fleetflash.app;

import java.util.Optional;
import org.fleetflash.app.logging.LogFile;
import org.fleetflash.cli.Failures;
import org.fleetflash.cli.FleetFlashCommand;
import org.fleetflash.cli.WindowLauncher;
import org.fleetflash.core.settings.DataDirectory;
import org.fleetflash.ui.FleetFlashApp;
import org.slf4j.LoggerFactory;

/**
 * Entry point of {@code fleetflash.jar}: no argument opens the window, any argument runs the command line.
 * Logging goes to the log file of the data directory (never the console), and a thread that dies of an unexpected
 * failure leaves one sentence on stderr and its stack trace in that file.
 *
 * <p>This class deliberately does not extend {@code javafx.application.Application}: a fat jar whose
 * main class is an Application is refused by the JavaFX launcher ("JavaFX runtime components are
 * missing").
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        Thread.setDefaultUncaughtExceptionHandler(Main::uncaught);
        if (Boolean.getBoolean(org.fleetflash.ui.FleetFlashApp.PRINT_SHOWN_PROPERTY)) {
            // bench/ui-bench.sh reads this line: the time from the command to the first shown window
            org.fleetflash.ui.FleetFlashApp.onFirstShown(ms -> {
                System.out.println("fleetflash-window-shown " + ms);
                System.out.flush();
            });
        }
        if (args.length == 0) {
            try {
                LogFile.start(DataDirectory.forThisUser(Optional.empty()));
            } catch (java.io.IOException | RuntimeException e) {
                System.err.println("fleetflash: no log file for this run (" + e.getMessage() + ")");
            }
            try {
                WindowLauncher.run(DataDirectory.forThisUser(Optional.empty()), java.util.List.of(), false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (FleetFlashApp.NoDisplayException e) {
                System.err.println("fleetflash: " + e.getMessage() + " See 'fleetflash --help'.");
                System.exit(1);
            } catch (java.io.IOException e) {
                System.err.println("fleetflash: " + org.fleetflash.core.text.Sanitize.line(e.getMessage(), 2000));
                System.exit(1);
            }
            return;
        }
        System.exit(FleetFlashCommand.run(args));
    }

    /** One sentence on stderr, the stack trace in the log file. */
    static void uncaught(Thread thread, Throwable failure) {
        try {
            LoggerFactory.getLogger(Main.class).error("Thread {} died", thread.getName(), failure);
        } finally {
            System.err.println("fleetflash: " + org.fleetflash.core.text.Sanitize.line(Failures.unexpected(failure), 2000));
            System.err.flush();
        }
    }
}

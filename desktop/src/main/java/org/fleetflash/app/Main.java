package org.fleetflash.app;

import java.util.Optional;
import org.fleetflash.app.logging.LogFile;
import org.fleetflash.app.logging.ToolkitStderr;
import org.fleetflash.cli.Failures;
import org.fleetflash.cli.FleetFlashCommand;
import org.fleetflash.cli.WindowLauncher;
import org.fleetflash.core.settings.DataDirectory;
import org.fleetflash.core.settings.SettingsStore;
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

    /**
     * The build's class-list run (decision 0020): the window opens, attaches its history and services, and the JVM
     * ends at the first frame of the full window, so that the classes a start-up loads are the ones listed.
     */
    public static final String CLASS_LIST_RUN_PROPERTY = "fleetflash.classListRun";

    private Main() {
    }

    public static void main(String[] args) {
        Thread.setDefaultUncaughtExceptionHandler(Main::uncaught);
        boolean printShown = Boolean.getBoolean(FleetFlashApp.PRINT_SHOWN_PROPERTY);
        boolean classListRun = Boolean.getBoolean(CLASS_LIST_RUN_PROPERTY);
        if (printShown) {
            // bench/ui-bench.sh reads these lines: the time from the command to the first shown window, then to the
            // full window (its history and services attached)
            FleetFlashApp.onFirstShown(ms -> printLine("fleetflash-window-shown " + ms));
        }
        if (printShown || classListRun) {
            FleetFlashApp.onReady(ms -> {
                if (printShown) {
                    printLine("fleetflash-window-ready " + ms);
                }
                if (classListRun) {
                    System.exit(0);
                }
            });
        }
        if (args.length == 0) {
            openWindow();
            return;
        }
        System.exit(FleetFlashCommand.run(args));
    }

    /**
     * The window (decision 0017): JavaFX starts on a thread of its own; the log file is set up on another once the
     * window's first frame is out (what is logged until then is held and written to it once it is ready; JavaFX's
     * java.util.logging never reaches the console).
     */
    private static void openWindow() {
        LogFile.holdUntilStarted();
        ToolkitStderr.install();
        FleetFlashApp.Toolkit toolkit = FleetFlashApp.Toolkit.start();
        // SLF4J and logback's first configuration (events held in memory), here and once: were it started by two
        // threads at once, SLF4J would print a notice about the calls it replayed onto the console
        LoggerFactory.getILoggerFactory();
        DataDirectory given = DataDirectory.forThisUser(Optional.empty()).forTheWindow();
        Thread logFile = new Thread(() -> {
            try {
                // the window's own data directory, the one chosen in its Settings tab included
                LogFile.start(WindowLauncher.dataDirectory(SettingsStore.forThisUser(), given));
            } catch (DataDirectory.UnusableException e) {
                // no second sentence: the window refuses to open on that directory with this very one
            } catch (java.io.IOException | RuntimeException e) {
                System.err.println("fleetflash: no log file for this run (" + e.getMessage() + ")");
            }
        }, "fleetflash-log-file");
        logFile.setDaemon(true);
        java.util.concurrent.atomic.AtomicBoolean logStarted = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable startLogFile = () -> {
            if (logStarted.compareAndSet(false, true)) {
                logFile.start();
            }
        };
        int status = -1;
        try {
            WindowLauncher.run(toolkit, given, java.util.List.of(), false, startLogFile);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (FleetFlashApp.NoDisplayException e) {
            System.err.println("fleetflash: " + e.getMessage() + " See 'fleetflash --help'.");
            status = 1;
        } catch (java.io.IOException e) {
            System.err.println("fleetflash: " + org.fleetflash.core.text.Sanitize.line(e.getMessage(), 2000));
            status = 1;
        }
        // the log file gets what was held, also when no window showed
        startLogFile.run();
        try {
            logFile.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (status >= 0) {
            System.exit(status);
        }
    }

    private static void printLine(String line) {
        System.out.println(line);
        System.out.flush();
    }

    /** One sentence on stderr, the stack trace in the log file. */
    static void uncaught(Thread thread, Throwable failure) {
        try {
            LoggerFactory.getLogger(Main.class).error("Thread {} died", thread.getName(), failure);
        } finally {
            // the terminal, also from a JavaFX thread (whose other prints go to the log file)
            ToolkitStderr.terminal().println("fleetflash: " + org.fleetflash.core.text.Sanitize.line(Failures.unexpected(failure), 2000));
            ToolkitStderr.terminal().flush();
        }
    }
}

package org.fleetflash.app.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusUtil;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Optional;
import org.fleetflash.core.settings.DataDirectory;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Where the application's log goes: a rolling file {@code logs/fleetflash.log} in the data directory, owner-only, with
 * control characters escaped; never the console. Until {@link #start} (and in tests that never call it) logging is
 * silent. The level is INFO, or what the environment variable {@code FLEETFLASH_LOG} says (e.g. {@code debug}).
 */
public final class LogFile {

    /** Environment variable that sets the level of the log file: error, warn, info, debug or trace. */
    public static final String LEVEL_ENV = "FLEETFLASH_LOG";
    /** The logger context property that holds the log file's path (used by {@code logback-file.xml}). */
    static final String FILE_PROPERTY = "FLEETFLASH_LOG_FILE";

    private static Path current;

    private LogFile() {
    }

    /**
     * Sends all logging to the log file of {@code data} from now on (creating the data directory 700, {@code logs/}
     * 700 and the file 600 as needed) and returns the file.
     *
     * @throws IOException when the directory or file cannot be created or logback refuses the configuration
     */
    public static synchronized Path start(DataDirectory data) throws IOException {
        data.ensureExists();
        DataDirectory.ownerOnlyDirectory(data.logs());
        Path file = DataDirectory.ownerOnlyFile(data.logFile());
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            throw new IOException("Logging is not done by logback here (" + factory.getClass().getName() + "): no log file.");
        }
        URL config = LogFile.class.getResource("logback-file.xml");
        if (config == null) {
            throw new IOException("The logging configuration logback-file.xml is missing from the application.");
        }
        context.reset();
        context.putProperty(FILE_PROPERTY, file.toString());
        // JavaFX (and any other library) logging through java.util.logging goes to the same file, not to stderr
        org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
        org.slf4j.bridge.SLF4JBridgeHandler.install();
        long since = System.currentTimeMillis();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(config);
        } catch (JoranException e) {
            throw new IOException("Cannot start the log file " + file + ": " + e.getMessage(), e);
        }
        StatusUtil status = new StatusUtil(context);
        if (status.getHighestLevel(since) >= Status.WARN) {
            String problems = context.getStatusManager().getCopyOfStatusList().stream()
                    .filter(s -> s.getTimestamp() >= since && s.getLevel() >= Status.WARN).map(Status::getMessage)
                    .reduce((a, b) -> a + "; " + b).orElse("");
            context.reset();
            throw new IOException("Cannot start the log file " + file + ": " + problems);
        }
        current = file;
        return file;
    }

    /** The log file in use, if {@link #start} succeeded. */
    public static synchronized Optional<Path> current() {
        return Optional.ofNullable(current);
    }
}

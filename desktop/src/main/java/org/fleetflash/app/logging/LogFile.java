package org.fleetflash.app.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusUtil;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.fleetflash.core.settings.DataDirectory;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Where the application's log goes: a rolling file {@code logs/fleetflash.log} in the data directory, owner-only, with
 * control characters escaped; never the console. What is logged before {@link #start} is held in memory
 * ({@link StartBuffer}, and java.util.logging's records after {@link #holdUntilStarted}) and written to the file when it
 * starts, so the window can open while the log file is still being set up; in tests that never call it, nothing is
 * written. The level is INFO, or what the environment variable {@code FLEETFLASH_LOG} says (e.g. {@code debug}).
 */
public final class LogFile {

    /** Environment variable that sets the level of the log file: error, warn, info, debug or trace. */
    public static final String LEVEL_ENV = "FLEETFLASH_LOG";

    private static Path current;
    private static HeldJulRecords heldJul;

    private LogFile() {
    }

    /**
     * Keeps java.util.logging (JavaFX logs through it) off the console from now on: its records are held until
     * {@link #start} hands them to the log file. Cheap (no logback, no SLF4J): call it first, before JavaFX starts.
     */
    public static synchronized void holdUntilStarted() {
        java.util.logging.Logger root = java.util.logging.LogManager.getLogManager().getLogger("");
        for (java.util.logging.Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        heldJul = new HeldJulRecords();
        root.addHandler(heldJul);
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
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        // other threads log meanwhile (the window opens while the file is set up): what they log is held, never dropped
        if (root.getAppender(StartBuffer.NAME) == null) {
            StartBuffer holding = new StartBuffer();
            holding.setName(StartBuffer.NAME);
            holding.setContext(context);
            holding.start();
            root.addAppender(holding);
        }
        ch.qos.logback.core.Appender<ch.qos.logback.classic.spi.ILoggingEvent> earlier =
                root.getAppender(LogFileConfiguration.FILE_APPENDER);
        if (earlier != null) { // a log file started before in this JVM
            root.detachAppender(earlier);
            earlier.stop();
        }
        // JavaFX (and any other library) logging through java.util.logging goes to the same file, not to stderr
        java.util.List<java.util.logging.LogRecord> earlyJul = heldJul == null ? java.util.List.of() : heldJul.drain();
        org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
        org.slf4j.bridge.SLF4JBridgeHandler.install();
        heldJul = null;
        long since = System.currentTimeMillis();
        LogFileConfiguration.apply(context, file, System.getenv(LEVEL_ENV));
        StatusUtil status = new StatusUtil(context);
        if (status.getHighestLevel(since) >= Status.WARN) {
            String problems = context.getStatusManager().getCopyOfStatusList().stream()
                    .filter(s -> s.getTimestamp() >= since && s.getLevel() >= Status.WARN).map(Status::getMessage)
                    .reduce((a, b) -> a + "; " + b).orElse("");
            context.reset();
            throw new IOException("Cannot start the log file " + file + ": " + problems);
        }
        current = file;
        // from now on the file; then what was held before it was ready, in its order
        ch.qos.logback.core.Appender<ch.qos.logback.classic.spi.ILoggingEvent> held = root.getAppender(StartBuffer.NAME);
        if (held != null) {
            root.detachAppender(held);
            held.stop();
        }
        for (ch.qos.logback.classic.spi.ILoggingEvent e : StartBuffer.drain()) {
            ch.qos.logback.classic.Logger logger = context.getLogger(e.getLoggerName());
            if (logger.isEnabledFor(e.getLevel())) {
                logger.callAppenders(e);
            }
        }
        long earlyDropped = StartBuffer.drainDropped();
        if (earlyDropped > 0) {
            context.getLogger(LogFile.class).warn("{} events logged before the log file was ready were not kept", earlyDropped);
        }
        java.util.logging.Handler bridge = java.util.Arrays.stream(java.util.logging.LogManager.getLogManager().getLogger("")
                .getHandlers()).filter(h -> h instanceof org.slf4j.bridge.SLF4JBridgeHandler).findFirst().orElse(null);
        if (bridge != null) {
            earlyJul.forEach(bridge::publish);
        }
        return file;
    }

    /** The log file in use, if {@link #start} succeeded. */
    public static synchronized Optional<Path> current() {
        return Optional.ofNullable(current);
    }
}

package org.fleetflash.app.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.pattern.DynamicConverter;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The log file's logback configuration, made in code: one rolling, owner-only file (10 MB, then {@code .1} to
 * {@code .5}), never the console. Every message, thread name and stack trace goes through {@code %escape}
 * ({@link EscapingConverter}), so control characters, bidi overrides and line breaks inside a message show as
 * visible escapes: a user name sent by an FTP client cannot drive the terminal of whoever reads the file, nor forge a
 * line of it. The chatty libraries (SSH, FTP, MINA) log warnings and errors only.
 *
 * <p>Made in code rather than read from XML: logback's XML reader (Joran) and the XML parser it needs are some
 * eight hundred classes, loaded by every command and by the window just to read these few lines.
 */
final class LogFileConfiguration {

    /** The appender's name, as {@link LogFile} finds it again. */
    static final String FILE_APPENDER = "FILE";
    /** {@code "{}"} after {@code %escape(...)}: without options, the pattern parser takes a {@code %n} right after the
     *  closing parenthesis as literal text. */
    static final String PATTERN =
            "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%escape(%thread){}] %logger{36} - %escape(%msg){}%n%escape(%ex){lines}";
    private static final Map<String, Level> QUIET = Map.of("org.apache.sshd", Level.WARN, "org.apache.ftpserver", Level.WARN,
            "org.apache.mina", Level.WARN,
            // FtpServer warns on every transfer when passive ports are "any" (port 0); nothing to act on
            "org.apache.ftpserver.impl.PassivePorts", Level.ERROR);

    private LogFileConfiguration() {
    }

    /**
     * Adds the file appender writing to {@code file} to {@code context}'s root logger, at the level {@code level}
     * names (error, warn, info, debug, trace; INFO when null or unknown). Problems are in the context's status list.
     */
    static void apply(LoggerContext context, Path file, String level) {
        registerEscape(context);
        OwnerOnlyRollingFileAppender<ILoggingEvent> appender = new OwnerOnlyRollingFileAppender<>();
        appender.setContext(context);
        appender.setName(FILE_APPENDER);
        appender.setFile(file.toString());

        FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
        rolling.setContext(context);
        rolling.setParent(appender);
        rolling.setFileNamePattern(file + ".%i");
        rolling.setMinIndex(1);
        rolling.setMaxIndex(5);
        rolling.start();
        appender.setRollingPolicy(rolling);

        SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
        trigger.setContext(context);
        trigger.setMaxFileSize(FileSize.valueOf("10MB"));
        trigger.start();
        appender.setTriggeringPolicy(trigger);

        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        appender.setEncoder(encoder);
        appender.start();

        QUIET.forEach((name, quiet) -> context.getLogger(name).setLevel(quiet));
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level, Level.INFO));
        root.addAppender(appender);
    }

    /** Makes {@code %escape} known to the context's pattern layouts. */
    @SuppressWarnings("unchecked")
    private static void registerEscape(LoggerContext context) {
        Object registered = context.getObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS);
        Map<String, Supplier<DynamicConverter<?>>> rules = registered instanceof Map<?, ?> m
                ? (Map<String, Supplier<DynamicConverter<?>>>) m : new HashMap<>();
        rules.put("escape", EscapingConverter::new);
        context.putObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, rules);
    }
}

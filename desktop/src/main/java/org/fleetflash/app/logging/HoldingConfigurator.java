package org.fleetflash.app.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's configuration until {@link LogFile#start} replaces it: everything at the level of {@code FLEETFLASH_LOG}
 * (INFO by default) is held in memory by {@link StartBuffer}, nothing ever reaches the console. Found by Logback
 * through {@code META-INF/services}; made in code rather than read from a {@code logback.xml}, since reading XML
 * (Joran) at this point cost the window's start up to a second on a busy two-core laptop (decision 0017).
 */
public final class HoldingConfigurator extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        StartBuffer held = new StartBuffer();
        held.setName(StartBuffer.NAME);
        held.setContext(context);
        held.start();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(System.getenv(LogFile.LEVEL_ENV), Level.INFO));
        root.addAppender(held);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}

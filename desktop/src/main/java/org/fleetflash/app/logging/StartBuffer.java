package org.fleetflash.app.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Holds what is logged before the log file is ready (the window opens while the log file is set up on another
 * thread), so that {@link LogFile#start} can write it to the file instead of losing it. The configuration until then
 * ({@link HoldingConfigurator}) sends everything here; it keeps the first {@value #CAPACITY} events and counts the rest. Nothing
 * here ever reaches the console.
 */
public final class StartBuffer extends AppenderBase<ILoggingEvent> {

    /** Its name on the root logger. */
    static final String NAME = "HELD";
    /** How many early events are kept. */
    static final int CAPACITY = 2000;

    private static final ArrayDeque<ILoggingEvent> HELD = new ArrayDeque<>();
    private static long dropped;

    @Override
    protected void append(ILoggingEvent event) {
        event.prepareForDeferredProcessing();
        synchronized (HELD) {
            if (HELD.size() < CAPACITY) {
                HELD.add(event);
            } else {
                dropped++;
            }
        }
    }

    /** The events held so far, oldest first, and forgets them. */
    static List<ILoggingEvent> drain() {
        synchronized (HELD) {
            List<ILoggingEvent> out = List.copyOf(HELD);
            HELD.clear();
            return out;
        }
    }

    /** How many events did not fit, and forgets the count. */
    static long drainDropped() {
        synchronized (HELD) {
            long d = dropped;
            dropped = 0;
            return d;
        }
    }
}

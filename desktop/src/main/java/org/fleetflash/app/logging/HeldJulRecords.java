package org.fleetflash.app.logging;

import java.util.ArrayDeque;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * Stands in for java.util.logging's console handler until the log file is ready: JavaFX logs through
 * java.util.logging, and its toolkit may start before {@link LogFile#start} has bridged that logging to the file. The
 * records are kept (the first {@value #CAPACITY}) and handed to the bridge when it is installed; none reaches the console.
 */
final class HeldJulRecords extends Handler {

    static final int CAPACITY = 500;

    private final ArrayDeque<LogRecord> held = new ArrayDeque<>();

    @Override
    public synchronized void publish(LogRecord record) {
        if (record != null && isLoggable(record) && held.size() < CAPACITY) {
            held.add(record);
        }
    }

    /** The records held so far, oldest first, and forgets them. */
    synchronized List<LogRecord> drain() {
        List<LogRecord> out = List.copyOf(held);
        held.clear();
        return out;
    }

    @Override
    public void flush() {
        // nothing is written anywhere
    }

    @Override
    public void close() {
        drain();
    }
}

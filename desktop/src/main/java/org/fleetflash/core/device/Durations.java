package org.fleetflash.core.device;

import java.time.Duration;

/** Small text helpers for messages: human durations and shortened commands. */
final class Durations {

    private static final int MAX_COMMAND_CHARS = 200;

    private Durations() {
    }

    /** {@code 500 ms}, {@code 2 s}, {@code 2.5 s}, {@code 3 min 5 s}. */
    static String human(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        long s = d.toSeconds();
        return s / 60 + " min" + (s % 60 == 0 ? "" : " " + s % 60 + " s");
    }

    /** The command on one line and at most 200 characters, for messages. */
    static String abbreviate(String command) {
        String one = command.replace('\n', ' ');
        return one.length() <= MAX_COMMAND_CHARS ? one : one.substring(0, MAX_COMMAND_CHARS) + "...";
    }
}

package org.fleetflash.ui.upgrade;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.fleetflash.core.text.Sanitize;
import org.fleetflash.core.upgrade.UpgradeEvent;

/**
 * The newest lines of one router's upgrade for the window's Log tab: phases, the engine's and the agent's notes (not
 * the transcript-only details) and the ending, device text sanitised. Bounded; safe to add to from the engine's event
 * thread while the FX thread reads it.
 */
final class RouterLog {

    /** Lines kept: the whole transcript is in the history. */
    static final int MAX_LINES = 400;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final Deque<String> lines = new ArrayDeque<>();
    private long version;

    /** Adds what {@code e} says, if it says something a technician reads. */
    synchronized void add(UpgradeEvent e) {
        String text = null;
        if (e instanceof UpgradeEvent.Started) {
            text = "started";
        } else if (e instanceof UpgradeEvent.PhaseChanged p) {
            text = "→ " + p.to();
        } else if (e instanceof UpgradeEvent.Note n && n.level() != UpgradeEvent.Note.Level.DETAIL) {
            text = (n.level() == UpgradeEvent.Note.Level.WARNING ? "warning: " : "") + n.text();
        } else if (e instanceof UpgradeEvent.Finished f) {
            text = f.result().outcome() + " (" + f.result().code() + "): " + f.result().message();
        }
        if (text == null) {
            return;
        }
        lines.addLast(TIME.format(e.at()) + "  " + Sanitize.line(text, 400));
        while (lines.size() > MAX_LINES) {
            lines.removeFirst();
        }
        version++;
    }

    /** Changes with every added line (the view redraws only then). */
    synchronized long version() {
        return version;
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }
}

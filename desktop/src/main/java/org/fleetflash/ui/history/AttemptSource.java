package org.fleetflash.ui.history;

import java.io.IOException;
import java.util.List;
import org.fleetflash.core.history.AttemptRecord;

/** Where the window reads the recorded upgrade attempts from (the open history, or a read-only look at its file). Slow: never call on the FX thread. */
@FunctionalInterface
public interface AttemptSource {

    /** Every recorded attempt, oldest first. */
    List<AttemptRecord> attempts() throws IOException;

    /** A source with nothing recorded (no history file yet). */
    static AttemptSource none() {
        return List::of;
    }
}

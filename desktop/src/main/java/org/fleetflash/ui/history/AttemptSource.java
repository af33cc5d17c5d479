package org.fleetflash.ui.history;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.fleetflash.core.history.AttemptFilter;
import org.fleetflash.core.history.AttemptRecord;
import org.fleetflash.core.history.FleetRecords;
import org.fleetflash.core.history.History;

/**
 * Where the window reads the recorded upgrade attempts from (the open history, or a read-only look at its file). Slow:
 * never call on the FX thread. A source made from a {@link History} ({@link #of}) also runs the reads the History tab
 * filters, details and exports with; a source that only lists (a lambda) leaves the tab a plain list.
 */
@FunctionalInterface
public interface AttemptSource {

    /** Every recorded attempt, oldest first. */
    List<AttemptRecord> attempts() throws IOException;

    /** Runs {@code query} on the history file; empty for a source that only lists. */
    default <T> Optional<T> read(History.Query<T> query) throws IOException {
        return Optional.empty();
    }

    /** Whether {@link #read} runs queries (filters, details and exports work). */
    default boolean reads() {
        return false;
    }

    /** The history's fleet list (the routers remembered across starts); empty for a source that only lists attempts. */
    default Optional<FleetRecords> fleet() {
        return Optional.empty();
    }

    /** A source with nothing recorded (no history file yet). */
    static AttemptSource none() {
        return List::of;
    }

    /** The attempts of {@code history}, which the caller keeps open while the window is. */
    static AttemptSource of(History history) {
        return new AttemptSource() {
            @Override
            public List<AttemptRecord> attempts() throws IOException {
                return history.attempts(AttemptFilter.all());
            }

            @Override
            public <T> Optional<T> read(History.Query<T> query) throws IOException {
                return Optional.of(history.read(query));
            }

            @Override
            public boolean reads() {
                return true;
            }

            @Override
            public Optional<FleetRecords> fleet() {
                return Optional.of(history.fleet());
            }
        };
    }
}

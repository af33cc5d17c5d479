package org.fleetflash.core.upgrade;

import java.time.Instant;
import java.util.Objects;

/** What happens during an upgrade, as the history, the UI and the command line see it. */
public sealed interface UpgradeEvent {

    /** The router the event is about ({@code host:port}). */
    String router();

    Instant at();

    /** The upgrade moved from one phase to the next. */
    record PhaseChanged(String router, Instant at, Phase from, Phase to) implements UpgradeEvent {
        public PhaseChanged {
            Objects.requireNonNull(to, "to");
        }
    }

    /** Progress inside a phase: bytes downloaded or erase blocks flashed. */
    record Progress(String router, Instant at, Phase phase, long done, long total, String unit, String detail)
            implements UpgradeEvent {
    }

    /** Something the technician should read (a check's result, a warning, an agent log line). */
    record Note(String router, Instant at, Phase phase, Level level, String text) implements UpgradeEvent {
        /** How much it matters. */
        public enum Level { INFO, WARNING }
    }

    /**
     * The last event of an upgrade; {@code written} and {@code same} count the erase blocks the flasher
     * wrote and found already right (-1 when no telemetry told); {@code image} is what the image was
     * recognised as (empty before the plan) and {@code imageForced} whether --force-image set a check aside.
     */
    record Finished(String router, Instant at, Outcome outcome, Phase phase, String code, String message, long written,
            long same, String image, boolean imageForced) implements UpgradeEvent {
    }
}

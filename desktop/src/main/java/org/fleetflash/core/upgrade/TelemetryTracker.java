package org.fleetflash.core.upgrade;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.fleetflash.server.telemetry.TelemetryEvent;

/**
 * Follows the flasher's telemetry after the reroot: moves the attempt's phase forward (never back: datagrams may
 * arrive late or out of order), reports each erase block once, and keeps the counts of blocks written and found
 * already right. Called on the telemetry receiver's thread; what it reports goes through the script's emitter.
 */
final class TelemetryTracker {

    /** Where the tracker's findings go. */
    interface Sink {
        void advanceTo(Phase phase);

        void block(long block, long blocks, UpgradeEvent.BlockAction action);

        void warning(String text);

        void info(String text);
    }

    private final Sink sink;
    private final long planBlocks;
    private final java.time.Clock clock;
    /** When the router's newest report came, or null before the first. */
    private volatile java.time.Instant heardAt;
    private final AtomicReference<TelemetryEvent> last = new AtomicReference<>();
    private final Map<Long, UpgradeEvent.BlockAction> blocks = new ConcurrentHashMap<>();
    private final AtomicLong written = new AtomicLong(-1);
    private final AtomicLong same = new AtomicLong(-1);

    TelemetryTracker(Sink sink, long planBlocks) {
        this(sink, planBlocks, java.time.Clock.systemUTC());
    }

    TelemetryTracker(Sink sink, long planBlocks, java.time.Clock clock) {
        this.sink = sink;
        this.planBlocks = planBlocks;
        this.clock = clock;
    }

    void on(TelemetryEvent e) {
        if (!e.late()) {
            last.set(e); // the router's newest word: a datagram overtaken on the way is not its last report
            heardAt = clock.instant();
        }
        switch (e.kind()) {
            case HELLO -> sink.info("Telemetry path works (router → laptop)");
            case BEGIN -> sink.advanceTo(Phase.FLASH);
            case PROGRESS -> {
                sink.advanceTo(Phase.FLASH);
                UpgradeEvent.BlockAction action = actionOf(e.fields().getOrDefault("action", ""));
                // the flasher counts blocks from 1 (TelemetryKind.PROGRESS); an UpgradeEvent.BlockFlashed names the
                // block's index in the span, from 0 (docs/events.md)
                long block = e.number("block").orElse(0) - 1;
                // a run of blocks done together comes as one datagram with from= its first block (the parser checked
                // 1 <= from <= block <= blocks)
                long from = Math.max(0, Math.min(block, e.number("from").orElse(block + 1) - 1));
                for (long b = from; b <= block && action != null; b++) {
                    if (blocks.put(b, action) != action) {
                        sink.block(b, e.number("blocks").orElse(planBlocks), action);
                    }
                }
            }
            case VERIFY_OK -> sink.advanceTo(Phase.VERIFY_FLASH);
            case DONE -> {
                e.number("written").ifPresent(written::set);
                e.number("same").ifPresent(same::set);
                sink.advanceTo(Phase.REBOOT);
            }
            case ERROR -> sink.warning("The flasher reported " + e.fields().getOrDefault("code", "ERROR") + ": "
                    + e.fields().getOrDefault("text", ""));
        }
    }

    private static UpgradeEvent.BlockAction actionOf(String action) {
        return switch (action) {
            case "written" -> UpgradeEvent.BlockAction.WRITTEN;
            case "same", "skipped" -> UpgradeEvent.BlockAction.SAME;
            case "failed" -> UpgradeEvent.BlockAction.FAILED;
            default -> null;
        };
    }

    /** Blocks written: the flasher's own count when it sent DONE, else the blocks reported written. */
    long written() {
        return written.get() >= 0 ? written.get() : count(UpgradeEvent.BlockAction.WRITTEN);
    }

    /** Blocks found already right, likewise. */
    long same() {
        return same.get() >= 0 ? same.get() : count(UpgradeEvent.BlockAction.SAME);
    }

    private long count(UpgradeEvent.BlockAction action) {
        return blocks.isEmpty() ? -1 : blocks.values().stream().filter(action::equals).count();
    }

    /** Whether the router reported within {@code d} of now (a late datagram does not count). */
    boolean heardWithin(java.time.Duration d) {
        java.time.Instant at = heardAt;
        return at != null && !at.plus(d).isBefore(clock.instant());
    }

    /** The last report, as words for a message; null when none came. */
    String lastWord() {
        TelemetryEvent e = last.get();
        return e == null ? null : e.kind() + " " + e.fields();
    }
}

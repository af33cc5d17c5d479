package org.fleetflash.ui.layout;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.fleetflash.core.upgrade.FlasherLed;
import org.fleetflash.core.upgrade.Outcome;
import org.fleetflash.core.upgrade.Phase;
import org.fleetflash.core.upgrade.UpgradeEvent;
import org.fleetflash.core.upgrade.UpgradeResult;

/**
 * The erase blocks of one attempt's span and what the flasher did with each, built from the attempt's
 * {@link UpgradeEvent}s alone: the window forwards every event of the router and draws {@link #snapshot()} a few
 * times a second ({@link BlockGrid}). No JavaFX here.
 *
 * <p>{@code Planned} sets the number of blocks, all pending; each {@code BlockFlashed} sets one block, and an
 * unchanged one also the pending blocks right before it (the flasher reports a run of blocks it skipped by the run's
 * last block; a datagram that arrives late still sets its own block right); a
 * {@code Finished} past the point of no return that did not succeed turns the blocks never reported into
 * {@link BlockState#UNKNOWN} (the flash there may be old, new or half-erased); a success turns them into
 * {@link BlockState#CHECKED} (the read-back compared the whole span, but telemetry lost their datagrams). Events of
 * another attempt are ignored until that attempt's {@code Started}, which begins afresh.
 *
 * <p>Thread-safe: the engine's event thread calls {@link #accept}, the FX thread reads {@link #snapshot()}.
 */
public final class BlockProgress {

    /** What is known of one erase block. */
    public enum BlockState {
        /** Not reported yet. */
        PENDING("pending"),
        /** The flasher wrote it (and read it back). */
        WRITTEN("written"),
        /** It already held the image's bytes: left as it was. */
        SAME("unchanged"),
        /** Writing it failed. */
        FAILED("failed"),
        /** Never reported, and the upgrade failed after the reroot: its content is not known. */
        UNKNOWN("unknown"),
        /** Never reported, but the returned router's read-back matched the whole span. */
        CHECKED("checked by read-back");

        private final String word;

        BlockState(String word) {
            this.word = word;
        }

        /** The word the legend and the counts use. */
        public String word() {
            return word;
        }
    }

    /** The flasher's LED, as far as the events tell it (see {@link FlasherLed}). */
    public enum LedState {
        /** The flasher has not started: the LED is whatever the running firmware shows. */
        NOT_FLASHING("not driven yet: the flasher has not started"),
        /** Blinking: flashing, do not unplug. */
        BLINKING("blinking: flashing, do not unplug the router"),
        /** The error pattern: a block failed and is tried again, or the flasher gave up. */
        ERROR("error pattern: the flasher reported a problem"),
        /** Steady on: every block written and read back, the router reboots. */
        STEADY("steady: flash written, rebooting"),
        /** The router rebooted: its new firmware drives the LED. */
        REBOOTED("back to the firmware's own pattern (rebooted)"),
        /** The router reported no LED under /dev/led, so the flasher shows nothing. */
        NONE("none: this router has no LED the flasher can drive");

        private final String word;

        LedState(String word) {
            this.word = word;
        }

        /** What the technician sees on the router, in words. */
        public String word() {
            return word;
        }
    }

    /**
     * One moment of the progress, safe to hand to another thread.
     *
     * @param router  the router as {@code host:port}, empty before the first event
     * @param states  one state per erase block of the span (empty before the plan)
     * @param counts  how many blocks are in each state
     * @param led     the LED's pattern
     * @param ledName the LED the flasher drives ({@code SYSTEM}), empty when none or not probed yet
     * @param phase   the attempt's phase, null before it started
     * @param outcome how it ended, empty while it runs
     * @param version grows with every change; equal versions are equal pictures
     */
    public record Snapshot(String router, BlockState[] states, Map<BlockState, Integer> counts, LedState led,
            Optional<String> ledName, Phase phase, Optional<Outcome> outcome, long version) {

        public Snapshot {
            states = states.clone();
            counts = Map.copyOf(counts);
        }

        @Override
        public BlockState[] states() {
            return states.clone();
        }

        /** The state of block {@code i}. */
        public BlockState state(int i) {
            return states[i];
        }

        /** Erase blocks in the span. */
        public int blocks() {
            return states.length;
        }

        /** Blocks in {@code state}. */
        public int count(BlockState state) {
            return counts.getOrDefault(state, 0);
        }

        /** Blocks the flasher reported on (written, unchanged or failed). */
        public int reported() {
            return count(BlockState.WRITTEN) + count(BlockState.SAME) + count(BlockState.FAILED);
        }

        /** The counts in words: {@code 412 of 1280 blocks: 300 written, 112 unchanged}. */
        public String summary() {
            if (states.length == 0) {
                return "No erase blocks yet: they are known once the image is planned onto the flash.";
            }
            StringBuilder s = new StringBuilder().append(reported()).append(" of ").append(states.length)
                    .append(states.length == 1 ? " block: " : " blocks: ");
            s.append(count(BlockState.WRITTEN)).append(" written, ").append(count(BlockState.SAME)).append(" unchanged");
            for (BlockState st : new BlockState[] {BlockState.FAILED, BlockState.UNKNOWN, BlockState.CHECKED}) {
                if (count(st) > 0) {
                    s.append(", ").append(count(st)).append(' ').append(st.word());
                }
            }
            return s.toString();
        }

        /** The LED line: {@code LED SYSTEM: blinking: flashing, do not unplug the router}. */
        public String ledLine() {
            return ledName.map(n -> "LED " + n + ": ").orElse("LED: ") + led.word();
        }
    }

    private String attemptId;
    private String router = "";
    private BlockState[] states = new BlockState[0];
    private final int[] counts = new int[BlockState.values().length];
    private LedState led = LedState.NOT_FLASHING;
    private Optional<String> ledName = Optional.empty();
    private boolean probed;
    private Phase phase;
    private Outcome outcome;
    private long version;

    /**
     * Takes the next event of the attempt.
     *
     * @return whether the picture changed
     */
    public synchronized boolean accept(UpgradeEvent event) {
        String id = event.attempt().attemptId();
        if (event instanceof UpgradeEvent.Started) {
            reset(id, event.router());
        } else if (attemptId == null) {
            reset(id, event.router()); // joined in the middle: follow this attempt from here
        } else if (!attemptId.equals(id)) {
            return false;
        }
        boolean changed = apply(event);
        if (changed) {
            version++;
        }
        return changed;
    }

    private boolean apply(UpgradeEvent event) {
        if (event instanceof UpgradeEvent.Started) {
            return true;
        } else if (event instanceof UpgradeEvent.Probed p) {
            probed = true;
            ledName = FlasherLed.of(p.facts());
            return true;
        } else if (event instanceof UpgradeEvent.Planned p) {
            resize(p.plan().blocks());
            return true;
        } else if (event instanceof UpgradeEvent.PhaseChanged p) {
            phase = p.to();
            led = ledFor(p.to(), led);
            return true;
        } else if (event instanceof UpgradeEvent.BlockFlashed b) {
            return block(b);
        } else if (event instanceof UpgradeEvent.Note n) {
            if (n.level() == UpgradeEvent.Note.Level.WARNING && (n.phase() == Phase.FLASH || n.phase() == Phase.VERIFY_FLASH)
                    && led != LedState.NONE) {
                led = LedState.ERROR; // the flasher sets its error pattern before every ERROR datagram
                return true;
            }
            return false;
        } else if (event instanceof UpgradeEvent.Finished f) {
            finish(f.result());
            return true;
        }
        return false;
    }

    private LedState ledFor(Phase to, LedState now) {
        if (probed && ledName.isEmpty()) {
            return LedState.NONE;
        }
        return switch (to) {
            case FLASH -> now == LedState.ERROR ? LedState.ERROR : LedState.BLINKING;
            case VERIFY_FLASH -> now == LedState.ERROR ? LedState.ERROR : LedState.BLINKING;
            case REBOOT -> LedState.STEADY;
            case RETURN, READ_BACK, VERIFIED -> LedState.REBOOTED;
            default -> now;
        };
    }

    private boolean block(UpgradeEvent.BlockFlashed b) {
        if (b.blocks() > 0 && b.blocks() != states.length && b.blocks() <= Integer.MAX_VALUE - 8) {
            resize(b.blocks()); // the flasher's count wins over a plan this model missed
        }
        if (b.block() < 0 || b.block() >= states.length) {
            return false;
        }
        BlockState next = switch (b.action()) {
            case WRITTEN -> BlockState.WRITTEN;
            case SAME -> BlockState.SAME;
            case FAILED -> BlockState.FAILED;
        };
        if (led == LedState.ERROR && next != BlockState.FAILED) {
            led = LedState.BLINKING; // a new round: the flasher blinks again
        } else if (next == BlockState.FAILED && led != LedState.NONE) {
            led = LedState.ERROR;
        }
        boolean changed = set((int) b.block(), next);
        if (next == BlockState.SAME) {
            // the flasher reports a run of blocks it skipped (the desktop knew they equal the image) by its last block
            // only, and works through the span in order: the pending blocks just before it are that run
            for (int i = (int) b.block() - 1; i >= 0 && states[i] == BlockState.PENDING; i--) {
                changed |= set(i, BlockState.SAME);
            }
        }
        return changed;
    }

    private void finish(UpgradeResult r) {
        outcome = r.outcome();
        if (r.phase() != null) {
            phase = r.phase();
        }
        BlockState rest;
        if (r.outcome() == Outcome.SUCCEEDED) {
            rest = BlockState.CHECKED;
        } else if (r.phase() != null && r.phase().pastPointOfNoReturn()) {
            rest = BlockState.UNKNOWN;
        } else {
            return; // stopped before the reroot: nothing was written, pending stays pending
        }
        for (int i = 0; i < states.length; i++) {
            if (states[i] == BlockState.PENDING) {
                set(i, rest);
            }
        }
    }

    private boolean set(int i, BlockState next) {
        BlockState was = states[i];
        if (was == next) {
            return false;
        }
        counts[was.ordinal()]--;
        counts[next.ordinal()]++;
        states[i] = next;
        return true;
    }

    private void resize(long blocks) {
        int n = (int) Math.max(0, Math.min(blocks, 1 << 20)); // 1 Mi blocks of 4 KB is a 4 GB span: beyond any router
        states = new BlockState[n];
        Arrays.fill(states, BlockState.PENDING);
        Arrays.fill(counts, 0);
        counts[BlockState.PENDING.ordinal()] = n;
    }

    private void reset(String id, String routerName) {
        attemptId = id;
        router = routerName;
        resize(0);
        led = LedState.NOT_FLASHING;
        ledName = Optional.empty();
        probed = false;
        phase = null;
        outcome = null;
    }

    /** A copy of the current picture. */
    public synchronized Snapshot snapshot() {
        Map<BlockState, Integer> c = new EnumMap<>(BlockState.class);
        for (BlockState s : BlockState.values()) {
            c.put(s, counts[s.ordinal()]);
        }
        return new Snapshot(router, states, c, led, ledName, phase, Optional.ofNullable(outcome), version);
    }

    /** Grows with every change, so a view redraws only when it differs from what it drew. */
    public synchronized long version() {
        return version;
    }

    @Override
    public synchronized String toString() {
        return String.format(Locale.ROOT, "BlockProgress[%s, %d blocks, v%d]", router, states.length, version);
    }
}

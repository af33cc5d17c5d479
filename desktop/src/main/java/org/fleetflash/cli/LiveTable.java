package org.fleetflash.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.fleetflash.core.batch.BatchEvent;
import org.fleetflash.core.batch.BatchListener;
import org.fleetflash.core.batch.BatchTotals;
import org.fleetflash.core.text.Sanitize;
import org.fleetflash.core.upgrade.FailureCode;
import org.fleetflash.core.upgrade.Outcome;
import org.fleetflash.core.upgrade.Phase;
import org.fleetflash.core.upgrade.RouterId;
import org.fleetflash.core.upgrade.UpgradeEvent;

/**
 * The live table of a batch upgrade, as text: one row per router (phase, progress bar, speed, time left, outcome)
 * and a totals line, built from the batch's events. Knows nothing of terminals: {@link TerminalTable} draws its
 * lines. Events come from the engine's event thread and the lines are read by the drawing thread, so every method
 * holds this object's lock, briefly.
 */
final class LiveTable {

    /** How wide a router's name may be in its column; longer names are cut. */
    static final int MAX_ROUTER_WIDTH = 32;
    private static final int BAR = 20;
    /** {@link #bar}'s width: the bar in brackets, a space and the percentage. */
    private static final int BAR_WIDTH = BAR + 7;
    private static final int AMOUNT_WIDTH = 22;
    private static final int SPEED_WIDTH = 11;
    private static final int PHASE_WIDTH = 18;

    /** How a line should look; the terminal picks the colours. */
    enum Tone { HEADER, PLAIN, GOOD, SAFE, BAD, NOTICE }

    /** One line of the table. */
    record Line(String text, Tone tone) {
    }

    /** What a progress count counts. */
    enum Unit { NONE, BYTES, BLOCKS }

    /**
     * One router's row as it stands.
     *
     * @param router    {@code host:port}, escaped for a terminal
     * @param phase     the phase it is in (or ended in); null before it started
     * @param attempt   1 for the first try, 2 for the first retry ...
     * @param done      bytes or blocks done in this phase
     * @param total     bytes or blocks of this phase; -1 when not known
     * @param perSecond the recent speed, in the unit; 0 when not known
     * @param note      the last note of the router, escaped (empty when none)
     * @param outcome   how it ended; null while it runs
     */
    record RowView(String router, Phase phase, int attempt, Unit unit, long done, long total, long perSecond, String note,
            Outcome outcome, FailureCode code) {

        boolean running() {
            return phase != null && outcome == null;
        }

        boolean ended() {
            return outcome != null;
        }

        /** The time left in this phase at the current speed, when both the total and the speed are known. */
        Optional<Duration> eta() {
            if (outcome != null || perSecond <= 0 || total <= 0 || done >= total) {
                return Optional.empty();
            }
            return Optional.of(Duration.ofMillis((total - done) * 1000 / perSecond));
        }
    }

    /** A router's state, changed by its events. */
    private static final class Row {
        final String router;
        Phase phase;
        int attempt = 1;
        Unit unit = Unit.NONE;
        long done;
        long total = -1;
        long perSecond;
        Instant firstBlockAt;
        long firstBlock;
        String note = "";
        Outcome outcome;
        FailureCode code;

        Row(String hostPort) {
            this.router = Sanitize.line(hostPort, MAX_ROUTER_WIDTH);
        }

        void resetProgress() {
            unit = Unit.NONE;
            done = 0;
            total = -1;
            perSecond = 0;
            firstBlockAt = null;
        }

        RowView view() {
            return new RowView(router, phase, attempt, unit, done, total, perSecond, note, outcome, code);
        }
    }

    private final Map<String, Row> rows = new LinkedHashMap<>();
    private BatchTotals totals;
    private Instant totalsAt;
    private boolean finished;
    private String halted;
    private String status;

    /** A listener that feeds this table; it only updates the table, so it returns at once. */
    BatchListener listener() {
        return new BatchListener() {
            @Override
            public void on(UpgradeEvent event) {
                LiveTable.this.on(event);
            }

            @Override
            public void onBatch(BatchEvent event) {
                LiveTable.this.onBatch(event);
            }
        };
    }

    /** An upgrade event of one of the batch's routers. */
    synchronized void on(UpgradeEvent e) {
        Row row = rows.computeIfAbsent(e.router(), Row::new);
        if (e instanceof UpgradeEvent.Started) {
            row.outcome = null;
            row.code = null;
            row.note = "";
            row.phase = Phase.CONNECT;
            row.resetProgress();
        } else if (e instanceof UpgradeEvent.PhaseChanged p) {
            row.phase = p.to();
            row.resetProgress();
        } else if (e instanceof UpgradeEvent.Transfer t) {
            row.phase = t.phase();
            row.unit = Unit.BYTES;
            row.done = t.bytes();
            row.total = t.total();
            row.perSecond = t.bytesPerSecond();
        } else if (e instanceof UpgradeEvent.BlockFlashed b) {
            blockFlashed(row, b);
        } else if (e instanceof UpgradeEvent.Note n && n.level() != UpgradeEvent.Note.Level.DETAIL) {
            row.note = (n.level() == UpgradeEvent.Note.Level.WARNING ? "warning: " : "") + Sanitize.line(n.text(), 200);
        } else if (e instanceof UpgradeEvent.Finished f) {
            row.outcome = f.result().outcome();
            row.code = f.result().code();
            if (f.result().phase() != null) {
                row.phase = f.result().phase();
            }
            row.resetProgress();
        }
    }

    private static void blockFlashed(Row row, UpgradeEvent.BlockFlashed b) {
        row.phase = Phase.FLASH;
        if (row.unit != Unit.BLOCKS || row.firstBlockAt == null) {
            row.unit = Unit.BLOCKS;
            row.firstBlockAt = b.at();
            row.firstBlock = b.block();
            row.perSecond = 0;
        } else {
            long millis = Duration.between(row.firstBlockAt, b.at()).toMillis();
            if (millis > 0) {
                row.perSecond = Math.max(0, (b.block() - row.firstBlock) * 1000 / millis);
            }
        }
        row.done = b.block() + 1;
        row.total = b.blocks();
    }

    /** An event of the batch as a whole. */
    synchronized void onBatch(BatchEvent e) {
        if (e instanceof BatchEvent.Started s) {
            for (RouterId r : s.routers()) {
                rows.computeIfAbsent(r.hostPort(), Row::new);
            }
        } else if (e instanceof BatchEvent.Totals t && !finished) { // a late count never replaces the final one
            totals = t.totals();
            totalsAt = t.at();
        } else if (e instanceof BatchEvent.Retrying r) {
            Row row = rows.computeIfAbsent(r.router().hostPort(), Row::new);
            row.attempt = r.attempt();
            row.outcome = null;
            row.code = null;
            row.phase = null;
            row.resetProgress();
            row.note = "to be tried again after " + r.previous().code();
        } else if (e instanceof BatchEvent.Halted h) {
            halted = Sanitize.line(h.reason(), 200) + "; " + h.forTheRunning();
        } else if (e instanceof BatchEvent.Finished f) {
            totals = f.totals();
            totalsAt = f.at();
            finished = true;
        }
    }

    /** A sentence shown above the totals (Ctrl+C: what is being done), or null for none. */
    synchronized void status(String sentence) {
        status = sentence == null ? null : Sanitize.line(sentence, 200);
    }

    /** Every router's row, in the batch's order. */
    synchronized List<RowView> rows() {
        return rows.values().stream().map(Row::view).toList();
    }

    /**
     * The table as lines at most {@code width} characters wide and at most {@code height} lines high (at least 4);
     * when the routers do not all fit, the running ones come first, then the failed ones, and a line says how many
     * are not shown. {@code now} moves the elapsed time between two totals.
     */
    synchronized List<Line> lines(int width, int height, Instant now) {
        List<Row> all = new ArrayList<>(rows.values());
        int routerWidth = Math.max(6, Math.min(MAX_ROUTER_WIDTH, all.stream().mapToInt(r -> r.router.length()).max().orElse(6)));
        List<Line> footer = new ArrayList<>();
        if (halted != null) {
            footer.add(new Line("halted: " + halted, Tone.NOTICE));
        }
        if (status != null) {
            footer.add(new Line(status, Tone.NOTICE));
        }
        for (String t : totalsLines(now)) {
            footer.add(new Line(t, Tone.HEADER));
        }

        int room = Math.max(1, Math.max(4, height) - 1 - footer.size());
        List<Row> shown = all;
        String more = null;
        if (all.size() > room) {
            List<Row> picked = pick(all, room - 1);
            shown = picked;
            long waiting = all.stream().filter(r -> !picked.contains(r) && r.phase == null && r.outcome == null).count();
            more = "... and " + (all.size() - shown.size()) + " more router(s) (" + waiting + " waiting, "
                    + (all.size() - shown.size() - waiting) + " ended)";
        }
        List<Line> out = new ArrayList<>();
        out.add(new Line(String.format("%-" + routerWidth + "s  %-" + PHASE_WIDTH + "s %-" + (BAR_WIDTH + 1 + AMOUNT_WIDTH)
                + "s %-" + SPEED_WIDTH + "s %s", "ROUTER", "PHASE", "PROGRESS", "SPEED", "TIME LEFT"), Tone.HEADER));
        for (Row r : shown) {
            out.add(row(r.view(), routerWidth));
        }
        if (more != null) {
            out.add(new Line(more, Tone.PLAIN));
        }
        out.addAll(footer);
        return out.stream().map(l -> new Line(cut(l.text(), width), l.tone())).toList();
    }

    /** The rows that fit: running first, then those that did not succeed, then the rest; in the batch's order. */
    private static List<Row> pick(List<Row> all, int room) {
        Comparator<Row> priority = Comparator.comparingInt(r -> r.phase != null && r.outcome == null ? 0
                : r.outcome != null && r.outcome != Outcome.SUCCEEDED ? 1 : 2);
        List<Row> chosen = all.stream().sorted(priority).limit(Math.max(0, room)).toList();
        return all.stream().filter(chosen::contains).toList();
    }

    private static Line row(RowView r, int routerWidth) {
        String router = r.router().length() > routerWidth ? r.router().substring(0, routerWidth) : r.router();
        String phase = r.phase() != null ? r.phase().name() : r.ended() ? "-" : "waiting";
        if (r.attempt() > 1) {
            phase += " (try " + r.attempt() + ")";
        }
        String head = String.format("%-" + routerWidth + "s  %-" + PHASE_WIDTH + "s ", router, phase);
        if (r.ended()) {
            String what = r.outcome() == Outcome.SUCCEEDED && r.code() == FailureCode.OK ? "SUCCEEDED"
                    : r.outcome() + " (" + r.code() + ")";
            Tone tone = switch (r.outcome()) {
                case SUCCEEDED -> Tone.GOOD;
                case FAILED_SAFE -> Tone.SAFE;
                case NEEDS_ATTENTION -> Tone.BAD;
            };
            return new Line(head + what, tone);
        }
        if (r.unit() == Unit.NONE) {
            return new Line((head + r.note()).stripTrailing(), Tone.PLAIN);
        }
        String unit = r.unit() == Unit.BYTES ? "/s" : " blk/s";
        String amount = r.unit() == Unit.BYTES
                ? Sizes.human(r.done()) + (r.total() > 0 ? " / " + Sizes.human(r.total()) : "")
                : r.done() + (r.total() > 0 ? " / " + r.total() + " blk" : " blk");
        String speed = r.perSecond() <= 0 ? "" : (r.unit() == Unit.BYTES ? Sizes.human(r.perSecond()) : Long.toString(r.perSecond()))
                + unit;
        String eta = r.eta().map(LiveTable::clock).orElse("");
        return new Line(String.format("%s%s %-" + AMOUNT_WIDTH + "s %-" + SPEED_WIDTH + "s %s", head, bar(r.done(), r.total()), amount,
                speed, eta).stripTrailing(),
                Tone.PLAIN);
    }

    /** {@code [#####...............]  25%}, or an empty bar when the total is not known. */
    static String bar(long done, long total) {
        if (total <= 0) {
            return "[" + " ".repeat(BAR) + "]     ";
        }
        long d = Math.min(done, total);
        int filled = (int) (d * BAR / total);
        int pct = (int) (d * 100 / total);
        return "[" + "#".repeat(filled) + ".".repeat(BAR - filled) + "] " + String.format("%3d%%", pct);
    }

    /** The batch's counts, then what moved and the time: two lines, so that an 80-column terminal shows them whole. */
    private List<String> totalsLines(Instant now) {
        int routers = rows.size();
        if (totals == null) {
            return List.of(routers + " router(s), starting");
        }
        BatchTotals t = totals;
        Duration elapsed = finished || totalsAt == null || now.isBefore(totalsAt) ? t.elapsed()
                : t.elapsed().plus(Duration.between(totalsAt, now));
        String eta = finished ? "" : t.eta().map(d -> ", about " + clock(d) + " left").orElse("");
        return List.of(String.format(Locale.ROOT, "%d router(s): %d succeeded (%d up to date), %d failed safe, %d need attention,"
                + " %d running, %d waiting", t.routers(), t.succeeded(), t.upToDate(), t.failedSafe(), t.needsAttention(), t.running(),
                t.waiting()), String.format(Locale.ROOT, "%s served, %d blocks written, %d unchanged; %s elapsed%s",
                Sizes.human(t.bytesServed()), t.blocksWritten(), t.blocksSame(), clock(elapsed), eta));
    }

    /** {@code 0:42}, {@code 12:05}, {@code 1:02:03}. */
    static String clock(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format("%d:%02d", s / 60, s % 60);
    }

    private static String cut(String text, int width) {
        int w = Math.max(1, width);
        return text.codePointCount(0, text.length()) <= w ? text : text.substring(0, text.offsetByCodePoints(0, w));
    }
}

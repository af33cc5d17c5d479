package org.fleetflash.cli;

import java.io.IOError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp.Capability;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Draws a {@link LiveTable} in place on this process's terminal a few times a second, through JLine's
 * {@link Display} (which knows how the terminal moves its cursor). Drawing runs on its own thread: the engine's
 * event thread only updates the table, and a terminal that blocks or fails never holds up an upgrade; after a
 * failure the table stops being drawn and the upgrade goes on.
 */
final class TerminalTable implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TerminalTable.class);
    /** How often the table is redrawn. */
    static final Duration EVERY = Duration.ofMillis(250);
    private static final Duration STOP_WAIT = Duration.ofSeconds(2);
    private static final int FALLBACK_COLUMNS = 80;
    private static final int FALLBACK_ROWS = 24;

    private final LiveTable table;
    private final Terminal terminal;
    private final Display display;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fleetflash-table");
        t.setDaemon(true);
        return t;
    });
    private int columns;
    private int rows;
    private volatile boolean broken;
    private boolean closed;

    private TerminalTable(LiveTable table, Terminal terminal, Clock clock) {
        this.table = table;
        this.terminal = terminal;
        this.clock = clock;
        this.display = new Display(terminal, false);
    }

    /**
     * The table on standard output when that is a terminal that can move its cursor up and clear a line, standard
     * input is that terminal too (JLine's condition for a system terminal), and this process runs in its foreground;
     * empty otherwise (a pipe, a file, {@code < /dev/null}, {@code TERM=dumb}, a background job), and then the
     * command prints lines as before.
     */
    static Optional<TerminalTable> open(LiveTable table) {
        if (!inForeground()) {
            return Optional.empty();
        }
        Terminal terminal;
        try {
            // nativeSignals(false): JLine would otherwise put SIGINT back to the system's default, and Ctrl+C would kill
            // the JVM without running the shutdown hook that cancels and undoes the routers before their reroot
            terminal = TerminalBuilder.builder().system(true).systemOutput(TerminalBuilder.SystemOutput.SysOut)
                    .nativeSignals(false).dumb(true).build();
        } catch (IOException | RuntimeException | IOError e) {
            LOG.info("No live table: the terminal could not be opened ({})", e.toString());
            return Optional.empty();
        }
        boolean canRedraw = !terminal.getType().startsWith(Terminal.TYPE_DUMB)
                && terminal.getStringCapability(Capability.cursor_up) != null
                && terminal.getStringCapability(Capability.clr_eol) != null;
        if (!canRedraw) {
            LOG.info("No live table: the terminal (type '{}') cannot redraw in place", terminal.getType());
            closeQuietly(terminal);
            return Optional.empty();
        }
        TerminalTable t = new TerminalTable(table, terminal, Clock.systemUTC());
        t.timer.scheduleWithFixedDelay(t::drawSafely, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return Optional.of(t);
    }

    /**
     * Whether this process is in the foreground of its terminal (Linux: from /proc; elsewhere assumed). A background
     * job that touches the terminal's settings is stopped by the system, and closing a JLine terminal does.
     */
    static boolean inForeground() {
        Path stat = Path.of("/proc/self/stat");
        if (!Files.isReadable(stat)) {
            return true;
        }
        try {
            String s = Files.readString(stat, StandardCharsets.US_ASCII);
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            // state ppid pgrp session tty_nr tpgid: the foreground group of the terminal is tpgid
            return f.length > 5 && (f[5].equals("-1") || f[2].equals(f[5]));
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    private void drawSafely() {
        if (broken) {
            return;
        }
        try {
            draw();
        } catch (RuntimeException | IOError e) {
            broken = true;
            LOG.warn("The live table could not be drawn; the upgrades go on and the summary follows at the end", e);
        }
    }

    private void draw() {
        Size size;
        try {
            size = terminal.getSize();
        } catch (IllegalStateException closedByJline) {
            // JLine's own shutdown hook closes the terminal on Ctrl+C while the table still shows the routers being undone
            size = new Size(columns, rows);
        }
        int c = size.getColumns() > 0 ? size.getColumns() : FALLBACK_COLUMNS;
        int r = size.getRows() > 0 ? size.getRows() : FALLBACK_ROWS;
        if (c != columns || r != rows) {
            columns = c;
            rows = r;
            display.resize(r, c);
        }
        // one column and one line spare: the terminal never wraps or scrolls the table away from the cursor
        List<AttributedString> lines = table.lines(c - 1, r - 1, clock.instant()).stream().map(TerminalTable::styled).toList();
        display.update(lines, -1);
        terminal.flush();
    }

    private static AttributedString styled(LiveTable.Line line) {
        AttributedStyle style = switch (line.tone()) {
            case HEADER -> AttributedStyle.BOLD;
            case PLAIN -> AttributedStyle.DEFAULT;
            case GOOD -> AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN);
            case SAFE, NOTICE -> AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW);
            case BAD -> AttributedStyle.BOLD.foreground(AttributedStyle.RED);
        };
        return new AttributedString(line.text(), style);
    }

    /**
     * Draws the table a last time, leaves the cursor on the line below it and gives the terminal back; waits at
     * most a few seconds for a draw in progress (a terminal that does not take output is left as it is).
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        timer.shutdown();
        boolean idle;
        try {
            idle = timer.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            idle = false;
        }
        if (!idle) {
            LOG.warn("The terminal did not take the live table within {} s; left as it is", STOP_WAIT.toSeconds());
            return;
        }
        drawSafely();
        if (!broken) {
            terminal.writer().println();
            terminal.flush();
        }
        closeQuietly(terminal);
    }

    private static void closeQuietly(Terminal terminal) {
        try {
            terminal.close();
        } catch (IOException | RuntimeException | IOError e) {
            LOG.debug("Closing the terminal failed", e);
        }
    }
}

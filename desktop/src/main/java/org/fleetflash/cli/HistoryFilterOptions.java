package org.fleetflash.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.fleetflash.core.history.AttemptFilter;
import org.fleetflash.core.history.History;
import org.fleetflash.core.history.InstanceLockedException;
import org.fleetflash.core.settings.DataDirectory;
import org.fleetflash.core.text.Sanitize;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options that choose attempts of the history, shared by {@code history list} and {@code history export}:
 * {@code --since --until --outcome --router --batch}, and the data directory.
 */
final class HistoryFilterOptions {

    /** The help's sentence on DATE, for every command with these options. */
    static final String DATE_HELP = "DATE is a day (2026-12-01, from its start with --since, to its end with --until), a local time "
            + "(2026-12-01T14:30) or an instant (2026-12-01T13:30:00Z); local means this computer's time zone.";

    @Option(names = "--since", paramLabel = "DATE", description = "Only attempts started at or after DATE.")
    String since;

    @Option(names = "--until", paramLabel = "DATE", description = "Only attempts started before the end of DATE.")
    String until;

    @Option(names = "--outcome", paramLabel = "O", description = "Only this outcome: SUCCEEDED, FAILED_SAFE, NEEDS_ATTENTION, "
            + "INTERRUPTED (its FleetFlash died before it ended: see 'fleetflash resume') or RUNNING (under way now).")
    String outcome;

    @Option(names = "--router", paramLabel = "R", description = "Only this router: HOST (any port) or HOST:PORT.")
    String router;

    @Option(names = "--batch", paramLabel = "B", description = "Only the attempts of this batch (its id).")
    String batch;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "FleetFlash's data directory (default: the user's; environment variable FLEETFLASH_DATA_DIR).")
    Path dataDir;

    ZoneId zone = ZoneId.systemDefault();

    /** What the options select, checked; a bad value is a bad command line. */
    AttemptFilter filter(CommandSpec spec) {
        Optional<String> o;
        try {
            o = Optional.ofNullable(outcome).map(AttemptFilter::outcome);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Optional<String> r = Optional.ofNullable(router);
        if (r.isPresent()) {
            try {
                AttemptFilter.router(r.get());
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--router: " + e.getMessage());
            }
        }
        Optional<Instant> from = Optional.ofNullable(since).map(s -> instant(spec, "--since", s, false));
        Optional<Instant> to = Optional.ofNullable(until).map(s -> instant(spec, "--until", s, true));
        if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
            throw new ParameterException(spec.commandLine(), "--since " + Sanitize.line(since, 40) + " is not before --until "
                    + Sanitize.line(until, 40) + ": no attempt can match. Swap them?");
        }
        return new AttemptFilter(from, to, o, r, Optional.ofNullable(batch));
    }

    /** A DATE option as an instant; a bare day is its start, or with {@code endOfDay} the start of the next day. */
    Instant instant(CommandSpec spec, String option, String text, boolean endOfDay) {
        String s = text.strip();
        try {
            if (s.length() == 10) {
                LocalDate day = LocalDate.parse(s);
                return endOfDay ? AttemptFilter.endOf(day, zone) : AttemptFilter.startOf(day, zone);
            }
            if (s.endsWith("Z") || s.matches(".*[+-]\\d\\d:\\d\\d$")) {
                return OffsetDateTime.parse(s).toInstant();
            }
            return LocalDateTime.parse(s).atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw new ParameterException(spec.commandLine(), option + ": '" + Sanitize.line(text, 40)
                    + "' is not a date: write 2026-12-01, 2026-12-01T14:30 or 2026-12-01T13:30:00Z.");
        }
    }

    DataDirectory data() {
        return DataDirectory.forThisUser(Optional.ofNullable(dataDir));
    }

    /**
     * A command that only reads the history: it creates no data directory (not even for its log file), so a mistyped
     * --data-dir is said, not made into an empty history.
     */
    interface ReadsOnly {
    }

    /** A read of the history: on the history this process opened, or beside the FleetFlash that holds it. */
    interface Read<T> {
        T opened(History history) throws IOException;

        T beside(DataDirectory data) throws IOException;
    }

    /**
     * Reads the history with {@code read}: opened when this process may (which also brings its schema up to date),
     * beside the holder when another FleetFlash has it; {@code nothing} when there is no data directory yet.
     *
     * @throws IOException also when the data directory is a file: a history that cannot be there is not an empty one
     */
    <T> T read(CommandSpec spec, Read<T> read, T nothing) throws IOException {
        DataDirectory data = data();
        data.requireNotAFile();
        if (!Files.isDirectory(data.path())) {
            boolean chosen = dataDir != null || System.getenv(DataDirectory.ENV) != null;
            Failures.print(spec.commandLine().getErr(), spec, "there is no FleetFlash data directory at " + data.path() + ", so no"
                    + " history to read: " + (chosen ? "check --data-dir (or FLEETFLASH_DATA_DIR)." : "nothing was recorded on this"
                    + " computer yet."));
            return nothing;
        }
        History history;
        try {
            history = History.open(data);
        } catch (InstanceLockedException e) {
            return read.beside(data);
        } catch (IOException e) {
            if (!Files.isRegularFile(data.history())) {
                throw e;
            }
            // a full disk, a read-only mount, a directory left owned by another user: a report must still be possible
            Failures.print(spec.commandLine().getErr(), spec, "the history cannot be written here (" + Failures.describe(e)
                    + "), so it is read as it is. Free disk space or fix the data directory's permissions before the next upgrade.");
            return read.beside(data);
        }
        try (History opened = history) {
            Failures.interruptedHint(spec, opened);
            return read.opened(opened);
        }
    }
}

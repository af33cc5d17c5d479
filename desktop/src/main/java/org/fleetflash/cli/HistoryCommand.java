package org.fleetflash.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.fleetflash.core.device.SshTarget;
import org.fleetflash.core.history.AttemptFilter;
import org.fleetflash.core.history.AttemptRecord;
import org.fleetflash.core.history.History;
import org.fleetflash.core.history.InstanceLockedException;
import org.fleetflash.core.settings.DataDirectory;
import org.fleetflash.core.text.Sanitize;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code fleetflash history ...}: what the history of the data directory holds, and its pinned host keys. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "The history of upgrades kept in the data directory (history.db): every attempt, batch and router.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:help shown", "2:bad command line"},
        subcommands = {HistoryCommand.ListCommand.class, HistoryCommand.ForgetHostKeyCommand.class, HistoryPruneCommand.class})
final class HistoryCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code fleetflash history list}: the attempts, oldest first, as a table or as JSON. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"Lists the recorded upgrade attempts, oldest first.",
                "DATE is a day (2026-12-01, from its start with --since, to its end with --until), a local time "
                        + "(2026-12-01T14:30) or an instant (2026-12-01T13:30:00Z); local means this computer's time zone."},
            exitCodeListHeading = "%nExit status:%n",
            exitCodeList = {"0:listed (maybe nothing)", "1:the history cannot be read", "2:bad command line"})
    static final class ListCommand implements Callable<Integer> {

        private static final Set<String> OUTCOMES = Set.of("SUCCEEDED", "FAILED_SAFE", "NEEDS_ATTENTION", "INTERRUPTED", "RUNNING");
        private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

        @Spec
        CommandSpec spec;

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

        @Option(names = "--json", description = "Print one JSON document instead of a table (non-ASCII characters escaped).")
        boolean json;

        @Option(names = "--data-dir", paramLabel = "DIR",
                description = "FleetFlash's data directory (default: the user's; environment variable FLEETFLASH_DATA_DIR).")
        Path dataDir;

        ZoneId zone = ZoneId.systemDefault();

        @Override
        public Integer call() {
            AttemptFilter filter = filter();
            DataDirectory data = DataDirectory.forThisUser(Optional.ofNullable(dataDir));
            List<AttemptRecord> attempts;
            try {
                attempts = read(data, filter, spec);
            } catch (IOException e) {
                Failures.print(spec.commandLine().getErr(), spec, e.getMessage());
                return ExitCodes.OTHER;
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(json(attempts));
            } else {
                table(out, attempts);
            }
            out.flush();
            return ExitCodes.OK;
        }

        /** Opens the history when this process may (which also upgrades it); reads beside the holder when another has it. */
        private static List<AttemptRecord> read(DataDirectory data, AttemptFilter filter, CommandSpec spec) throws IOException {
            if (!Files.exists(data.history()) && !Files.isDirectory(data.path())) {
                return List.of();
            }
            try (History history = History.open(data)) {
                Failures.interruptedHint(spec, history);
                return history.attempts(filter);
            } catch (InstanceLockedException e) {
                return History.readAttempts(data, filter);
            }
        }

        private AttemptFilter filter() {
            Optional<String> o = Optional.ofNullable(outcome).map(s -> s.strip().toUpperCase(Locale.ROOT));
            if (o.isPresent() && !OUTCOMES.contains(o.get())) {
                throw new CommandLine.ParameterException(spec.commandLine(), "Unknown outcome '" + Sanitize.line(outcome, 40)
                        + "': use SUCCEEDED, FAILED_SAFE, NEEDS_ATTENTION, INTERRUPTED or RUNNING.");
            }
            Optional<String> r = Optional.ofNullable(router);
            if (r.isPresent()) {
                try {
                    SshTarget.parse(r.get());
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--router: " + e.getMessage());
                }
            }
            return new AttemptFilter(Optional.ofNullable(since).map(s -> instant("--since", s, false)),
                    Optional.ofNullable(until).map(s -> instant("--until", s, true)), o, r, Optional.ofNullable(batch));
        }

        /** A DATE option as an instant; a bare day is its start, or with {@code endOfDay} the start of the next day. */
        Instant instant(String option, String text, boolean endOfDay) {
            String s = text.strip();
            try {
                if (s.length() == 10) {
                    LocalDate day = LocalDate.parse(s);
                    return (endOfDay ? day.plusDays(1) : day).atStartOfDay(zone).toInstant();
                }
                if (s.endsWith("Z") || s.matches(".*[+-]\\d\\d:\\d\\d$")) {
                    return java.time.OffsetDateTime.parse(s).toInstant();
                }
                return LocalDateTime.parse(s).atZone(zone).toInstant();
            } catch (DateTimeParseException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), option + ": '" + Sanitize.line(text, 40)
                        + "' is not a date: write 2026-12-01, 2026-12-01T14:30 or 2026-12-01T13:30:00Z.");
            }
        }

        private void table(PrintWriter out, List<AttemptRecord> attempts) {
            if (attempts.isEmpty()) {
                out.println("No attempt recorded matches.");
                return;
            }
            String format = "%-19s  %-22s  %-15s  %-31s  %9s  %-20s  %s%n";
            out.printf(Locale.ROOT, format, "STARTED", "ROUTER", "OUTCOME", "VERSION (OLD -> NEW)", "DURATION", "CODE", "BATCH");
            for (AttemptRecord a : attempts) {
                String versions = Sanitize.line(a.oldVersion().orElse("?"), 14) + " -> " + Sanitize.line(a.newVersion().orElse("?"), 14);
                out.printf(Locale.ROOT, format, SHOWN.format(a.startedAt().atZone(zone)), Sanitize.line(a.router(), 60),
                        a.outcomeOrRunning(), versions, a.duration().map(ListCommand::duration).orElse("-"),
                        Sanitize.line(a.failureCode().orElse("-"), 40), Sanitize.line(a.batchId(), 60));
                if (a.failureMessage().isPresent()) {
                    out.println("    " + Sanitize.line(a.failureMessage().get(), Failures.MAX_MESSAGE));
                }
            }
            out.println(attempts.size() + " attempt(s).");
        }

        private static String duration(Duration d) {
            long s = d.toSeconds();
            return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, s % 3600 / 60, s % 60)
                    : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }

        private static String json(List<AttemptRecord> attempts) {
            ObjectMapper mapper = EventJson.mapper();
            ObjectNode root = mapper.createObjectNode();
            ArrayNode list = root.putArray("attempts");
            for (AttemptRecord a : attempts) {
                ObjectNode o = list.addObject();
                o.put("attempt", a.attemptId());
                o.put("batch", a.batchId());
                o.put("try", a.tryNumber());
                o.put("router", a.router());
                o.put("model", a.model().orElse(null));
                o.put("imageFile", a.imageFile().orElse(null));
                o.put("imageSha256", a.imageSha256().orElse(null));
                o.put("oldVersion", a.oldVersion().orElse(null));
                o.put("newVersion", a.newVersion().orElse(null));
                o.put("startedAt", a.startedAt().toString());
                o.put("endedAt", a.endedAt().map(Instant::toString).orElse(null));
                if (a.duration().isPresent()) {
                    o.put("durationMs", a.duration().get().toMillis());
                } else {
                    o.putNull("durationMs");
                }
                o.put("phase", a.phase().orElse(null));
                o.put("outcome", a.outcomeOrRunning());
                o.put("failureCode", a.failureCode().orElse(null));
                o.put("failureMessage", a.failureMessage().orElse(null));
                o.put("bytesDownloaded", a.bytesDownloaded());
                o.put("blocksWritten", a.blocksWritten());
                o.put("blocksUnchanged", a.blocksUnchanged());
                o.put("imageForced", a.imageForced());
            }
            try {
                return mapper.writeValueAsString(root);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("The attempts cannot be written as JSON", e);
            }
        }
    }

    /**
     * {@code fleetflash history forget-host-key}: removes a router's pinned host key, once the technician has checked
     * that the key it presents now is right (the router was reinstalled or replaced at the same address).
     */
    @Command(name = "forget-host-key", mixinStandardHelpOptions = true,
            description = {"Removes the pinned SSH host key of a router, so that the next connection with "
                    + "--accept-new-host-key pins the key the router presents then.",
                "Do this only after checking the router's new key on the router itself (ssh-keygen -lf on it, from its "
                        + "console): a changed key can also mean that someone intercepts the connection. The old key stays in "
                        + "the history, marked as forgotten."},
            exitCodeListHeading = "%nExit status:%n",
            exitCodeList = {"0:the pin was removed, or there was none", "1:another FleetFlash uses this data directory "
                    + "(the message names its process), or the history cannot be opened", "2:bad command line"})
    static final class ForgetHostKeyCommand implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @picocli.CommandLine.Parameters(index = "0", paramLabel = "HOST[:PORT]", description = "The router (port 22 unless given).")
        String router;

        @Option(names = "--data-dir", paramLabel = "DIR",
                description = "FleetFlash's data directory (default: the user's; environment variable FLEETFLASH_DATA_DIR).")
        Path dataDir;

        @Override
        public Integer call() {
            SshTarget target;
            try {
                target = SshTarget.parse(router);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            try (History history = History.open(DataDirectory.forThisUser(Optional.ofNullable(dataDir)))) {
                Optional<java.security.PublicKey> pinned = history.hostKeys().pinned(target);
                if (pinned.isEmpty() || !history.hostKeys().forget(target)) {
                    out.println("No host key is pinned for " + target.hostPort() + ": nothing to forget.");
                } else {
                    out.println("Forgot the host key of " + target.hostPort() + " ("
                            + org.fleetflash.core.device.HostKeys.fingerprint(pinned.get()) + "). Connect with "
                            + "--accept-new-host-key to pin the key it presents now.");
                }
                out.flush();
                return ExitCodes.OK;
            } catch (IOException e) {
                Failures.print(spec.commandLine().getErr(), spec, e.getMessage());
                return ExitCodes.OTHER;
            }
        }
    }
}

package org.fleetflash.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.fleetflash.core.device.SshTarget;
import org.fleetflash.core.history.AttemptFilter;
import org.fleetflash.core.history.History;
import org.fleetflash.core.history.report.Report;
import org.fleetflash.core.history.report.ReportAttempt;
import org.fleetflash.core.history.report.ReportJson;
import org.fleetflash.core.history.report.ReportReader;
import org.fleetflash.core.settings.DataDirectory;
import org.fleetflash.core.text.Sanitize;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code fleetflash history ...}: what the history of the data directory holds, and its pinned host keys. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "The history of upgrades kept in the data directory (history.db): every attempt, batch and router.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:help shown", "2:bad command line"},
        subcommands = {HistoryCommand.ListCommand.class, HistoryExportCommand.class, HistoryCommand.ForgetHostKeyCommand.class,
            HistoryPruneCommand.class})
final class HistoryCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code fleetflash history list}: the attempts, oldest first, as a table or as JSON. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"Lists the recorded upgrade attempts, oldest first.", HistoryFilterOptions.DATE_HELP},
            exitCodeListHeading = "%nExit status:%n",
            exitCodeList = {"0:listed (maybe nothing)", "1:the history cannot be read", "2:bad command line"})
    static final class ListCommand implements Callable<Integer>, HistoryFilterOptions.ReadsOnly {

        private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

        @Spec
        CommandSpec spec;

        @Mixin
        HistoryFilterOptions select;

        @Option(names = "--json", description = "Print one JSON document instead of a table (non-ASCII characters escaped).")
        boolean json;

        @Override
        public Integer call() {
            AttemptFilter filter = select.filter(spec);
            Report report;
            try {
                report = read(spec, select, filter, Instant.now());
            } catch (IOException e) {
                Failures.print(spec.commandLine().getErr(), spec, e.getMessage());
                return ExitCodes.OTHER;
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(ReportJson.list(report.attempts()));
            } else {
                table(out, report.attempts());
            }
            out.flush();
            return ExitCodes.OK;
        }

        private void table(PrintWriter out, List<ReportAttempt> attempts) {
            if (attempts.isEmpty()) {
                out.println("No attempt recorded matches.");
                return;
            }
            String format = "%-19s  %-22s  %-15s  %-31s  %9s  %-20s  %s%n";
            out.printf(Locale.ROOT, format, "STARTED", "ROUTER", "OUTCOME", "VERSION (OLD -> NEW)", "DURATION", "CODE", "BATCH");
            for (ReportAttempt a : attempts) {
                String versions = Sanitize.line(a.oldVersion().orElse("?"), 14) + " -> " + Sanitize.line(a.newVersion().orElse("?"), 14);
                out.printf(Locale.ROOT, format, SHOWN.format(a.startedAt().atZone(select.zone)), Sanitize.line(a.router(), 60),
                        Sanitize.line(a.outcome(), 40), versions, a.duration().map(ListCommand::duration).orElse("-"),
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
    }

    /** The report of {@code filter}: from the history this process opens, or beside the FleetFlash that holds it. */
    static Report read(CommandSpec spec, HistoryFilterOptions select, AttemptFilter filter, Instant now) throws IOException {
        return select.read(spec, new HistoryFilterOptions.Read<Report>() {
            @Override
            public Report opened(History history) throws IOException {
                return ReportReader.read(history, filter, now);
            }

            @Override
            public Report beside(DataDirectory data) throws IOException {
                return ReportReader.readBeside(data, filter, now);
            }
        }, new Report(now, filter, List.of(), List.of(), List.of()));
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

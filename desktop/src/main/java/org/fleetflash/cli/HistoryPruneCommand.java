package org.fleetflash.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.fleetflash.core.history.BackupRetention;
import org.fleetflash.core.history.History;
import org.fleetflash.core.history.InstanceLockedException;
import org.fleetflash.core.settings.DataDirectory;
import org.fleetflash.core.text.Sanitize;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code fleetflash history prune}: deletes old partition backups, showing first what it would delete. */
@Command(name = "prune", mixinStandardHelpOptions = true,
        description = {"Deletes old partition backups: keeps the newest --keep of each router (never its only one) and every "
                + "backup of an attempt that may still be needed to restore a router (NEEDS_ATTENTION, INTERRUPTED, running).",
            "Without --yes it only shows what it would delete."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:shown, or deleted", "1:another FleetFlash uses the data directory, or a backup could not be deleted",
            "2:bad command line"})
final class HistoryPruneCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--keep", defaultValue = "3", paramLabel = "N",
            description = "Backups to keep per router, newest first (at least 1; default: ${DEFAULT-VALUE}).")
    int keep;

    @Option(names = "--yes", description = "Delete them (without it, only show what would be deleted).")
    boolean yes;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "FleetFlash's data directory (default: the user's; environment variable FLEETFLASH_DATA_DIR).")
    Path dataDir;

    @Override
    public Integer call() {
        if (keep < BackupRetention.MIN_KEEP) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--keep must be at least "
                    + BackupRetention.MIN_KEEP + ": a router's newest backup is never deleted.");
        }
        PrintWriter out = spec.commandLine().getOut();
        DataDirectory data = DataDirectory.forThisUser(Optional.ofNullable(dataDir));
        try {
            data.requireNotAFile();
        } catch (IOException e) {
            Failures.print(spec.commandLine().getErr(), spec, e.getMessage());
            return ExitCodes.OTHER;
        }
        if (!Files.exists(data.history())) {
            out.println("No history in " + data.path() + ": no backup to delete.");
            return ExitCodes.OK;
        }
        try (History history = History.open(data)) {
            Failures.interruptedHint(spec, history);
            BackupRetention retention = history.retention();
            List<BackupRetention.Candidate> old = retention.candidates(keep);
            if (old.isEmpty()) {
                out.println("Nothing to delete: every backup is among the newest " + keep + " of its router, or belongs to an"
                        + " attempt whose router may still need it (needs attention, interrupted or running).");
                return ExitCodes.OK;
            }
            long bytes = old.stream().mapToLong(BackupRetention.Candidate::bytes).sum();
            for (BackupRetention.Candidate k : old) {
                out.printf(Locale.ROOT, "%s  %-22s  %8s  %s%n", SHOWN.format(k.startedAt().atZone(ZoneId.systemDefault())),
                        Sanitize.line(k.router(), 60), Sizes.human(k.bytes()), Sanitize.line(k.directory().toString(), 200));
            }
            long freed = BackupRetention.freedBytes(old);
            String frees = freed == bytes ? "" : "; it frees " + Sizes.human(freed) + " on disk, the rest is shared with backups"
                    + " that stay";
            if (!yes) {
                out.println("Would delete " + old.size() + " backup(s), " + Sizes.human(bytes) + " (keeping the newest " + keep
                        + " per router" + frees + "). Run again with --yes to delete them.");
                return ExitCodes.OK;
            }
            BackupRetention.Pruned done = retention.prune(old);
            out.println("Deleted " + done.deleted().size() + " backup(s).");
            done.failed().forEach((k, why) -> Failures.print(spec.commandLine().getErr(), spec, "could not delete "
                    + k.directory() + ": " + why));
            return done.failed().isEmpty() ? ExitCodes.OK : ExitCodes.OTHER;
        } catch (InstanceLockedException e) {
            Failures.print(spec.commandLine().getErr(), spec, e.getMessage());
            return ExitCodes.OTHER;
        } catch (IOException e) {
            Failures.print(spec.commandLine().getErr(), spec, e.getMessage());
            return ExitCodes.OTHER;
        } finally {
            out.flush();
        }
    }

    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);
}

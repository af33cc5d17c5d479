package org.fleetflash.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import org.fleetflash.app.logging.LogFile;
import org.fleetflash.core.settings.DataDirectory;
import org.fleetflash.core.text.Sanitize;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParseResult;

/** The root of the command line: {@code fleetflash <command> ...}. */
@Command(name = "fleetflash",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"Online firmware upgrades of FreeBSD routers through reroot.",
            "Run without arguments to open the window."},
        footerHeading = "%n",
        footer = {"Options marked * are required. Run 'fleetflash help COMMAND' or 'fleetflash COMMAND --help' for a command's options.",
            "Errors go to stderr as one line 'fleetflash COMMAND: what happened'; details go to the log file "
                    + "logs/fleetflash.log in the data directory.%n"},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:done", "1:the command failed (see the message)", "2:bad command line", "other:see the command's help"},
        subcommands = {
            NestedHelpCommand.class,
            ProbeCommand.class,
            UpgradeCommand.class,
            CleanupCommand.class,
            ScanCommand.class,
            SimCommand.class,
            DemoCommand.class,
            HistoryCommand.class,
            ResumeCommand.class,
        })
public final class FleetFlashCommand implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(FleetFlashCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Builds the command line with every sub-command wired to the given streams: errors as one line
     * {@code fleetflash <command>: ...}, a bad command line followed by {@code Try 'fleetflash <command> --help'.},
     * an unexpected failure as one sentence naming the log file (its stack trace goes to the log, not the terminal).
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new FleetFlashCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setUsageHelpAutoWidth(true);
        markRequiredOptions(cl);
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine failed = ex.getCommandLine();
            PrintWriter e = failed.getErr();
            e.println(Failures.prefix(failed.getCommandSpec()) + Sanitize.line(usageProblem(ex, failed, args), Failures.MAX_MESSAGE));
            if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
                e.println("Did you mean: " + Sanitize.line(String.join(" or ", u.getSuggestions()), 200) + "?");
            }
            e.println("Try '" + failed.getCommandSpec().qualifiedName() + " --help'.");
            e.flush();
            return ExitCodes.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, failed, parseResult) -> {
            LOG.error("{} failed", failed.getCommandSpec().qualifiedName(), ex);
            Failures.print(failed.getErr(), failed.getCommandSpec(), Failures.unexpected(ex));
            return ExitCodes.OTHER;
        });
        return cl;
    }

    /**
     * What is wrong with the command line, as the technician typed it: an unknown option before a missing one (picocli
     * checks the required options first, so "upgrade --bogus" would only say what is missing), and an unknown word
     * in place of picocli's "Unmatched argument at index N".
     */
    static String usageProblem(CommandLine.ParameterException ex, CommandLine failed, String[] args) {
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String first = u.getUnmatched().get(0);
            return (first.startsWith("-") ? "Unknown option: '" : "Unknown command or word: '") + Sanitize.line(first, 80) + "'.";
        }
        if (ex instanceof CommandLine.MissingParameterException) {
            for (String a : args) {
                String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
                if (name.startsWith("-") && name.length() > 1 && !name.matches("-[0-9.]+") // a negative number is a value
                        && failed.getCommandSpec().findOption(name) == null) {
                    return "Unknown option: '" + Sanitize.line(name, 80) + "'.";
                }
            }
        }
        return ex.getMessage();
    }

    /** Every command marks its required options with '*' in the option list, as the root's footer explains. */
    private static void markRequiredOptions(CommandLine cl) {
        cl.getCommandSpec().usageMessage().requiredOptionMarker('*');
        cl.getSubcommands().values().forEach(FleetFlashCommand::markRequiredOptions);
    }

    /**
     * Runs the command line of this process and returns its exit status: before the command runs, logging goes to the
     * log file of the data directory the command uses ({@code --data-dir}, {@code FLEETFLASH_DATA_DIR} or the user's).
     */
    public static int run(String... args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        CommandLine cl = commandLine(out, err);
        ((UpgradeCommand) cl.getSubcommands().get("upgrade").getCommand()).processStdout = true;
        CommandLine.IExecutionStrategy runLast = new CommandLine.RunLast();
        cl.setExecutionStrategy(parseResult -> {
            if (!isHelpRequest(parseResult)) {
                startLogFile(parseResult, err);
            }
            return runLast.execute(parseResult);
        });
        return cl.execute(args);
    }

    private static boolean isHelpRequest(ParseResult parseResult) {
        for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
            if (p.isUsageHelpRequested() || p.isVersionHelpRequested() || p.commandSpec().userObject() instanceof NestedHelpCommand) {
                return true;
            }
        }
        return false;
    }

    /** Starts the log file; a command still runs without one, saying so once. */
    private static void startLogFile(ParseResult parseResult, PrintWriter err) {
        Path dataDir = null;
        CommandLine.Model.CommandSpec last = parseResult.commandSpec();
        for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
            last = p.commandSpec();
            if (p.hasMatchedOption("--data-dir")) {
                dataDir = p.matchedOptionValue("--data-dir", null);
            }
        }
        DataDirectory data = DataDirectory.forThisUser(Optional.ofNullable(dataDir));
        if (last.userObject() instanceof HistoryFilterOptions.ReadsOnly && !java.nio.file.Files.isDirectory(data.path())) {
            return; // nothing to log, and a mistyped directory is not to be made (the command says it does not exist)
        }
        try {
            Path file = LogFile.start(data);
            LOG.info("{} started; log file {}", last.qualifiedName(), file);
        } catch (DataDirectory.UnusableException e) {
            if (last.findOption("--data-dir") == null) {
                Failures.print(err, last, "no log file for this run (" + e.getMessage() + ")");
            } // else the command, which works in that directory, refuses with this very sentence: say it once
        } catch (IOException | RuntimeException e) {
            Failures.print(err, last, "no log file for this run (" + e.getMessage() + ")");
        }
    }
}

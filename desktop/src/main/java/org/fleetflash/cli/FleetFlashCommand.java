package org.fleetflash.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The root of the command line: {@code fleetflash <command> ...}. */
@Command(name = "fleetflash",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Online firmware upgrades of FreeBSD routers through reroot.%n"
                + "Run without arguments to open the window.",
        subcommands = {
            CommandLine.HelpCommand.class,
            ProbeCommand.class,
            UpgradeCommand.class,
            CleanupCommand.class,
            ScanCommand.class,
            SimCommand.class,
            DemoCommand.class,
        })
public final class FleetFlashCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Builds the command line with every sub-command wired to the given streams. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new FleetFlashCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter e = ex.getCommandLine().getErr();
            e.println(ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, e);
            e.println("Run '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            e.flush();
            return 2;
        });
        return cl;
    }

    /** Runs the command line and returns its exit status. */
    public static int run(String... args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        return commandLine(out, err).execute(args);
    }
}

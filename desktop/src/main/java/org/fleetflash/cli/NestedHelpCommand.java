package org.fleetflash.cli;

import java.io.PrintWriter;
import java.util.List;
import org.fleetflash.core.text.Sanitize;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code fleetflash help [COMMAND [SUB-COMMAND...]]}: the help of any command, nested ones included
 * ({@code fleetflash help sim image}); picocli's own help command stops at the first word.
 */
@Command(name = "help", helpCommand = true,
        description = {"Shows the help of a command or of a sub-command, e.g. 'fleetflash help sim image'."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:help shown", "2:no such command"})
final class NestedHelpCommand implements CommandLine.IHelpCommandInitializable2, Runnable {

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command, then its sub-commands, whose help to show.")
    List<String> commands;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    private CommandLine self;
    private CommandLine.Help.ColorScheme colors;
    private PrintWriter out;

    @Override
    public void init(CommandLine helpCommandLine, CommandLine.Help.ColorScheme colorScheme, PrintWriter outWriter, PrintWriter errWriter) {
        this.self = helpCommandLine;
        this.colors = colorScheme;
        this.out = outWriter;
    }

    @Override
    public void run() {
        CommandLine target = self.getParent();
        for (String name : commands == null ? List.<String>of() : commands) {
            CommandLine sub = target.getSubcommands().get(name);
            if (sub == null) {
                throw new ParameterException(self, "'" + target.getCommandSpec().qualifiedName() + "' has no command '"
                        + Sanitize.line(name, 80) + "': choose one of " + String.join(", ", target.getSubcommands().keySet()) + ".");
            }
            target = sub;
        }
        target.usage(out, colors);
        out.flush();
    }
}

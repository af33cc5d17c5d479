package org.fleetflash.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.fleetflash.core.device.SshTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The targets file of {@code fleetflash upgrade --targets}: a site's routers, one per line, as a technician writes it. */
class TargetsFileTest {

    @TempDir
    Path dir;

    private final CommandSpec spec = FleetFlashCommand.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))
            .getSubcommands().get("upgrade").getCommandSpec();

    private List<BatchOptions.Target> read(String text, String... arguments) throws Exception {
        BatchOptions options = new BatchOptions();
        options.targetsFile = Files.writeString(dir.resolve("site.txt"), text);
        return options.targets(spec, List.of(arguments));
    }

    @Test
    void readsRoutersSkippingCommentsAndBlankLinesWithTheirOwnUsersAndPorts() throws Exception {
        List<BatchOptions.Target> targets = read("""
                \uFEFF# north building
                127.0.0.1

                admin@127.0.0.2:2222   # the one with its own user
                  [::1]:22
                \t# spare, not installed yet: 127.0.0.9
                r-7.lan:2200\r
                """, "127.0.0.3");

        assertThat(targets).extracting(BatchOptions.Target::target).containsExactly(new SshTarget("127.0.0.3", 22),
                new SshTarget("127.0.0.1", 22), new SshTarget("127.0.0.2", 2222), new SshTarget("::1", 22), new SshTarget("r-7.lan", 2200));
        assertThat(targets).extracting(BatchOptions.Target::user).containsExactly(Optional.empty(), Optional.empty(),
                Optional.of("admin"), Optional.empty(), Optional.empty());
        assertThat(targets.get(3).target().hostPort()).isEqualTo("[::1]:22");
        assertThat(targets.get(2).where()).isEqualTo("site.txt line 4");
    }

    @Test
    void aFileThatIsNotUtf8OrIsMissingIsRefusedSayingWhatToDo() throws Exception {
        BatchOptions options = new BatchOptions();
        options.targetsFile = Files.write(dir.resolve("notepad.txt"), "127.0.0.1\n".getBytes(java.nio.charset.StandardCharsets.UTF_16));
        assertThatThrownBy(() -> options.targets(spec, List.of())).isInstanceOf(ParameterException.class).hasMessage("The targets file "
                + options.targetsFile + " is not UTF-8 text (saved as \"Unicode\", UTF-16 or Latin-1, say): save it as UTF-8 and try again.");

        options.targetsFile = Files.write(dir.resolve("latin1.txt"), "# B\u00e2timent A\n127.0.0.1\n".getBytes(
                java.nio.charset.StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> options.targets(spec, List.of())).hasMessageContaining("is not UTF-8 text");

        options.targetsFile = dir.resolve("missing.txt");
        assertThatThrownBy(() -> options.targets(spec, List.of())).hasMessage("Cannot read the targets file " + options.targetsFile
                + ": the file or directory " + options.targetsFile + " does not exist. Check the path and its permissions.");
    }

    @Test
    void refusesARouterNamedTwiceSayingWhereBothAre() {
        assertThatThrownBy(() -> read("127.0.0.1\n# comment\n127.0.0.1:22\n")).isInstanceOf(ParameterException.class)
                .hasMessage("The router 127.0.0.1:22 is named twice (site.txt line 1, and site.txt line 3): name each router once (two"
                        + " upgrades of one router at once are refused by the router anyway).");
        assertThatThrownBy(() -> read("[::1]\n", "[::1]:22")).hasMessageStartingWith("The router [::1]:22 is named twice (the command"
                + " line, and site.txt line 1)");
        assertThatThrownBy(() -> read("127.0.0.8\n", "127.0.0.9", "127.0.0.9:22")).hasMessageStartingWith("The router 127.0.0.9:22 is named twice (on the"
                + " command line):");
    }

    @Test
    void aBadLineIsNamedByItsNumber() {
        assertThatThrownBy(() -> read("127.0.0.1\n\n127.0.0.2:99999\n")).isInstanceOf(ParameterException.class)
                .hasMessageStartingWith("In site.txt line 3: Port 99999 of 127.0.0.2 is out of range");
        assertThatThrownBy(() -> read("# users\nr!oot@127.0.0.1\n")).hasMessageStartingWith("In site.txt line 2: 'r!oot@127.0.0.1' has"
                + " no usable user name before '@'");
        // columns, as a spreadsheet would write them, and two routers on a line: the line's form is what is wrong
        assertThatThrownBy(() -> read("127.0.0.1:2222 admin\n")).hasMessage("In site.txt line 1: '127.0.0.1:2222 admin' is more than one"
                + " word: write one router per line as [USER@]HOST[:PORT] (a user goes before '@'; '#' starts a comment).");
        assertThatThrownBy(() -> read("127.0.0.1\n127.0.0.1\t127.0.0.2\n")).hasMessageStartingWith("In site.txt line 2: '127.0.0.1")
                .hasMessageContaining("is more than one word");
        assertThatThrownBy(() -> read("[::1\n")).hasMessageStartingWith("In site.txt line 1: '[::1' opens '[' but never closes it");
    }

    @Test
    void aFileWithOnlyCommentsNamesNoRouterAndSaysSo() {
        assertThatThrownBy(() -> read("# nothing yet\n\n   \n")).isInstanceOf(ParameterException.class).hasMessage("The targets file "
                + dir.resolve("site.txt") + " names no router (only blank lines and comments): put one HOST[:PORT] per line.");
    }
}

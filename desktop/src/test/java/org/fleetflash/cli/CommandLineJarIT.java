package org.fleetflash.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.nio.file.attribute.PosixFilePermissions;
import org.fleetflash.core.settings.DataDirectory;
import org.fleetflash.testsupport.BuiltJar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The shaded jar is what a technician runs: its command line must list the commands and run them. */
class CommandLineJarIT {

    static final Path JAR = BuiltJar.JAR;

    /**
     * The command that runs the built jar with {@code args} ({@code java -jar}) in a JVM of its own, its temporary
     * files in the build's. These JVMs compile with C1 alone and collect with the serial collector: they live seconds,
     * in which C2's compilations and the parallel collector's threads cost more CPU than they give back, and a build
     * starts over a hundred of them on two cores. What the jar does is the same.
     */
    static List<String> javaJar(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir")));
        cmd.addAll(BuiltJar.sharedArchive());
        cmd.addAll(List.of("-jar", JAR.toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    record Run(int exit, String out, String err) {
    }

    /**
     * Runs {@code java -jar fleetflash.jar ARGS} with a fresh data directory of its own in FLEETFLASH_DATA_DIR (tests never
     * write to the real user's data directory); a {@code --data-dir} among the arguments still wins.
     */
    static Run runJar(String... args) throws IOException, InterruptedException {
        return runJar(Map.of(DataDirectory.ENV, Files.createTempDirectory("ff-data").toString()), args);
    }

    /** Runs the jar with these environment variables added (FLEETFLASH_DATA_DIR must be among them or in the arguments). */
    static Run runJar(Map<String, String> env, String... args) throws IOException, InterruptedException {
        assertThat(JAR).as("the build must produce %s", JAR).exists();
        assertThat(env.containsKey(DataDirectory.ENV) || List.of(args).contains("--data-dir"))
                .as("a test must give the jar a data directory").isTrue();
        List<String> cmd = javaJar(args);
        Path out = Files.createTempFile("jar-out", ".txt");
        Path err = Files.createTempFile("jar-err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().remove(DataDirectory.ENV);
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("fleetflash " + String.join(" ", args) + " did not finish in 300 s");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void helpListsTheCommands() throws Exception {
        Run run = runJar("--help");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("Usage: fleetflash").contains("probe").contains("sim");
    }

    @Test
    void unknownCommandSaysWhatToDo() throws Exception {
        Run run = runJar("frobnicate");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).startsWith("fleetflash: Unknown command or word: 'frobnicate'.\n").endsWith("Try 'fleetflash --help'.\n");
    }

    @TempDir
    Path dir;

    @Test
    void printsItsVersionFromTheJar() throws Exception {
        Run run = runJar("--version");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).matches("FleetFlash \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n");
    }

    @Test
    void showsTheHelpOfNestedCommandsBothWays() throws Exception {
        Run direct = runJar("sim", "image", "--help");
        Run viaHelp = runJar("help", "sim", "image");

        assertThat(direct.exit()).as(direct.err()).isZero();
        assertThat(direct.out()).startsWith("Usage: fleetflash sim image ").contains("--change-last-blocks");
        assertThat(viaHelp.exit()).as(viaHelp.err()).isZero();
        assertThat(viaHelp.out()).isEqualTo(direct.out());
    }

    /** Every command's bad command line: one line naming the command, then how to get its help; exit status 2. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "probe                                      | fleetflash probe: Missing required",
        "probe 1.2.3.4.5 --user root --password-env HOME | fleetflash probe: '1.2.3.4.5' is not an IPv4 address",
        "cleanup 127.0.0.1:22:1 --user root --password-env HOME | fleetflash cleanup: '127.0.0.1:22:1' is not a host name or IP address",
        "scan 127.0.0.0/33                          | fleetflash scan: ",
        "scan --bogus 127.0.0.1                     | fleetflash scan: Unknown option: '--bogus'",
        "sim --count many                           | fleetflash sim: Invalid value for option '--count'",
        "sim image --profile generic-16m            | fleetflash sim image: Missing required option: '--out=FILE'",
        "sim --state-dir x                          | fleetflash sim: Missing required option: '--profile=NAME|FILE'",
        "demo --bogus                               | fleetflash demo: Unknown option: '--bogus'",
        "help nope                                  | fleetflash help: 'fleetflash' has no command 'nope'",
    })
    void everyBadCommandLineNamesTheCommandAndHowToGetHelp(String args, String firstLine) throws Exception {
        Run run = runJar(args.split(" "));

        String command = firstLine.substring(0, firstLine.indexOf(':'));
        List<String> lines = run.err().lines().toList();
        assertThat(run.exit()).as(run.err()).isEqualTo(2);
        assertThat(lines.get(0)).startsWith(firstLine);
        assertThat(lines.get(lines.size() - 1)).isEqualTo("Try '" + command + " --help'.");
        assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void anUnexpectedFailureIsOneSentenceOnStderrAndAStackTraceInTheOwnerOnlyLogFile() throws Exception {
        Path data = dir.resolve("data");
        Path out = dir.resolve("no-such-dir/fw.bin");

        Run run = runJar(Map.of(DataDirectory.ENV, data.toString()), "sim", "image", "--profile", "generic-16m", "--version", "1",
                "--out", out.toString());

        Path log = data.resolve("logs/fleetflash.log");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("fleetflash sim image: the file or directory " + out + " does not exist. Details are in "
                + log + ".\n");
        assertThat(run.err()).doesNotContain("Exception").doesNotContain("at org.");
        assertThat(Files.readString(log)).contains("ERROR").contains("fleetflash sim image failed")
                .contains("java.nio.file.NoSuchFileException: " + out).contains("\tat org.fleetflash.");
        assertThat(Files.getPosixFilePermissions(data)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.getPosixFilePermissions(data.resolve("logs"))).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.getPosixFilePermissions(log)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void fleetflashLogDebugRaisesTheLevelOfTheFileNotOfTheTerminal() throws Exception {
        Path pw = Files.writeString(DataDirectory.createOwnerOnlyFile(dir.resolve("pw")), "secret\n");
        Path quiet = dir.resolve("quiet");
        Path verbose = dir.resolve("verbose");
        String[] probe = {"probe", "127.0.0.1:1", "--user", "root", "--password-file", pw.toString(), "--connect-timeout", "2"};

        Run normal = runJar(Map.of(DataDirectory.ENV, quiet.toString()), probe);
        Run debug = runJar(Map.of(DataDirectory.ENV, verbose.toString(), "FLEETFLASH_LOG", "debug"), probe);

        assertThat(normal.err()).isEqualTo(debug.err()).startsWith("fleetflash probe: Router 127.0.0.1 refused the connection on port 1");
        assertThat(debug.err().lines()).hasSize(1);
        assertThat(Files.readString(quiet.resolve("logs/fleetflash.log"))).contains(" INFO  ").doesNotContain(" DEBUG ");
        assertThat(Files.readString(verbose.resolve("logs/fleetflash.log"))).contains(" DEBUG ");
    }

    @Test
    void aDataDirectoryThatIsAFileIsNamedWithWhatToDo() throws Exception {
        Path file = Files.writeString(dir.resolve("data"), "not a directory");
        Path pw = DataDirectory.createOwnerOnlyFile(dir.resolve("pw"));

        Run run = runJar("probe", "127.0.0.1:1", "--user", "root", "--password-file", pw.toString(), "--data-dir", file.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("fleetflash probe: The data directory " + file + " is a file, not a directory: choose another "
                + "with --data-dir or FLEETFLASH_DATA_DIR, or move that file away.").doesNotContain("Exception");
        // said once: the missing log file is not a second sentence about the same directory
        assertThat(run.err().lines().filter(l -> l.contains("is a file, not a directory"))).hasSize(1);
    }

    @Test
    void refusesAPasswordFileOthersCanReadWithTheExactFix() throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), "secret\n");
        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-r--r--"));

        Run run = runJar("probe", "127.0.0.1:1", "--user", "root", "--password-file", pw.toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).startsWith("fleetflash probe: The password file " + pw + " is open to other users of this computer "
                + "(permissions rw-r--r--), so its secret may already be known: make it private with chmod 600 " + pw + " and try again.\n");
    }

    @Test
    void escapesWhatTheTechnicianTypedWhenEchoingItBack() throws Exception {
        Run run = runJar("probe", "router\u001b[2J", "--user", "root", "--password-env", "HOME");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("'router\\x1b[2J'").doesNotContain("\u001b");
        assertThat(Pattern.compile("[\\x00-\\x08\\x0b-\\x1f\\x7f]").matcher(run.err()).find()).isFalse();
    }
}

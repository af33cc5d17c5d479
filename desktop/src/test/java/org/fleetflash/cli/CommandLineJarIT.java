package org.fleetflash.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The shaded jar is what a technician runs: its command line must list the commands and run them. */
class CommandLineJarIT {

    static final Path JAR = Path.of("target", "fleetflash.jar");

    record Run(int exit, String out, String err) {
    }

    static Run runJar(String... args) throws IOException, InterruptedException {
        assertThat(JAR).as("the build must produce %s", JAR).exists();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("jar-out", ".txt");
        Path err = Files.createTempFile("jar-err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("fleetflash " + String.join(" ", args) + " did not finish in 60 s");
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
        assertThat(run.exit()).isNotZero();
        assertThat(run.err()).contains("frobnicate").contains("--help");
    }
}

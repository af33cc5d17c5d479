package org.fleetflash.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every stand-in script is POSIX sh that shellcheck accepts, and dash can parse it. */
class StandinShellcheckIT {

    @TempDir
    Path dir;

    static List<String> scripts() {
        return Sandbox.standInResources();
    }

    private static int run(Path out, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", cmd[0]).isTrue();
        return p.exitValue();
    }

    @ParameterizedTest
    @MethodSource("scripts")
    void isShellcheckClean(String name) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/shellcheck")),
                "shellcheck is not installed (apt-get install shellcheck; CI installs it): skipping the lint");
        Path script = dir.resolve(name);
        Files.writeString(script, Sandbox.standInSource(name), StandardCharsets.UTF_8);
        Path out = dir.resolve("out.txt");

        int exit = run(out, "/usr/bin/shellcheck", "-s", "sh", script.toString());

        assertThat(exit).as("shellcheck -s sh %s:%n%s", name, Files.readString(out)).isZero();
    }

    @ParameterizedTest
    @MethodSource("scripts")
    void dashCanParseIt(String name) throws Exception {
        Path script = dir.resolve(name);
        Files.writeString(script, Sandbox.standInSource(name), StandardCharsets.UTF_8);
        Path out = dir.resolve("out.txt");

        assertThat(run(out, "/usr/bin/dash", "-n", script.toString())).as(Files.readString(out)).isZero();
    }
}

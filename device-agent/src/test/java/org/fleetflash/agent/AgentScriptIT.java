package org.fleetflash.agent;

import static org.assertj.core.api.Assertions.assertThat;
<<<<<<< HEAD

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
=======
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
>>>>>>> wip-dev3
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

<<<<<<< HEAD
/** The agent as shipped: lint-clean POSIX sh that every target shell accepts. */
=======
/** The agent (with the flasher) is POSIX sh that shellcheck accepts and every target shell parses. */
>>>>>>> wip-dev3
class AgentScriptIT {

    @TempDir
    Path dir;

<<<<<<< HEAD
    Path script() throws IOException {
        Path f = dir.resolve(Agent.FILE_NAME);
        Files.write(f, Agent.script());
        return f;
    }

    record Result(int exit, String output) {
    }

    static Result run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " did not finish in 60 s");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void isShellcheckCleanAsPosixSh() throws Exception {
        // CI installs shellcheck (.ci/run); a missing linter must fail loudly, not skip.
        Result r = run(List.of("shellcheck", "-s", "sh", script().toString()));
        assertThat(r.output()).isEmpty();
        assertThat(r.exit()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dash", "posh", "busybox sh"})
    void everyTargetShellParsesIt(String shell) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(shell.split(" ")));
        cmd.add("-n");
        cmd.add(script().toString());
        Result r = run(cmd);
        assertThat(r.output()).isEmpty();
        assertThat(r.exit()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dash", "posh", "busybox sh"})
    void anUnknownSubCommandIsAProtocolErrorNotACrash(String shell) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(shell.split(" ")));
        cmd.add(script().toString());
        cmd.add("frobnicate");
        Result r = run(cmd);
        assertThat(r.exit()).isNotZero();
        assertThat(r.output()).contains("@FF hello agent=1 cmd=frobnicate").contains("@FF error code=USAGE");
=======
    private int run(Path out, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", cmd[0]).isTrue();
        return p.exitValue();
    }

    private Path script() throws Exception {
        Path script = dir.resolve(Agent.FILE_NAME);
        Files.write(script, Agent.script());
        return script;
    }

    @Test
    void isShellcheckClean() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/shellcheck")),
                "shellcheck is not installed (apt-get install shellcheck; CI installs it): skipping the lint");
        Path out = dir.resolve("out.txt");

        int exit = run(out, "/usr/bin/shellcheck", "-s", "sh", script().toString());

        assertThat(exit).as("shellcheck -s sh ffagent.sh:%n%s", Files.readString(out)).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/usr/bin/dash", "/usr/bin/posh", "/usr/bin/busybox sh"})
    void everyTargetShellParsesIt(String shell) throws Exception {
        Path out = dir.resolve("out.txt");
        String[] argv = (shell + " -n " + script()).split(" ");

        assertThat(run(out, argv)).as(Files.readString(out)).isZero();
    }

    @Test
    void usesNoToolThatStrippedImagesLack() throws Exception {
        String text = Files.readString(script());
        for (String tool : new String[] {"awk", "sed", "tr", "od", "wc", "stat", "head", "tail", "grep"}) {
            assertThat(text).as("the agent must not call %s", tool)
                    .doesNotContainPattern("(^|[|;&(]|\\$\\(|then|do|else)\\s*" + tool + "\\s");
        }
>>>>>>> wip-dev3
    }
}

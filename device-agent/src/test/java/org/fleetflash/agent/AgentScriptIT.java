package org.fleetflash.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The agent (with the flasher) as shipped: lint-clean POSIX sh that every target shell accepts. */
class AgentScriptIT {

    @TempDir
    Path dir;

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
    void itsDigestIsTheOneSha256sumPrintsForTheFileWrittenAndEveryCallerGetsItsOwnCopy() throws Exception {
        Path written = script();
        byte[] shipped = Files.readAllBytes(written);
        Result r = run(List.of("sha256sum", written.toString()));
        assertThat(r.exit()).isZero();
        assertThat(Agent.sha256()).isEqualTo(r.output().substring(0, 64));
        byte[] mine = Agent.script();
        mine[0] ^= 1; // a caller that changes its copy (it is the one memory held for the whole run otherwise)
        assertThat(Agent.script()).isEqualTo(shipped);
        assertThat(Agent.sha256()).isEqualTo(r.output().substring(0, 64));
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
    }

    @Test
    void usesNoToolThatStrippedImagesLack() throws Exception {
        String text = Files.readString(script());
        for (String tool : new String[] {"awk", "sed", "tr", "od", "wc", "stat", "head", "tail", "grep"}) {
            assertThat(text).as("the agent must not call %s", tool)
                    .doesNotContainPattern("(^|[|;&(]|\\$\\(|then|do|else)\\s*" + tool + "\\s");
        }
    }
}

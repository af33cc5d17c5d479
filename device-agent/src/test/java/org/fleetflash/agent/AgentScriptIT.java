package org.fleetflash.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The agent (with the flasher) is POSIX sh that shellcheck accepts and every target shell parses. */
class AgentScriptIT {

    @TempDir
    Path dir;

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
    }
}

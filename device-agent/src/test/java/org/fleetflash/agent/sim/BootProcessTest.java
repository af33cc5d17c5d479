package org.fleetflash.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A simulated router's processes start with default signal actions, whatever the simulator inherited: a shell's trap on
 * a hang-up or an interrupt works even when the simulator was started with those signals ignored (nohup, a CI runner,
 * a script's background job), as the agent's traps do on a router.
 */
class BootProcessTest {

    @ParameterizedTest
    @ValueSource(strings = {"HUP", "INT"})
    void aShellStartedFromAProcessThatIgnoresASignalCanStillTrapIt(String signal) throws Exception {
        String script = "trap 'echo caught; exit 0' " + signal + "; kill -" + signal + " $$; echo missed";
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", "trap '' HUP INT; exec \"$@\"", "parent"));
        argv.addAll(BootProcess.command(List.of("dash", "-c", script)));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip()).isEqualTo("caught");
    }
}

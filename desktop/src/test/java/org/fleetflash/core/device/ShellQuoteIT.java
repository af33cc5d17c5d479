package org.fleetflash.core.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Hostile values survive {@link DeviceSession#shellQuote} byte for byte in every shell the agent targets. */
class ShellQuoteIT {

    private static final List<String> SHELLS = List.of("/bin/sh", "dash", "posh", "busybox sh");
    private static final List<String> HOSTILE = List.of(
            "", " ", "plain", "it's", "''", "'\\''", "\"double\"", "$(touch /tmp/ff-pwned)", "`id`", "${HOME}", "$1 $@ $*",
            "a;b&&c||d|e", "> /dev/null", "*", "?[a]", "~root", "-n", "--", "line1\nline2", "tab\there", "\\", "\\'",
            "back\\\\slash", "%s%n", "!event", "#comment", "{a,b}", "ünïcødé ✓", "trailing space ", "\r\n", "'; reboot -r; '");

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (String shell : SHELLS) {
            for (String value : HOSTILE) {
                all.add(Arguments.of(shell, value));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} keeps [{1}]")
    @MethodSource("cases")
    void hostileValueArrivesUnchanged(String shell, String value) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(shell.split(" ")));
        cmd.add("-c");
        cmd.add("printf '%s' " + DeviceSession.shellQuote(value));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("%s finished", shell).isTrue(); // output is tiny: the pipe never fills
        byte[] out = p.getInputStream().readAllBytes();

        assertThat(p.exitValue()).isZero();
        assertThat(new String(out, StandardCharsets.UTF_8)).isEqualTo(value);
    }
}

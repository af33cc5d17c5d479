package org.fleetflash.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.fleetflash.agent.Agent;
import org.fleetflash.agent.protocol.AgentLine;
import org.fleetflash.agent.protocol.AgentLineParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code identify SECONDS}: the LED the technician looks for blinks ({@code f2}) and is then switched off, as the
 * sandbox's LED recorder saw it; a router without LEDs and a bad duration fail with one error line. Under every shell.
 */
class IdentifyIT {

    @TempDir
    Path dir;

    @AfterEach
    void deleteRouters() throws Exception {
        SandboxShell.deleteAll(dir);
    }

    private static SandboxShell.Result identify(Sandbox sb, String seconds) throws Exception {
        Path home = sb.root().resolve("tmp/fleetflash");
        Files.createDirectories(home);
        Files.write(home.resolve(Agent.FILE_NAME), Agent.script());
        return new SandboxShell(sb).run("sh \"$FF_ROOT/tmp/fleetflash/ffagent.sh\" identify " + seconds);
    }

    private static List<AgentLine> lines(SandboxShell.Result r) {
        return r.out().lines().map(AgentLineParser::parse).toList();
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void blinksTheSystemLedThenSwitchesItOff(Shell shell) throws Exception {
        try (Sandbox sb = Sandbox.create(dir.resolve("r1"), Profile.load("tl-wdr3600"), shell, "r1")) {
            SandboxShell.Result r = identify(sb, "1");

            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(lines(r)).containsExactly(new AgentLine.Hello(1, "identify"), new AgentLine.Led("SYSTEM"),
                    new AgentLine.Fact("identify.pattern", "f2"), new AgentLine.Fact("identify.seconds", "1"),
                    new AgentLine.Fact("identify.after", "0"), new AgentLine.Done("identify", "ok"));
            assertThat(Files.readString(sb.root().resolve("dev/led/SYSTEM"))).isEqualTo("0\n");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(sb.ledHistory())
                    .extracting(e -> e.led() + " " + e.value()).containsExactly("SYSTEM f2", "SYSTEM 0"));
            List<Sandbox.LedEvent> h = sb.ledHistory();
            assertThat(Duration.between(h.get(0).at(), h.get(1).at())).as("it blinked for about the second asked")
                    .isBetween(Duration.ofMillis(700), Duration.ofSeconds(5));
            for (String other : List.of("USB1", "USB2", "WLAN2G", "QSS")) {
                assertThat(Files.readString(sb.root().resolve("dev/led/" + other))).as(other + " is left alone").isEmpty();
            }
        }
    }

    @Test
    void withoutASystemLedThePowerLedBlinks() throws Exception {
        try (Sandbox sb = Sandbox.create(dir.resolve("g"), Profile.load("generic-16m"), Shell.DASH, "g")) {
            SandboxShell.Result r = identify(sb, "1");

            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(lines(r)).contains(new AgentLine.Led("power"));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(sb.ledHistory())
                    .extracting(e -> e.led() + " " + e.value()).containsExactly("power f2", "power 0"));
        }
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void aRouterWithoutLedsFailsWithOneSentence(Shell shell) throws Exception {
        try (Sandbox sb = Sandbox.create(dir.resolve("n"), noLeds(), shell, "n")) {
            SandboxShell.Result r = identify(sb, "5");

            assertThat(r.exit()).isEqualTo(1);
            assertThat(lines(r)).containsExactly(new AgentLine.Hello(1, "identify"), new AgentLine.Error("NO_LED",
                    "this router has no LED under /dev/led, so none can blink; find it by its label or cable instead"));
        }
    }

    @Test
    void aDurationOutsideOneToSixtySecondsIsRefusedAndNothingBlinks() throws Exception {
        try (Sandbox sb = Sandbox.create(dir.resolve("r"), Profile.load("tl-wdr3600"), Shell.POSH, "r")) {
            for (String bad : List.of("0", "61", "05", "-1", "1;reboot", "")) {
                SandboxShell.Result r = identify(sb, "'" + bad + "'");
                assertThat(r.exit()).as(bad).isEqualTo(1);
                assertThat(lines(r)).as(bad).last().isInstanceOfSatisfying(AgentLine.Error.class,
                        e -> assertThat(e.code()).isEqualTo("USAGE"));
            }
            assertThat(Files.readString(sb.root().resolve("dev/led/SYSTEM"))).isEmpty();
        }
    }

    /** The TL-WDR3600 without any LED (a board whose hints name none). */
    static Profile noLeds() throws Exception {
        try (InputStream in = IdentifyIT.class.getResourceAsStream("/org/fleetflash/agent/sim/profiles/tl-wdr3600.profile")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return Profile.parse("no-leds", text.replaceAll("(?m)^leds=.*$", "leds="));
        }
    }
}

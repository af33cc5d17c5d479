package org.fleetflash.core.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.fleetflash.agent.sim.Profile;
import org.fleetflash.agent.sim.Sandbox;
import org.fleetflash.agent.sim.Shell;
import org.fleetflash.agent.sim.SimRouter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Identify over real SSH on simulated routers: the router's system LED blinks and ends off, the caller hears which LED
 * as soon as it blinks, a router without LEDs answers NO_LED, and a session that drops mid-blink leaves the LED off.
 */
class RouterIdentifyIT {

    private static final SshConnector connector = SshConnector.start();

    @TempDir
    Path dir;

    private SimRouter start(String name, Profile profile, Shell shell, String address) throws Exception {
        return SimRouter.start(dir, new SimRouter.Options(name, profile, shell, address, 0, Optional.empty(), Optional.empty()));
    }

    private static SshOptions options() {
        return SshOptions.DEFAULTS.withAcceptNewHostKey(true).withCommandDeadline(Duration.ofSeconds(30));
    }

    private RouterIdentify.Result identify(SimRouter r, int seconds, List<String> started) throws Exception {
        return new RouterIdentify(connector).identify(new SshTarget(r.address(), r.port()), Credentials.Password.of(r.user(),
                r.password()), options(), new FileHostKeyStore(dir.resolve("known_hosts")), seconds, started::add);
    }

    @Test
    void theSystemLedBlinksForTheSecondsAskedThenIsOff() throws Exception {
        try (SimRouter r = start("blink", Profile.load("tl-wdr3600"), Shell.BUSYBOX, "127.0.51.20")) {
            List<String> started = new CopyOnWriteArrayList<>();
            RouterIdentify.Result result = identify(r, 1, started);

            assertThat(result.blinked()).as(result.failure().toString()).isTrue();
            assertThat(result.led()).contains("SYSTEM");
            assertThat(started).containsExactly("SYSTEM");
            Awaitility.await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> assertThat(r.sandbox().ledHistory())
                    .extracting(e -> e.led() + " " + e.value()).containsExactly("SYSTEM f2", "SYSTEM 0"));
        }
    }

    @Test
    void aRouterWithoutLedsSaysSoAndNothingStarts() throws Exception {
        try (SimRouter r = start("dark", noLeds(), Shell.DASH, "127.0.51.21")) {
            List<String> started = new CopyOnWriteArrayList<>();
            RouterIdentify.Result result = identify(r, 5, started);

            assertThat(result.blinked()).isFalse();
            assertThat(result.led()).isEmpty();
            assertThat(started).isEmpty();
            assertThat(result.failure()).get().satisfies(e -> assertThat(e.code()).isEqualTo("NO_LED"));
        }
    }

    @Test
    void aSessionThatDropsWhileTheLedBlinksLeavesItOff() throws Exception {
        try (SimRouter r = start("drop", Profile.load("tl-wdr3600"), Shell.DASH, "127.0.51.22")) {
            SshTarget target = new SshTarget(r.address(), r.port());
            DeviceSession session = connector.open(target, Credentials.Password.of(r.user(), r.password()), options(),
                    new FileHostKeyStore(dir.resolve("known_hosts")));
            long t0 = System.nanoTime();
            try {
                RouterIdentify.Result cut = RouterIdentify.identify(session, 60, Duration.ofSeconds(30), led -> new Thread(session::close)
                        .start());
                assertThat(cut.blinked()).as("a blink cut short is no success").isFalse();
            } catch (DeviceException expected) {
                // the session's end may also surface as a failure to talk to the router
            }
            Awaitility.await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> assertThat(r.sandbox().ledHistory())
                    .extracting(e -> e.led() + " " + e.value()).containsExactly("SYSTEM f2", "SYSTEM 0"));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("off long before the 60 s asked")
                    .isLessThan(Duration.ofSeconds(20));
            List<Sandbox.LedEvent> h = r.sandbox().ledHistory();
            assertThat(Files.readString(r.sandbox().root().resolve("dev/led/SYSTEM"))).isEqualTo("0\n");
            assertThat(h).hasSize(2);
        }
    }

    /** The TL-WDR3600 with no LED at all. */
    static Profile noLeds() throws Exception {
        try (InputStream in = Profile.class.getResourceAsStream("/org/fleetflash/agent/sim/profiles/tl-wdr3600.profile")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return Profile.parse("no-leds", text.replaceAll("(?m)^leds=.*$", "leds="));
        }
    }
}

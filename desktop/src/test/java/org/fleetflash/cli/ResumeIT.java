package org.fleetflash.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.fleetflash.agent.sim.Faults;
import org.fleetflash.agent.sim.Profile;
import org.fleetflash.agent.sim.Shell;
import org.fleetflash.agent.sim.SimImage;
import org.fleetflash.agent.sim.SimRouter;
import org.fleetflash.core.history.AttemptEvents;
import org.fleetflash.core.history.History;
import org.fleetflash.core.settings.DataDirectory;
import org.fleetflash.core.upgrade.Phase;
import org.fleetflash.core.upgrade.UpgradeEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The laptop side dies (SIGKILL: no shutdown hook, no last word) in the middle of a batch, at several points; the
 * next {@code fleetflash resume} judges every router from its flash and records what really happened, so that no
 * attempt is missing from the history or left open.
 */
class ResumeIT {

    private static final String VERSION = "12.0-resumed";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A running {@code fleetflash} and the JSON events it printed so far. */
    private record Cli(Process process, List<JsonNode> events, CompletableFuture<Void> reader) {
    }

    private Path image(SimRouter router) throws Exception {
        Path image = dir.resolve("fw.bin");
        if (!Files.exists(image)) {
            SimImage.write(router.sandbox().profile(), VERSION, 0, image);
        }
        return image;
    }

    private Path passwordFile(SimRouter router) throws Exception {
        Path pw = dir.resolve("pw");
        if (!Files.exists(pw)) {
            Files.writeString(DataDirectory.createOwnerOnlyFile(pw), router.password() + "\n");
        }
        return pw;
    }

    private List<String> java(String... args) {
        return CommandLineJarIT.javaJar(args);
    }

    private Cli upgrade(List<SimRouter> routers) throws Exception {
        List<String> args = new ArrayList<>(List.of("upgrade"));
        routers.forEach(r -> args.add(r.address() + ":" + r.port()));
        args.addAll(List.of("--user", routers.get(0).user(), "--password-file", passwordFile(routers.get(0)).toString(),
                "--accept-new-host-key", "--data-dir", dir.resolve("data").toString(), "--image", image(routers.get(0)).toString(),
                "--layout", "kernel rootfs", "--json-events"));
        Process p = new ProcessBuilder(java(args.toArray(String[]::new))).redirectError(dir.resolve("upgrade-err.txt").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        List<JsonNode> events = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    events.add(JSON.readTree(line));
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return new Cli(p, events, reader);
    }

    /** Waits (bounded) until an event of the upgrade matches. */
    private static void awaitEvent(Cli cli, Predicate<JsonNode> when) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline && cli.process().isAlive()) {
            synchronized (cli.events()) {
                if (cli.events().stream().anyMatch(when)) {
                    return;
                }
            }
            Thread.sleep(20); // polling the reader's list; what is asserted does not depend on this pace
        }
        throw new AssertionError("the upgrade never reached the point to kill it; events: " + cli.events());
    }

    private static Predicate<JsonNode> phase(SimRouter router, String phase) {
        return e -> "phase".equals(e.path("event").asText()) && phase.equals(e.path("phase").asText())
                && e.path("router").asText().equals(router.address() + ":" + router.port());
    }

    /** SIGKILL: the process gets no chance to say or record anything more. */
    private static void kill(Cli cli) throws Exception {
        Process kill = new ProcessBuilder("kill", "-KILL", Long.toString(cli.process().pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(cli.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(cli.process().exitValue()).isEqualTo(128 + 9);
    }

    private record Run(int status, String out, String err) {
    }

    private Run run(SimRouter anyRouter, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--data-dir", dir.resolve("data").toString()));
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(java(all.toArray(String[]::new))).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("fleetflash %s ends", args[0]).isTrue();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private Run resume(SimRouter router) throws Exception {
        return run(router, "resume", "--user", router.user(), "--password-file", passwordFile(router).toString(), "--wait", "180");
    }

    private JsonNode attempts(SimRouter any) throws Exception {
        Run list = run(any, "history", "list", "--json");
        assertThat(list.status()).as(list.err()).isZero();
        return JSON.readTree(list.out()).path("attempts");
    }

    private static JsonNode attemptOf(JsonNode attempts, SimRouter router) {
        JsonNode found = null;
        for (JsonNode a : attempts) {
            if (a.path("router").asText().equals(router.address() + ":" + router.port())) {
                assertThat(found).as("one attempt of %s", router.address()).isNull();
                found = a;
            }
        }
        assertThat(found).as("an attempt of %s is recorded", router.address()).isNotNull();
        return found;
    }

    @Test
    void killedMidBatchWhileOneRouterCommitsAndAnotherFlashesBothAreFoundFinishedOnTheirOwn() throws Exception {
        // 121 blocks at 200 KB/s: about 40 s of flashing, which resume, started seconds after the kill, finds under way
        Profile slowWrites = Profile.load("tl-wdr3600").withFlashSpeed(0, 200_000);
        try (SimRouter committing = SimRouter.start(dir.resolve("state"), new SimRouter.Options("res-commit", Profile.load("tl-wdr3600")
                .unthrottled(), Shell.DASH, "127.0.6.51", 0, Optional.empty(), Optional.empty()));
                SimRouter flashing = SimRouter.start(dir.resolve("state"), new SimRouter.Options("res-flash", slowWrites, Shell.DASH,
                        "127.0.6.52", 0, Optional.empty(), Optional.empty()))) {
            committing.setRebootDelay(Duration.ofMillis(500));
            flashing.setRebootDelay(Duration.ofMillis(500));
            // the commit's reboot -r waits at its gate: "committing" is on record, the reroot not yet requested
            committing.setFaults(committing.faults().withPauseAt(Faults.Pause.REBOOT));
            Cli cli = upgrade(List.of(committing, flashing));

            Faults.awaitPaused(committing, Faults.Pause.REBOOT, Duration.ofMinutes(3));
            awaitEvent(cli, phase(flashing, "FLASH"));
            kill(cli);
            Faults.release(committing, Faults.Pause.REBOOT); // the router goes on alone, as a real one does

            Run listed = run(committing, "history", "list", "--json");
            assertThat(listed.err()).as("the next FleetFlash says what happened and what to do").contains(
                    "2 upgrade attempt(s) were interrupted (FleetFlash stopped before they ended) and are not checked yet",
                    "run 'fleetflash resume'");
            JsonNode before = JSON.readTree(listed.out()).path("attempts");
            assertThat(attemptOf(before, committing).path("outcome").asText()).isEqualTo("INTERRUPTED");
            assertThat(attemptOf(before, committing).path("phase").asText()).isEqualTo("COMMIT");
            assertThat(attemptOf(before, flashing).path("outcome").asText()).isEqualTo("INTERRUPTED");

            Run resumed = resume(committing);

            assertThat(resumed.status()).as(resumed.out() + resumed.err()).isZero();
            assertThat(resumed.out()).contains("127.0.6.51:" + committing.port() + "  SUCCEEDED", "127.0.6.52:" + flashing.port()
                    + "  SUCCEEDED", "finished on its own");
            // the wait for the flashing router (its sshd gone while the flasher runs) is said, not silent: the check ends
            // only once it is back
            String waiting = "127.0.6.52:" + flashing.port() + "  waiting: it does not answer SSH: ";
            assertThat(resumed.out()).contains(waiting, "sshd runs on the router; trying again for at most 2 min");
            assertThat(resumed.out().indexOf(waiting)).as("said before its verdict")
                    .isLessThan(resumed.out().indexOf("127.0.6.52:" + flashing.port() + "  SUCCEEDED"));
            assertThat(resumed.err()).doesNotContain("Exception");
            for (SimRouter r : List.of(committing, flashing)) {
                assertThat(r.runningVersion()).contains(VERSION);
                JsonNode a = attemptOf(attempts(r), r);
                assertThat(a.path("outcome").asText()).isEqualTo("SUCCEEDED");
                assertThat(a.path("failureCode").asText()).isEqualTo("OK");
                assertThat(a.path("newVersion").asText()).isEqualTo(VERSION);
                assertThat(a.path("resumedAt").asText()).as("the outcome was found afterwards, and the report says so").isNotBlank()
                        .isNotEqualTo("null");
            }
            Run again = resume(committing);
            assertThat(again.status()).isZero();
            assertThat(again.out()).contains("No interrupted upgrade attempt");
        }
    }

    @Test
    void killedDuringTheDownloadTheRouterIsFoundUntouchedAndCleanedUp() throws Exception {
        try (SimRouter router = SimRouter.start(dir.resolve("state"), new SimRouter.Options("res-dl", Profile.load("tl-wdr3600")
                .unthrottled(), Shell.DASH, "127.0.6.53", 0, Optional.empty(), Optional.empty()))) {
            byte[] flashBefore = Files.readAllBytes(router.sandbox().flashFile());
            Cli cli = upgrade(List.of(router));

            awaitEvent(cli, phase(router, "DOWNLOAD"));
            kill(cli);

            // an upgrade before the resume finds the router held by the killed attempt, and is told what to run
            Path img = image(router);
            // (with a data directory of its own: the claim it meets is on the router, and this history stays as the kill left it)
            CommandLineJarIT.Run busy = CommandLineJarIT.runJar("upgrade", router.address() + ":" + router.port(), "--user", router.user(),
                    "--password-file", passwordFile(router).toString(), "--accept-new-host-key", "--data-dir", dir.resolve("other-data")
                            .toString(), "--image", img.toString(), "--layout", "kernel rootfs");
            assertThat(busy.exit()).as(busy.out() + busy.err()).isEqualTo(UpgradeCommand.EXIT_FAILED_SAFE);
            assertThat(busy.out()).contains("FAILED_SAFE (BUSY)", "when FleetFlash stopped during it on this computer, run"
                    + " 'fleetflash resume'");
            assertThat(Files.readAllBytes(router.sandbox().flashFile())).isEqualTo(flashBefore);

            Path wrong = Files.writeString(DataDirectory.createOwnerOnlyFile(dir.resolve("wrong-pw")), "not-the-password\n");
            Run refused = run(router, "resume", "--user", router.user(), "--password-file", wrong.toString());
            assertThat(refused.status()).as(refused.out() + refused.err()).isEqualTo(ResumeCommand.EXIT_STILL_INTERRUPTED);
            assertThat(refused.out()).contains("INTERRUPTED", "Cannot log in", "run 'fleetflash resume' again");
            assertThat(attemptOf(attempts(router), router).path("outcome").asText()).as("a router not judged stays interrupted")
                    .isEqualTo("INTERRUPTED");

            Run resumed = resume(router);

            assertThat(resumed.status()).as(resumed.out() + resumed.err()).isEqualTo(UpgradeCommand.EXIT_FAILED_SAFE);
            assertThat(resumed.out()).contains("FAILED_SAFE", "before the reroot", "as it was");
            assertThat(Files.readAllBytes(router.sandbox().flashFile())).isEqualTo(flashBefore);
            assertThat(router.sandbox().root().resolve("tmp/fleetflash/stage.conf")).doesNotExist();
            assertThat(router.sandbox().root().resolve("tmp/fleetflash/claim")).doesNotExist();
            assertThat(router.state()).isEqualTo(SimRouter.State.UP);
            JsonNode a = attemptOf(attempts(router), router);
            assertThat(a.path("outcome").asText()).isEqualTo("FAILED_SAFE");
            assertThat(a.path("failureCode").asText()).isEqualTo("PROCESS_DIED");
            assertThat(a.path("failureMessage").asText()).contains("FleetFlash stopped during");
        }
    }

    @Test
    void stoppedWhileItWaitsItSaysSoAndTheAttemptStaysInterrupted() throws Exception {
        // an attempt the laptop lost in RETURN, of a router that does not answer: nothing listens at its address
        DataDirectory data = DataDirectory.forThisUser(Optional.of(dir.resolve("data")));
        try (History before = History.open(data)) {
            List<UpgradeEvent> events = AttemptEvents.succeeded(AttemptEvents.ref("att-gone", "batch-gone", "127.0.6.59", 1),
                    Instant.now().minusSeconds(60), dir.resolve("fw.bin"), dir.resolve("backup"));
            int returning = 0;
            while (!(events.get(returning) instanceof UpgradeEvent.PhaseChanged c && c.to() == Phase.RETURN)) {
                returning++;
            }
            events.subList(0, returning + 1).forEach(before.writer()::on); // the process died while it waited for the router
            assertThat(before.writer().awaitWritten(Duration.ofSeconds(20))).isTrue();
        }
        Path pw = Files.writeString(DataDirectory.createOwnerOnlyFile(dir.resolve("pw")), "secret\n");
        Path out = dir.resolve("resume-out.txt");
        Path err = dir.resolve("resume-err.txt");
        Process p = new ProcessBuilder(java("resume", "--user", "root", "--password-file", pw.toString(), "--data-dir",
                dir.resolve("data").toString())).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(out).contains("  waiting: "));

            Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).inheritIO().start(); // as Ctrl+C's sibling
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("it stops").isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(Files.readString(out)).contains("127.0.6.59:1  waiting: it does not answer SSH");
        assertThat(Files.readString(err)).contains("fleetflash resume: stopped before every router was checked: 1 interrupted"
                + " attempt(s) stay INTERRUPTED, nothing was changed for them. Run 'fleetflash resume' again to check them.")
                .doesNotContain("Exception");
        JsonNode attempts = JSON.readTree(run(null, "history", "list", "--json").out()).path("attempts");
        assertThat(attempts).singleElement().satisfies(a -> assertThat(a.path("outcome").asText()).isEqualTo("INTERRUPTED"));
    }
}

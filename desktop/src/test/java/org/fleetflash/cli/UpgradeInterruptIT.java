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
import org.fleetflash.core.settings.DataDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl+C / SIGTERM on {@code fleetflash upgrade}, as a technician does it: before the reroot the upgrade is cancelled
 * and undone (exit 11), after it the router finishes on its own and the technician is told so (exit 21).
 */
class UpgradeInterruptIT {

    private static final String VERSION = "12.0-sigterm";

    @TempDir
    Path dir;

    /** The upgrade's process and the JSON events it printed so far. */
    private record Upgrade(Process process, List<JsonNode> events, CompletableFuture<Void> reader) {
    }

    private Upgrade start(SimRouter router) throws Exception {
        Path image = dir.resolve("fw.bin");
        SimImage.write(router.sandbox().profile(), VERSION, 0, image);
        Path pw = Files.writeString(DataDirectory.createOwnerOnlyFile(dir.resolve("pw")), router.password() + "\n");
        List<String> cmd = CommandLineJarIT.javaJar(
                "upgrade", router.address() + ":" + router.port(), "--user", router.user(), "--password-file", pw.toString(),
                "--accept-new-host-key", "--data-dir", dir.resolve("data").toString(), "--image", image.toString(),
                "--layout", "kernel rootfs", "--json-events");
        Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("err.txt").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        List<JsonNode> events = Collections.synchronizedList(new ArrayList<>());
        ObjectMapper json = new ObjectMapper();
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    events.add(json.readTree(line));
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return new Upgrade(p, events, reader);
    }

    /** Waits (bounded) until an event matches, then sends SIGTERM, as Ctrl+C's sibling does. */
    private static void terminateWhen(Upgrade u, Predicate<JsonNode> when) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline && u.process().isAlive()) {
            synchronized (u.events()) {
                if (u.events().stream().anyMatch(when)) {
                    signal(u.process(), "TERM"); // as Ctrl+C's sibling, SIGTERM
                    return;
                }
            }
            u.reader().getNow(null);
            Thread.sleep(20); // polling the reader's list; the assertion below does not depend on this pace
        }
        throw new AssertionError("the upgrade never reached the point to interrupt; events: " + u.events());
    }

    /**
     * Sends {@code SIG<name>} with kill(1): Process.destroy() would also close our end of the process's output,
     * and the test must read what the process says after the signal.
     */
    private static void signal(Process p, String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    private static boolean phase(JsonNode e, String phase) {
        return "phase".equals(e.path("event").asText()) && phase.equals(e.path("phase").asText());
    }

    @Test
    void sigtermDuringTheBackupCancelsUndoesAndExitsEleven() throws Exception {
        // a flash that reads at 500 KB/s: the backup takes long enough to be interrupted in the middle
        try (SimRouter router = SimRouter.start(dir.resolve("state"), new SimRouter.Options("int-1",
                Profile.load("tl-wdr3600").withFlashSpeed(500_000, 0), Shell.DASH, "127.0.6.41", 0, Optional.empty(),
                Optional.empty()))) {
            byte[] before = Files.readAllBytes(router.sandbox().flashFile());
            Upgrade u = start(router);

            terminateWhen(u, e -> "transfer".equals(e.path("event").asText()) && "BACKUP".equals(e.path("phase").asText()));

            assertThat(u.process().waitFor(120, TimeUnit.SECONDS)).isTrue();
            u.reader().get(10, TimeUnit.SECONDS);
            String err = Files.readString(dir.resolve("err.txt"));
            assertThat(u.process().exitValue()).as(err).isEqualTo(UpgradeCommand.EXIT_CANCELLED);
            JsonNode last = u.events().get(u.events().size() - 1);
            assertThat(last.path("outcome").asText()).isEqualTo("FAILED_SAFE");
            assertThat(last.path("code").asText()).isEqualTo("CANCELLED");
            assertThat(err).contains("cancelling").doesNotContain("Exception");
            assertThat(Files.readAllBytes(router.sandbox().flashFile())).isEqualTo(before);
            assertThat(router.sandbox().root().resolve("tmp/fleetflash/claim")).doesNotExist();
            try (var backups = Files.list(dir.resolve("data/backups"))) {
                assertThat(backups).as("the partial backup is removed").isEmpty();
            }
        }
    }

    @Test
    void sigtermAfterTheRerootSaysTheRouterFinishesOnItsOwnAndExitsTwentyOne() throws Exception {
        // a flash that writes at 200 KB/s: the FLASH phase lasts long enough to be interrupted in it
        try (SimRouter router = SimRouter.start(dir.resolve("state"), new SimRouter.Options("int-2",
                Profile.load("tl-wdr3600").withFlashSpeed(0, 200_000), Shell.DASH, "127.0.6.42", 0, Optional.empty(),
                Optional.empty()))) {
            router.setRebootDelay(Duration.ofMillis(500));
            long before = router.mark();
            Upgrade u = start(router);

            terminateWhen(u, e -> phase(e, "FLASH"));

            assertThat(u.process().waitFor(120, TimeUnit.SECONDS)).isTrue();
            u.reader().get(10, TimeUnit.SECONDS);
            assertThat(u.process().exitValue()).as(Files.readString(dir.resolve("err.txt")))
                    .isEqualTo(UpgradeCommand.EXIT_LEFT_FLASHING);
            JsonNode last = u.events().get(u.events().size() - 1);
            assertThat(last.path("event").asText()).isEqualTo("interrupted");
            assertThat(last.path("message").asText()).contains("point of no return", "Do not power it off", "fleetflash resume");
            // and it does: the router flashes and comes back with the image, without the laptop
            router.awaitState(SimRouter.State.FLASHING, before, Duration.ofMinutes(10));
            router.awaitState(SimRouter.State.UP, Duration.ofMinutes(2));
            assertThat(router.runningVersion()).contains(VERSION);

            // as the message says: the history kept the attempt open, and resume records its outcome from the flash
            CommandLineJarIT.Run resumed = CommandLineJarIT.runJar("resume", "--user", router.user(), "--password-file",
                    dir.resolve("pw").toString(), "--data-dir", dir.resolve("data").toString(), "--wait", "120");
            assertThat(resumed.exit()).as(resumed.out() + resumed.err()).isZero();
            assertThat(resumed.out()).contains(router.address() + ":" + router.port() + "  SUCCEEDED");
            assertThat(resumed.err()).as("resume does not remind of itself").doesNotContain("run 'fleetflash resume'");
        }
    }

    @Test
    void sigkillOfTheLaptopSideInTheMiddleOfTheCommitLeavesARouterThatFlashesOnItsOwn() throws Exception {
        try (SimRouter router = SimRouter.start(dir.resolve("state"), new SimRouter.Options("int-3",
                Profile.load("tl-wdr3600").unthrottled(), Shell.DASH, "127.0.6.43", 0, Optional.empty(), Optional.empty()))) {
            router.setRebootDelay(Duration.ofMillis(500));
            // the router stops right after pointing its root at the memory disk, before reboot -r
            router.setFaults(Faults.none().withPauseAt(Faults.Pause.KENV));
            long before = router.mark();
            Upgrade u = start(router);
            Faults.awaitPaused(router, Faults.Pause.KENV, Duration.ofMinutes(5));

            signal(u.process(), "KILL"); // no shutdown hook, no goodbye
            assertThat(u.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            Faults.release(router, Faults.Pause.KENV);

            router.awaitState(SimRouter.State.FLASHING, before, Duration.ofMinutes(10));
            router.awaitState(SimRouter.State.UP, Duration.ofMinutes(2));
            assertThat(router.runningVersion()).contains(VERSION);
        }
    }

    @Test
    void sigkillOfTheLaptopSideWhenTheRerootFailsLeavesTheRouterAsItWasAndCleanupSaysWhatItPutBack() throws Exception {
        try (SimRouter router = SimRouter.start(dir.resolve("state"), new SimRouter.Options("int-4",
                Profile.load("tl-wdr3600").unthrottled(), Shell.DASH, "127.0.6.44", 0, Optional.empty(), Optional.empty()))) {
            byte[] before = Files.readAllBytes(router.sandbox().flashFile());
            String root = router.sandbox().kenv().get("vfs.root.mountfrom");
            // a FreeBSD whose reboot has no -r; the router stops in the commit, after pointing its root at the md
            router.setFaults(Faults.none().withRebootWithoutReroot().withPauseAt(Faults.Pause.KENV));
            Upgrade u = start(router);
            Faults.awaitPaused(router, Faults.Pause.KENV, Duration.ofMinutes(5));

            signal(u.process(), "KILL");
            assertThat(u.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            Faults.release(router, Faults.Pause.KENV);

            // the detached commit finds that reboot -r fails and puts the root pointer and watchdogd back by itself
            Path log = router.sandbox().root().resolve("tmp/fleetflash/commit.log");
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (System.nanoTime() < deadline && !(Files.exists(log) && Files.readString(log).contains("REROOT_FAILED"))) {
                Thread.sleep(100); // bounded wait for the router's own undo
            }
            assertThat(Files.readString(log)).contains("REROOT_FAILED");
            assertThat(router.sandbox().kenv().get("vfs.root.mountfrom")).isEqualTo(root);
            // watchdogd runs again: the pid file the agent checks names a live process
            long watchdog = Long.parseLong(Files.readString(router.sandbox().root().resolve("var/run/watchdogd.pid")).strip());
            assertThat(ProcessHandle.of(watchdog).map(ProcessHandle::isAlive)).contains(true);
            assertThat(router.state()).isEqualTo(SimRouter.State.UP);
            assertThat(Files.readAllBytes(router.sandbox().flashFile())).isEqualTo(before);

            Path pw = dir.resolve("pw");
            CommandLineJarIT.Run cleanup = CommandLineJarIT.runJar("cleanup", router.address() + ":" + router.port(),
                    "--user", router.user(), "--password-file", pw.toString(), "--data-dir", dir.resolve("data").toString());

            assertThat(cleanup.exit()).as(cleanup.err()).isZero();
            assertThat(cleanup.out()).contains("put back").contains("the router is as it was").doesNotContain("nothing was left");
            assertThat(router.sandbox().root().resolve("tmp/fleetflash/claim")).doesNotExist();
            assertThat(router.sandbox().root().resolve("tmp/fleetflash/md.unit")).doesNotExist();

            CommandLineJarIT.Run again = CommandLineJarIT.runJar("cleanup", router.address() + ":" + router.port(),
                    "--user", router.user(), "--password-file", pw.toString(), "--data-dir", dir.resolve("data").toString());
            assertThat(again.out()).contains("nothing was left");
        }
    }
}

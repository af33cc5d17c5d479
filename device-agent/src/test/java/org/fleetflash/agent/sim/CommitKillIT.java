package org.fleetflash.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.fleetflash.agent.protocol.AgentLine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The point of no return does not depend on the laptop: the SSH session of {@code commit} is cut at several
 * points of the commit (the simulator pauses a stand-in there), and the router either reroots and flashes, or
 * puts itself back exactly as it was; {@code cleanup} after a commit that died restores everything and says so.
 */
class CommitKillIT {

    private static final Duration FLASH_TIMEOUT = Duration.ofSeconds(300);
    private static final String OLD_ROOT = "ufs:map/rootfs.uncompress";

    @TempDir
    Path dir;

    private UpgradeBench bench;

    @AfterEach
    void stop() throws Exception {
        if (bench != null) {
            for (Faults.Pause p : Faults.Pause.values()) {
                Faults.release(bench.router, p);
            }
            bench.close();
        }
        SandboxShell.deleteAll(dir.resolve("state"));
    }

    private UpgradeBench bench(Shell shell) throws Exception {
        Files.createDirectories(dir.resolve("state"));
        bench = new UpgradeBench(dir.resolve("state"), dir, Profile.load("tl-wdr3600").unthrottled(), shell, "127.0.3.5");
        return bench;
    }

    /** Stages image {@code version} for this bench's attempt; returns the image. */
    private byte[] staged(String version) throws Exception {
        byte[] image = SimImage.bytes(bench.router.sandbox().profile(), version, 0);
        bench.writeStageConf(bench.image(version + ".bin", image), "fetch", UnaryOperator.identity());
        UpgradeBench.Run stage = bench.agent("stage");
        assertThat(stage.first(AgentLine.Staged.class)).as(stage.machine()).isPresent();
        return image;
    }

    /**
     * Live processes of this test's router whose arguments are exactly an agent sub-command {@code sub} (commit,
     * commit-run): its agent is the one under its own sandbox, so another router's commit (another test running at the
     * same time, in another JVM) is not counted.
     */
    private List<ProcessHandle> agentProcesses(String sub) {
        String agent = bench.router.sandbox().root().resolve("tmp/fleetflash/ffagent.sh").toString();
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(h -> h.info().arguments().map(a -> a.length >= 2 && a[a.length - 2].equals(sub)
                        && Arrays.asList(a).contains(agent)).orElse(false))
                .toList();
    }

    /** Starts commit over SSH, waits for the pause, cuts the session and waits until its foreground is gone. */
    private void cutCommitAt(Faults.Pause point) throws Exception {
        try (UpgradeBench.LiveSsh commit = bench.sshStart(bench.agentCommand("commit"))) {
            Faults.awaitPaused(bench.router, point, Duration.ofSeconds(30));
            // the commit is cut once it has detached: its watchdogd may have paused before the commit asked it to stop.
            // All simulated routers share the host's process numbers, and in full runs (pid_max 32768, thousands of
            // stand-ins) another test's router signalled a watchdogd whose number had passed to this router's: the pause
            // came while this commit had not started its detached part (no commit.log yet), and the cut ended it
            await().atMost(Duration.ofSeconds(30)).until(() -> !agentProcesses("commit-run").isEmpty());
            assertThat(agentProcesses("commit")).as("the session's commit runs").isNotEmpty();
            commit.cut();
        }
        // the hangup reaches the session's processes; the detached commit lives on
        await().atMost(Duration.ofSeconds(15)).until(() -> agentProcesses("commit").isEmpty());
        // seen through /proc: asked again for a few seconds, as a process that died stays gone (two full runs under load
        // saw none; see the simulated sshd's hang-up, SandboxCommand.holdsSessionPipe)
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(agentProcesses("commit-run")).as("the detached commit survives the hangup; its log:%n%s", commitLog())
                        .hasSize(1));
    }

    /** The commit's own log on the router, for a failure's message. */
    private String commitLog() {
        try {
            return Files.readString(bench.home().resolve("commit.log"));
        } catch (java.io.IOException e) {
            return "(none: " + e.getMessage() + ")";
        }
    }

    /** The router as a technician would check it: root pointer, watchdogd, memory disks, files. */
    private void assertExactlyAsBefore() throws Exception {
        assertThat(bench.router.sandbox().kenv()).containsEntry("vfs.root.mountfrom", OLD_ROOT);
        UpgradeBench.Run probe = bench.agent("probe");
        assertThat(probe.lines()).contains(new AgentLine.Fact("watchdogd", "running"));
        assertThat(bench.shell("mdconfig -l").out()).isEqualTo("md0 md1\n");
        try (Stream<Path> files = Files.list(bench.home())) {
            assertThat(files.map(p -> p.getFileName().toString())).as("what the attempt left")
                    .doesNotContain("stage.conf", "md.unit", "sealed", "commit.state", "claim", "md");
        }
        assertThat(bench.router.state()).isEqualTo(SimRouter.State.UP);
    }

    static Stream<Arguments> cutPoints() {
        return Stream.of(Arguments.of(Faults.Pause.WATCHDOGD, Shell.DASH), Arguments.of(Faults.Pause.KENV, Shell.POSH),
                Arguments.of(Faults.Pause.REBOOT, Shell.BUSYBOX), Arguments.of(Faults.Pause.KENV, Shell.DASH));
    }

    @ParameterizedTest(name = "{0} under {1}")
    @MethodSource("cutPoints")
    void aCommitWhoseSessionIsCutStillReroots(Faults.Pause point, Shell shell) throws Exception {
        bench(shell);
        Profile p = bench.router.sandbox().profile();
        byte[] image = staged("12.0-new");
        bench.router.setFaults(Faults.none().withPauseAt(point));

        cutCommitAt(point);
        long before = bench.router.mark();
        Faults.release(bench.router, point);

        // the reroot waits out the simulated rc.shutdown, which on a loaded machine alone can take tens of seconds; a
        // commit that undid itself instead stays UP for good (the timeout quotes its log)
        bench.router.awaitState(SimRouter.State.FLASHING, before, Duration.ofSeconds(90));
        bench.router.awaitState(SimRouter.State.UP, FLASH_TIMEOUT);
        assertThat(bench.router.runningVersion()).contains("12.0-new");
        int start = (int) p.spanStart();
        byte[] padded = UpgradeBench.padded(image, p.eraseBlock());
        assertThat(Arrays.copyOfRange(bench.flash(), start, start + padded.length)).isEqualTo(padded);
        assertThat(Files.readString(bench.router.consoleLog())).doesNotContain("killed while armed");
        await().atMost(Duration.ofSeconds(10)).until(() -> !bench.events("DONE").isEmpty());
    }

    @Test
    void aCommitThatCannotRerootAfterItsSessionWasCutPutsTheRouterBackByItself() throws Exception {
        bench(Shell.DASH);
        staged("12.0-new");
        byte[] flash = bench.flash();
        // an old reboot refuses -r before it could pause: cut the session at the kenv step, the last one before it
        bench.router.setFaults(Faults.none().withRebootWithoutReroot().withPauseAt(Faults.Pause.KENV));
        cutCommitAt(Faults.Pause.KENV);
        Faults.release(bench.router, Faults.Pause.KENV);

        await().atMost(Duration.ofSeconds(30)).until(() -> agentProcesses("commit-run").isEmpty());
        assertExactlyAsBefore();
        assertThat(bench.flash()).isEqualTo(flash);
        String log = Files.readString(bench.home().resolve("commit.log"));
        assertThat(log).contains("@FF error code=REROOT_FAILED", "reboot: illegal option -- r",
                "vfs.root.mountfrom set back from ufs:/dev/md2 to " + OLD_ROOT, "watchdogd restarted",
                "memory disk md2 detached", "released the claim of attempt bench-1");
        // the next attempt may claim the router at once
        bench.attempt = "bench-2";
        assertThat(bench.agent("claim").first(AgentLine.Claimed.class)).isPresent();
    }

    @Test
    void aRouterThatCannotRerootUndoesTheCommitAndSaysWhatItPutBack() throws Exception {
        bench(Shell.POSH);
        staged("12.0-new");
        bench.router.setFaults(Faults.none().withRebootWithoutReroot());

        UpgradeBench.SshRun commit = bench.sshRun(bench.agentCommand("commit"));

        List<AgentLine> lines = commit.lines();
        assertThat(commit.exit()).as(commit.out() + commit.err()).isEqualTo(1);
        assertThat(lines).noneMatch(AgentLine.Committed.class::isInstance);
        assertThat(lines).filteredOn(AgentLine.Undone.class::isInstance).extracting(l -> ((AgentLine.Undone) l).what())
                .containsExactly("root", "watchdogd", "md", "files", "claim");
        AgentLine.Error error = lines.stream().filter(AgentLine.Error.class::isInstance).map(AgentLine.Error.class::cast)
                .findFirst().orElseThrow(() -> new AssertionError(commit.out() + commit.err()));
        assertThat(error.code()).isEqualTo("REROOT_FAILED");
        assertThat(error.text()).contains("reboot: illegal option -- r", "cannot reroot",
                "set back from ufs:/dev/md2 to " + OLD_ROOT, "watchdogd restarted", "memory disk md2 detached",
                "old firmware as before");
        assertExactlyAsBefore();
        assertThat(bench.router.state()).isEqualTo(SimRouter.State.UP);
    }

    @Test
    void aWatchdogdThatDoesNotStopIsLeftRunningAndTheCommitUndoneBeforeTheRootIsTouched() throws Exception {
        bench(Shell.DASH);
        staged("12.0-new");
        // the simulated watchdogd holds its SIGTERM for as long as the pause is held: here, never (up to its own 60 s)
        bench.router.setFaults(Faults.none().withPauseAt(Faults.Pause.WATCHDOGD));

        UpgradeBench.SshRun commit = bench.sshRun(bench.agentCommand("commit"));

        List<AgentLine> lines = commit.lines();
        assertThat(commit.exit()).as(commit.out() + commit.err()).isEqualTo(1);
        assertThat(lines).noneMatch(AgentLine.Committed.class::isInstance);
        AgentLine.Error error = lines.stream().filter(AgentLine.Error.class::isInstance).map(AgentLine.Error.class::cast)
                .findFirst().orElseThrow(() -> new AssertionError(commit.out() + commit.err()));
        assertThat(error.code()).isEqualTo("WATCHDOG_STUCK");
        assertThat(error.text()).contains("did not stop within 30 s of SIGTERM", "old firmware as before");
        // still paused, so still running: the watchdog the router had is the one it keeps
        assertExactlyAsBefore();
        assertThat(Files.readString(bench.router.sandbox().simDir().resolve("watchdog"))).startsWith("armed");
    }

    @Test
    void aWatchdogdPidFileLeftBehindNamingAnotherProcessIsNeitherTakenForItNorSentItsSigterm() throws Exception {
        bench(Shell.DASH);
        staged("12.0-new");
        // watchdogd stopped and left its pid file behind, and a busy router has since given its number to another process
        Path pidFile = bench.router.sandbox().root().resolve("var/run/watchdogd.pid");
        ProcessHandle watchdogd = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).orElseThrow();
        watchdogd.destroy();
        watchdogd.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        Process other = new ProcessBuilder("sleep", "300").start();
        try {
            Files.writeString(pidFile, other.pid() + "\n");

            UpgradeBench.Run probe = bench.agent("probe");
            assertThat(probe.lines()).as(probe.machine()).filteredOn(AgentLine.Fact.class::isInstance).map(AgentLine.Fact.class::cast)
                    .filteredOn(f -> f.key().equals("watchdogd")).extracting(AgentLine.Fact::text).containsExactly("stopped");

            UpgradeBench.SshRun commit = bench.sshRun(bench.agentCommand("commit"));
            assertThat(commit.out() + commit.err()).contains("and watchdogd (stopped)")
                    .doesNotContain("stopped watchdogd (pid");
            assertThat(commit.lines()).as(commit.out() + commit.err()).anyMatch(AgentLine.Committed.class::isInstance);
            assertThat(other.isAlive()).as("the process that has the number now was not sent watchdogd's SIGTERM").isTrue();
        } finally {
            other.destroyForcibly();
        }
    }

    @Test
    void cleanupAfterACommitThatDiedRestoresEverythingAndSaysWhat() throws Exception {
        bench(Shell.BUSYBOX);
        staged("12.0-new");
        bench.router.setFaults(Faults.none().withPauseAt(Faults.Pause.KENV));

        // the root pointer is set and watchdogd stopped when the commit process dies (killed, out of memory ...)
        cutCommitAt(Faults.Pause.KENV);
        assertThat(bench.router.sandbox().kenv()).containsEntry("vfs.root.mountfrom", "ufs:/dev/md2");
        agentProcesses("commit-run").forEach(ProcessHandle::destroyForcibly);
        await().atMost(Duration.ofSeconds(10)).until(() -> agentProcesses("commit-run").isEmpty());
        Faults.release(bench.router, Faults.Pause.KENV);

        UpgradeBench.Run cleanup = bench.agent("cleanup");

        assertThat(cleanup.exit()).as(cleanup.machine()).isZero();
        assertThat(cleanup.lines()).filteredOn(AgentLine.Undone.class::isInstance).extracting(l -> ((AgentLine.Undone) l).what())
                .containsExactly("root", "watchdogd", "md", "files", "claim");
        assertThat(cleanup.out()).contains("@FF undone what=root text=vfs.root.mountfrom set back from ufs:/dev/md2 to "
                + OLD_ROOT, "@FF done cmd=cleanup status=ok found=5");
        assertExactlyAsBefore();
        // nothing left: a second cleanup finds nothing and says so
        UpgradeBench.Run again = bench.agent("cleanup");
        assertThat(again.out()).contains("@FF done cmd=cleanup status=ok found=0").doesNotContain("undone");
        assertThat(again.err()).contains("nothing to clean");
    }

    @Test
    void cleanupDoesNotFightACommitThatRuns() throws Exception {
        bench(Shell.DASH);
        staged("12.0-new");
        bench.router.setFaults(Faults.none().withPauseAt(Faults.Pause.REBOOT));
        long before;
        try (UpgradeBench.LiveSsh commit = bench.sshStart(bench.agentCommand("commit"))) {
            Faults.awaitPaused(bench.router, Faults.Pause.REBOOT, Duration.ofSeconds(30));

            UpgradeBench.Run cleanup = bench.agent("cleanup");
            UpgradeBench.Run other = bench.shell("sh \"$FF_ROOT/tmp/fleetflash/ffagent.sh\" claim other-1");

            assertThat(cleanup.error()).as(cleanup.machine()).get().extracting(AgentLine.Error::code).isEqualTo("COMMITTING");
            assertThat(cleanup.out()).doesNotContain("undone");
            assertThat(other.first(AgentLine.Holder.class)).as(other.machine()).get()
                    .satisfies(h -> assertThat(h.committing()).isTrue());
            assertThat(bench.router.sandbox().kenv()).containsEntry("vfs.root.mountfrom", "ufs:/dev/md2");
            before = bench.router.mark();
            Faults.release(bench.router, Faults.Pause.REBOOT);
            commit.await(Duration.ofSeconds(30));
            assertThat(commit.out()).contains("@FF committed md=md2");
        }
        bench.router.awaitState(SimRouter.State.FLASHING, before, Duration.ofSeconds(30));
        bench.router.awaitState(SimRouter.State.UP, FLASH_TIMEOUT);
        assertThat(bench.router.runningVersion()).contains("12.0-new");
    }
}

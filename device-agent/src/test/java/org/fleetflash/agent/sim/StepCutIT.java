package org.fleetflash.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.fleetflash.agent.protocol.AgentLine;
import org.fleetflash.agent.protocol.AgentLineParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A cancel cuts the session of a step that is making the memory disk, and the laptop cleans up on a new session at
 * once: the cleanup waits for the cut step to end before it undoes, so that the memory disk the step was still mounting
 * is not left behind (mounted, recorded, claimed) while both say they are done.
 */
class StepCutIT {

    @org.junit.jupiter.api.io.TempDir
    Path dir;

    private UpgradeBench bench;

    @AfterEach
    void stop() throws Exception {
        if (bench != null) {
            Faults.release(bench.router, Faults.Pause.MOUNT);
            bench.close();
        }
        SandboxShell.deleteAll(dir.resolve("state"));
    }

    @ParameterizedTest(name = "under {0}")
    @EnumSource(Shell.class)
    void aCleanupWaitsForTheStepWhoseSessionWasCutThenPutsEverythingBack(Shell shell) throws Exception {
        claimed(shell, "127.0.74.1");
        // the prepare has made and recorded the memory disk, and its mount is under way when the laptop cancels
        cutPrepareAt(Faults.Pause.MOUNT);
        try (UpgradeBench.LiveSsh cleanup = bench.sshStart(bench.agentCommand("cleanup " + bench.attempt))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> cleanup.err().contains("waiting for the upgrade step")
                    || cleanup.ended());
            assertThat(cleanup.err()).as("the cleanup waits for the cut step (it said: %s)", cleanup.out())
                    .contains("waiting for the upgrade step of process");
            // the mount finishes, the cut step ends, and only then the cleanup undoes
            Faults.release(bench.router, Faults.Pause.MOUNT);
            assertThat(cleanup.await(Duration.ofSeconds(60))).as(cleanup.err()).isZero();
            List<AgentLine> lines = cleanup.out().lines().map(AgentLineParser::parse).toList();
            assertThat(lines).as(cleanup.out()).contains(new AgentLine.Done("cleanup", "ok"));
            assertThat(cleanup.out()).contains("what=md", "what=claim");
        }

        assertThat(bench.shell("mdconfig -l").out()).isEqualTo("md0 md1\n");
        assertThat(bench.shell("mount").out()).doesNotContain("/tmp/fleetflash");
        try (Stream<Path> files = Files.list(bench.home())) {
            assertThat(files.map(p -> p.getFileName().toString())).as("what the attempt left")
                    .doesNotContain("stage.conf", "md.unit", "sealed", "claim", "md").noneMatch(n -> n.startsWith("step."));
        }
        assertThat(bench.router.state()).isEqualTo(SimRouter.State.UP);
    }

    @ParameterizedTest(name = "under {0}")
    @EnumSource(Shell.class)
    void aStepCutWhileMakingTheMemoryDiskRecordsItSoThatTheCleanupFreesIt(Shell shell) throws Exception {
        claimed(shell, "127.0.74.2");
        // the session is cut while mdconfig makes the memory disk: the step ends as soon as mdconfig returns, before it
        // wrote the memory disk's name down the usual way
        cutPrepareAt(Faults.Pause.MDCONFIG);
        Faults.awaitHungUp(bench.router, Faults.Pause.MDCONFIG, Duration.ofSeconds(30));
        Faults.release(bench.router, Faults.Pause.MDCONFIG);
        await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(bench.router.sandbox().simDir().resolve("pause.mdconfig"))
                && stepMarks().isEmpty());

        UpgradeBench.Run cleanup = bench.agent("cleanup " + bench.attempt);
        assertThat(cleanup.lines()).as(cleanup.machine()).contains(new AgentLine.Done("cleanup", "ok"));
        assertThat(cleanup.out()).contains("what=md", "memory disk md2 detached");
        assertThat(bench.shell("mdconfig -l").out()).as("no memory disk left behind").isEqualTo("md0 md1\n");
        assertThat(stepMarks()).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void theMarkOfAKilledStepWhoseNumberAnotherProcessGotSinceIsDroppedAndThatProcessLeftAlone() throws Exception {
        claimed(Shell.DASH, "127.0.74.3");
        // a step killed outright leaves its mark; its process number now belongs to something else on the router
        Process other = new ProcessBuilder("sleep", "120").start();
        try {
            Files.writeString(bench.home().resolve("step." + other.pid()), "prepare\n");

            UpgradeBench.Run cleanup = bench.agent("cleanup " + bench.attempt);

            assertThat(cleanup.lines()).as(cleanup.machine()).contains(new AgentLine.Done("cleanup", "ok"));
            assertThat(cleanup.err()).doesNotContain("waiting for the upgrade step", "SIGTERM");
            assertThat(other.isAlive()).as("the other process got no signal").isTrue();
            assertThat(stepMarks()).isEmpty();
        } finally {
            other.destroyForcibly();
        }
    }

    /** A router at {@code address} whose agent runs under {@code shell}, claimed by the bench's attempt, its stage.conf written. */
    private void claimed(Shell shell, String address) throws Exception {
        Files.createDirectories(dir.resolve("state"));
        bench = new UpgradeBench(dir.resolve("state"), dir, Profile.load("tl-wdr3600").unthrottled(), shell, address);
        byte[] image = SimImage.bytes(bench.router.sandbox().profile(), "12.0-cut", 0);
        bench.writeStageConf(bench.image("12.0-cut.bin", image), "fetch", UnaryOperator.identity());
    }

    /** Starts prepare over SSH with a pause at {@code point}, and cuts its session (as a cancel does) once it is there. */
    private void cutPrepareAt(Faults.Pause point) throws Exception {
        bench.router.setFaults(Faults.none().withPauseAt(point));
        try (UpgradeBench.LiveSsh prepare = bench.sshStart(bench.agentCommand("prepare"))) {
            Faults.awaitPaused(bench.router, point, Duration.ofSeconds(30));
            prepare.cut();
        }
    }

    /** The marks of upgrade steps left in the agent's directory. */
    private List<String> stepMarks() throws java.io.IOException {
        try (Stream<Path> files = Files.list(bench.home())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("step.")).toList();
        }
    }
}

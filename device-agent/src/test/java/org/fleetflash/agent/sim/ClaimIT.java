package org.fleetflash.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.fleetflash.agent.protocol.AgentLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Two upgrades of one router never collide: the claim is one atomic step, and every step checks it. */
class ClaimIT extends BenchIT {

    private static final String AGENT = "sh \"$FF_ROOT/tmp/fleetflash/ffagent.sh\" ";


    private UpgradeBench bench(Shell shell) throws Exception {
        Files.createDirectories(dir.resolve("state"));
        bench = new UpgradeBench(dir.resolve("state"), dir, Profile.load("tl-wdr3600").unthrottled(), shell, "127.0.3.6");
        return bench;
    }

    private static <T extends AgentLine> Optional<T> first(List<AgentLine> lines, Class<T> kind) {
        return lines.stream().filter(kind::isInstance).map(kind::cast).findFirst();
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void ofTwoClaimsStartedTogetherExactlyOneWinsAndTheLoserNamesTheWinner(Shell shell) throws Exception {
        bench(shell);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 4; round++) {
                CountDownLatch go = new CountDownLatch(1);
                List<CompletableFuture<UpgradeBench.SshRun>> runs = List.of("a" + round, "b" + round).stream()
                        .map(id -> CompletableFuture.supplyAsync(() -> {
                            try {
                                go.await(10, TimeUnit.SECONDS);
                                return bench.sshRun(AGENT + "claim " + id);
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        }, pool)).toList();
                go.countDown();
                List<UpgradeBench.SshRun> done = runs.stream().map(f -> f.orTimeout(60, TimeUnit.SECONDS).join()).toList();

                List<UpgradeBench.SshRun> winners = done.stream()
                        .filter(r -> first(r.lines(), AgentLine.Claimed.class).isPresent()).toList();
                assertThat(winners).as("round %d: %s", round, done).hasSize(1);
                UpgradeBench.SshRun loser = done.stream().filter(r -> !winners.contains(r)).findFirst().orElseThrow();
                AgentLine.Claimed won = first(winners.get(0).lines(), AgentLine.Claimed.class).orElseThrow();
                assertThat(won.since()).matches("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z");
                assertThat(won.laptop()).matches("127\\.[0-9]+\\.[0-9]+\\.[0-9]+");
                assertThat(loser.exit()).isEqualTo(1);
                assertThat(first(loser.lines(), AgentLine.Holder.class)).get()
                        .isEqualTo(new AgentLine.Holder(won.attempt(), won.since(), won.laptop(), false));
                AgentLine.Error busy = first(loser.lines(), AgentLine.Error.class).orElseThrow();
                assertThat(busy.code()).isEqualTo("BUSY");
                assertThat(busy.text()).contains(won.since(), won.attempt(), won.laptop(), "fleetflash cleanup");

                UpgradeBench.Run cleanup = bench.agent("cleanup");
                assertThat(cleanup.out()).contains("@FF undone what=claim text=released the claim of attempt " + won.attempt(),
                        "found=1");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void everyStepRefusesWithoutTheClaim() throws Exception {
        bench(Shell.DASH);
        for (String step : List.of("prepare", "fetch", "seal", "stage", "commit")) {
            UpgradeBench.Run run = bench.shell(AGENT + step + " nobody-1");
            assertThat(run.error()).as(step + ": " + run.machine()).get().extracting(AgentLine.Error::code).isEqualTo("NOT_CLAIMED");
        }
        UpgradeBench.Run noId = bench.shell(AGENT + "prepare");
        assertThat(noId.error()).get().extracting(AgentLine.Error::code).isEqualTo("USAGE");
        UpgradeBench.Run badId = bench.shell(AGENT + "claim 'a b$(id)'");
        assertThat(badId.error()).get().extracting(AgentLine.Error::code).isEqualTo("USAGE");
        assertThat(bench.home().resolve("claim")).doesNotExist();
    }

    @Test
    void anotherAttemptCanNeitherWriteStageConfNorStageNorCleanUpTheHoldersWork() throws Exception {
        bench(Shell.DASH);
        bench.writeStageConf(bench.image("fw.bin", SimImage.bytes(bench.router.sandbox().profile(), "12.0-new", 0)), "ssh",
                c -> c);
        Path conf = bench.home().resolve("stage.conf");
        String mine = Files.readString(conf);
        assertThat(Files.getPosixFilePermissions(conf)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        UpgradeBench.Run conf2 = bench.shell(AGENT + "conf intruder-1", "FF_TRANSPORT='fetch'\n".getBytes(StandardCharsets.UTF_8));
        UpgradeBench.Run prepare2 = bench.shell(AGENT + "prepare intruder-1");
        UpgradeBench.Run cleanup2 = bench.shell(AGENT + "cleanup intruder-1");

        assertThat(conf2.error()).get().extracting(AgentLine.Error::code).isEqualTo("BUSY");
        assertThat(prepare2.error()).get().extracting(AgentLine.Error::code).isEqualTo("BUSY");
        assertThat(cleanup2.out()).contains("@FF done cmd=cleanup status=ok found=0").doesNotContain("undone");
        assertThat(Files.readString(conf)).isEqualTo(mine);
        assertThat(bench.home().resolve("claim/attempt")).hasContent("bench-1");
        // the holder goes on undisturbed
        assertThat(bench.agent("prepare").first(AgentLine.Prepared.class)).isPresent();
        assertThat(bench.agent("cleanup").out()).contains("what=md", "what=claim");
    }

    @Test
    void confRefusesAnEndlessStageConfAndWritesNothing() throws Exception {
        bench(Shell.POSH);
        assertThat(bench.agent("claim").first(AgentLine.Claimed.class)).isPresent();

        UpgradeBench.Run run = bench.shell(AGENT + "conf bench-1", "FF_X='1'\n".repeat(300).getBytes(StandardCharsets.UTF_8));

        assertThat(run.error()).get().extracting(AgentLine.Error::code).isEqualTo("NO_CONF");
        assertThat(run.error().orElseThrow().text()).contains("more than 256 lines");
        try (var files = Files.list(bench.home())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("ffagent.sh", "claim");
        }
    }

    @Test
    void aClaimIsKeptUntilCleanupAndTheSameAttemptMayAskAgain() throws Exception {
        bench(Shell.BUSYBOX);
        AgentLine.Claimed first = bench.agent("claim").first(AgentLine.Claimed.class).orElseThrow();
        AgentLine.Claimed again = bench.agent("claim").first(AgentLine.Claimed.class).orElseThrow();
        assertThat(again).isEqualTo(first);
        // a local shell has no SSH_CLIENT: the claim says so instead of making an address up
        assertThat(first.laptop()).isEqualTo("unknown");
    }
}

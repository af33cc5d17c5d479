package org.fleetflash.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.fleetflash.agent.protocol.AgentLine;
import org.fleetflash.server.telemetry.TelemetryEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole online upgrade on a simulated TL-WDR3600: stage (real FTP download into a memory disk),
 * commit (reroot), the flasher writing the flash block by block with telemetry to a real receiver,
 * and the reboot into the new firmware.
 */
class UpgradeIT extends BenchIT {

    private static final Duration FLASH_TIMEOUT = Duration.ofSeconds(300);


    private UpgradeBench bench(Shell shell) throws Exception {
        Files.createDirectories(dir.resolve("state"));
        bench = new UpgradeBench(dir.resolve("state"), dir, Profile.load("tl-wdr3600").unthrottled(), shell, "127.0.3.1");
        return bench;
    }

    /** Stages and commits image {@code image} over real SSH, as the desktop does; returns the stage's lines. */
    /** Where the router was before the last commit: a fast flasher may be done before the test looks. */
    private long beforeCommit;

    private List<AgentLine> stageAndCommit(Path image) throws Exception {
        bench.writeStageConf(image, "fetch", UnaryOperator.identity());
        UpgradeBench.SshRun stage = bench.sshRun(bench.agentCommand("stage"));
        assertThat(stage.exit()).as(stage.out() + stage.err()).isZero();
        assertThat(stage.lines().stream().filter(l -> !(l instanceof AgentLine.Log)).reduce((a, b) -> b))
                .get().isInstanceOf(AgentLine.Staged.class);
        // the session dies with the reroot; the committed line gets out before it does
        beforeCommit = bench.router.mark();
        UpgradeBench.SshRun commit = bench.sshRun(bench.agentCommand("commit"));
        assertThat(commit.lines()).as(commit.out() + commit.err()).contains(new AgentLine.Committed("md2"));
        return stage.lines();
    }

    /** The router runs {@code version}, its span holds {@code image} padded to erase blocks, and DONE arrived. */
    private void assertRunsTheImage(String version, byte[] image) throws Exception {
        Profile p = bench.router.sandbox().profile();
        assertThat(bench.router.runningVersion()).contains(version);
        int start = (int) p.spanStart();
        byte[] padded = UpgradeBench.padded(image, p.eraseBlock());
        assertThat(Arrays.copyOfRange(bench.flash(), start, start + padded.length)).isEqualTo(padded);
        await().atMost(Duration.ofSeconds(10)).until(() -> !bench.events("DONE").isEmpty());
    }

    private void awaitReturn() throws Exception {
        bench.router.awaitState(SimRouter.State.FLASHING, beforeCommit, Duration.ofSeconds(30));
        bench.router.awaitState(SimRouter.State.UP, FLASH_TIMEOUT);
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void stagesCommitsFlashesAndReturnsWithTheNewVersion(Shell shell) throws Exception {
        bench(shell);
        Profile p = bench.router.sandbox().profile();
        byte[] before = bench.flash();
        byte[] image = SimImage.bytes(p, "12.0-new", 0);
        Path file = bench.image("fw.bin", image);

        UpgradeBench.SshLook beforeLook = bench.ssh("uname -n");
        List<AgentLine> stage = stageAndCommit(file);
        assertThat(stage).filteredOn(AgentLine.Staged.class::isInstance).singleElement()
                .satisfies(l -> assertThat(((AgentLine.Staged) l).sha256()).contains(UpgradeBench.sha256(image)));
        awaitReturn();

        assertThat(bench.router.runningVersion()).contains("12.0-new");
        byte[] after = bench.flash();
        int start = (int) p.spanStart();
        byte[] padded = UpgradeBench.padded(image, p.eraseBlock());
        assertThat(Arrays.copyOfRange(after, start, start + padded.length)).isEqualTo(padded);
        assertThat(Arrays.copyOfRange(after, 0, start)).isEqualTo(Arrays.copyOfRange(before, 0, start));
        assertThat(Arrays.copyOfRange(after, start + padded.length, after.length))
                .isEqualTo(Arrays.copyOfRange(before, start + padded.length, before.length));

        int blocks = padded.length / p.eraseBlock();
        await().atMost(Duration.ofSeconds(10)).until(() -> !bench.events("DONE").isEmpty());
        TelemetryEvent done = bench.events("DONE").get(0);
        assertThat(done.number("written")).hasValue(blocks);
        assertThat(done.number("same")).hasValue(0);
        assertThat(bench.events("BEGIN")).singleElement().satisfies(e -> assertThat(e.number("blocks")).hasValue(blocks));
        assertThat(bench.events("HELLO")).hasSize(1);
        // nc sends from the router's own loopback address, as a datagram from a real router would come
        assertThat(done.source().getAddress().getHostAddress()).isEqualTo("127.0.3.1");
        assertThat(bench.events("VERIFY_OK")).hasSize(1);
        assertThat(bench.router.sandbox().ledHistory()).extracting(Sandbox.LedEvent::value).contains("f2", "1");
        UpgradeBench.SshLook afterLook = bench.ssh("mdconfig -l; cat \"$FF_ROOT/etc/version\"");
        assertThat(afterLook.output()).isEqualTo("md0 md1\n12.0-new\n");
        assertThat(afterLook.hostKey()).isEqualTo(beforeLook.hostKey());
        assertThat(Files.readString(bench.router.consoleLog()))
                .contains("reroot: rerooted by root", "Trying to mount root from ufs:/dev/md2", "fleetflash: done", "Rebooting...")
                .doesNotContain("killed while armed");
        bench.upload();
        UpgradeBench.Run probe = bench.agent("probe");
        assertThat(probe.lines()).contains(new AgentLine.Fact("firmware.version", "12.0-new"));
    }

    @Test
    void upgradesAStrippedImageWithTheImageUploadedOverSsh() throws Exception {
        // freebsd-wifi-build without fetch, sha256, awk, sed, od, geom, but with a tmpfs-capable kernel
        String text;
        try (java.io.InputStream in = Profile.class.getResourceAsStream(
                "/org/fleetflash/agent/sim/profiles/tl-wdr3600-stripped.profile")) {
            text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        Files.createDirectories(dir.resolve("state"));
        bench = new UpgradeBench(dir.resolve("state"), dir,
                Profile.parse("stripped-tmpfs", text.replace("tmpfs=no", "tmpfs=yes")).unthrottled(), Shell.BUSYBOX,
                "127.0.3.1");
        Profile p = bench.router.sandbox().profile();
        byte[] image = SimImage.bytes(p, "wifi-build-new", 0);
        Path file = bench.image("fw.bin", image);
        bench.writeStageConf(file, "ssh", UnaryOperator.identity());

        UpgradeBench.SshRun prepare = bench.sshRun(bench.agentCommand("prepare"));
        AgentLine.Prepared prepared = prepare.lines().stream().filter(AgentLine.Prepared.class::isInstance)
                .map(AgentLine.Prepared.class::cast).findFirst().orElseThrow(() -> new AssertionError(prepare.out() + prepare.err()));
        bench.sshUpload(file, prepared.image());
        UpgradeBench.SshRun seal = bench.sshRun(bench.agentCommand("seal"));
        assertThat(seal.lines()).as(seal.out() + seal.err())
                .contains(new AgentLine.Staged(prepared.md(), prepared.mdSize(), image.length, java.util.Optional.empty()));
        beforeCommit = bench.router.mark();
        UpgradeBench.SshRun commit = bench.sshRun(bench.agentCommand("commit"));
        assertThat(commit.lines()).as(commit.out() + commit.err()).contains(new AgentLine.Committed(prepared.md()));
        awaitReturn();

        assertRunsTheImage("wifi-build-new", image);
    }

    @Test
    void secondRunWritesOnlyTheBlocksThatDiffer() throws Exception {
        bench(Shell.DASH);
        Profile p = bench.router.sandbox().profile();
        int eb = p.eraseBlock();
        byte[] first = SimImage.bytes(p, "12.0-a", 0);
        stageAndCommit(bench.image("a.bin", first));
        awaitReturn();
        await().atMost(Duration.ofSeconds(10)).until(() -> !bench.events("DONE").isEmpty());
        bench.renewToken();
        bench.upload();

        byte[] second = first.clone();
        int blocks = (second.length + eb - 1) / eb;
        for (int i = second.length - 1; i >= (blocks - 10) * eb; i--) {
            second[i] = (byte) ~second[i];
        }
        second = SimImage.restamp(p, second, "12.0-b");
        stageAndCommit(bench.image("b.bin", second));
        awaitReturn();

        assertThat(bench.router.runningVersion()).contains("12.0-b");
        await().atMost(Duration.ofSeconds(10)).until(() -> !bench.events("DONE").isEmpty());
        TelemetryEvent done = bench.events("DONE").get(0);
        // the header block carries the version and digest: it changes too
        assertThat(done.number("written")).hasValue(11);
        assertThat(done.number("same")).hasValue(blocks - 11);
        List<Long> written = bench.events("PROGRESS").stream().filter(e -> "written".equals(e.fields().get("action")))
                .map(e -> e.number("block").orElseThrow()).sorted().toList();
        assertThat(written).first().isEqualTo(1L);
        assertThat(written).hasSizeLessThanOrEqualTo(11).allMatch(b -> b == 1 || b > blocks - 10);
        byte[] flash = bench.flash();
        int start = (int) p.spanStart();
        byte[] padded = UpgradeBench.padded(second, eb);
        assertThat(Arrays.copyOfRange(flash, start, start + padded.length)).isEqualTo(padded);
    }

    @Test
    void rcShutdownEndsOnceTheCommitSessionHasClosedNotAfterItsWholeGrace() throws Exception {
        bench(Shell.DASH);
        // a grace far longer than the wait below: only the session's end can let the reroot go on in time
        bench.router.setShutdownGrace(Duration.ofMinutes(10));
        byte[] image = SimImage.bytes(bench.router.sandbox().profile(), "12.0-quick", 0);

        stageAndCommit(bench.image("q.bin", image));

        bench.router.awaitState(SimRouter.State.FLASHING, beforeCommit, Duration.ofSeconds(60));
        bench.router.awaitState(SimRouter.State.UP, FLASH_TIMEOUT);
        assertThat(bench.router.runningVersion()).contains("12.0-quick");
    }

    @Test
    void withNoShutdownGraceAndNoRebootDelayTheRouterStillRerootsFlashesAndReturns() throws Exception {
        bench(Shell.DASH);
        bench.router.setShutdownGrace(Duration.ZERO);
        bench.router.setRebootDelay(Duration.ZERO);
        Profile p = bench.router.sandbox().profile();
        byte[] image = SimImage.bytes(p, "12.0-zero", 0);
        bench.writeStageConf(bench.image("z.bin", image), "fetch", UnaryOperator.identity());
        UpgradeBench.SshRun stage = bench.sshRun(bench.agentCommand("stage"));
        assertThat(stage.exit()).as(stage.out() + stage.err()).isZero();

        // init cuts the sessions as soon as it sees the reroot: the committed line may or may not get out first
        beforeCommit = bench.router.mark();
        UpgradeBench.SshRun commit = bench.sshRun(bench.agentCommand("commit"));
        assertThat(commit.lines()).as(commit.out() + commit.err()).noneMatch(AgentLine.Error.class::isInstance);
        awaitReturn();

        assertRunsTheImage("12.0-zero", image);
    }
}

package org.fleetflash.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.fleetflash.agent.protocol.AgentLine;
import org.fleetflash.server.ftp.DownloadProgress;
import org.fleetflash.server.ftp.Publication;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every failure before the reroot leaves the router as it was: no memory disk beyond the preallocated
 * ones, no mounts, the flash unchanged, stage.conf and scratch files gone, and a stable error code.
 */
class UpgradeRefusalIT {

    @TempDir
    Path dir;

    private UpgradeBench bench;
    private Snapshot before;

    /** What "untouched" compares. */
    record Snapshot(String flashSha, String mounts, String mdUnits, long freePages, List<String> agentFiles) {}

    @AfterEach
    void stop() throws Exception {
        if (bench != null) {
            bench.close();
        }
        SandboxShell.deleteAll(dir.resolve("state"));
    }

    private UpgradeBench bench(Profile profile, Shell shell) throws Exception {
        Files.createDirectories(dir.resolve("state"));
        bench = new UpgradeBench(dir.resolve("state"), dir, profile.unthrottled(), shell, "127.0.3.2");
        before = snapshot();
        return bench;
    }

    private UpgradeBench bench(String profile) throws Exception {
        return bench(Profile.load(profile), Shell.DASH);
    }

    private Snapshot snapshot() throws Exception {
        Sandbox sb = bench.router.sandbox();
        List<String> files;
        try (Stream<Path> s = Files.list(bench.home())) {
            files = s.map(p -> p.getFileName().toString()).filter(n -> !n.equals("stage.conf") && !n.equals("claim")).sorted().toList();
        }
        return new Snapshot(UpgradeBench.sha256(bench.flash()), Files.readString(sb.simDir().resolve("mounts")),
                bench.shell("mdconfig -l").out(), sb.freePages(), files);
    }

    private Path newImage() throws IOException {
        return bench.image("fw.bin", SimImage.bytes(bench.router.sandbox().profile(), "12.0-new", 0));
    }

    private void assertRefused(UpgradeBench.Run run, String code) throws Exception {
        assertThat(run.exit()).as(run.machine()).isNotZero();
        assertThat(run.error()).as(run.machine()).get().extracting(AgentLine.Error::code).isEqualTo(code);
        assertThat(snapshot()).isEqualTo(before);
        assertThat(bench.home().resolve("stage.conf")).doesNotExist();
        // a refusal releases the attempt's claim: the next upgrade may start at once
        assertThat(bench.home().resolve("claim")).doesNotExist();
        assertThat(bench.router.state()).isEqualTo(SimRouter.State.UP);
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void refusesAKernelWithoutTmpfs(Shell shell) throws Exception {
        bench(Profile.load("tl-wdr3600-stripped"), shell);
        bench.writeStageConf(newImage(), "ssh", UnaryOperator.identity());

        UpgradeBench.Run run = bench.agent("prepare");

        assertRefused(run, "NO_TMPFS");
        assertThat(run.lines()).contains(new AgentLine.Check("tmpfs", false, "a tmpfs cannot be mounted"));
    }

    @Test
    void refusesAFreeBsdThatCannotRerootAtPreflight() throws Exception {
        bench("tl-wdr3600");
        bench.router.setFaults(Faults.none().withReportedRelease("10.2-RELEASE", 1002000));
        bench.writeStageConf(newImage(), "fetch", UnaryOperator.identity());

        UpgradeBench.Run run = bench.agent("prepare");

        assertRefused(run, "NO_REROOT");
        assertThat(run.lines()).contains(new AgentLine.Check("reroot", false,
                "FreeBSD 10.2-RELEASE (kern.osreldate 1002000) predates reboot -r (FreeBSD 10.3)"));
        assertThat(run.error().orElseThrow().text()).contains("10.2-RELEASE", "console cable");
    }

    @Test
    void refusesToFetchWithoutFetch() throws Exception {
        bench("tl-wdr3600-stripped");
        bench.writeStageConf(newImage(), "fetch", UnaryOperator.identity());

        UpgradeBench.Run run = bench.agent("stage");

        assertRefused(run, "TOOL_MISSING");
        assertThat(run.error().orElseThrow().text()).contains("fetch");
    }

    @Test
    void refusesWhenFreeRamIsShortAndSaysBothNumbers() throws Exception {
        String text;
        try (InputStream in = Profile.class.getResourceAsStream("/org/fleetflash/agent/sim/profiles/tl-wdr3600.profile")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        bench(Profile.parse("tl-wdr3600-lowmem", text.replace("mem.free_pages=18934", "mem.free_pages=3000")), Shell.DASH);
        bench.writeStageConf(newImage(), "fetch", UnaryOperator.identity());

        UpgradeBench.Run run = bench.agent("stage");

        assertRefused(run, "NO_RAM");
        assertThat(run.error().orElseThrow().text()).matches("needs [0-9]+ bytes of free RAM .* but 12288000 are free.*");
    }

    @Test
    void refusesAReadonlyPartition() throws Exception {
        bench("tl-wdr3600");
        bench.writeStageConf(newImage(), "fetch", UnaryOperator.identity());
        bench.shell("kenv hint.map.3.readonly=1");
        before = snapshot();

        UpgradeBench.Run run = bench.agent("stage");

        assertRefused(run, "READONLY");
        assertThat(run.error().orElseThrow().text()).contains("rootfs");
    }

    @Test
    void refusesAPlanThatDoesNotMatchThePartitions() throws Exception {
        bench("tl-wdr3600");
        // the plan believes rootfs starts one erase block later than it does
        bench.writeStageConf(newImage(), "fetch", conf -> conf.replaceAll("rootfs:([0-9]+)",
                "rootfs:" + (bench.router.sandbox().layout().slice("rootfs").orElseThrow().offset() + 65536)));

        UpgradeBench.Run run = bench.agent("stage");

        assertRefused(run, "PLAN_MISMATCH");
        assertThat(run.first(AgentLine.Check.class).isPresent()).isTrue();
    }

    @Test
    void givesUpOnADownloadCutTwiceAfterOneResume() throws Exception {
        bench("tl-wdr3600");
        bench.router.setFaults(Faults.none().withDownloadCut(1 << 20, true));
        Publication pub = bench.writeStageConf(newImage(), "fetch", UnaryOperator.identity());

        UpgradeBench.Run run = bench.agent("stage");

        assertRefused(run, "DOWNLOAD_FAILED");
        assertThat(run.error().orElseThrow().text()).startsWith("fetch: ftp://");
        List<DownloadProgress> downloads = bench.ftp.downloads(pub);
        assertThat(downloads).hasSize(2);
        assertThat(downloads.get(1).offset()).isEqualTo(1 << 20);
    }

    @Test
    void resumesADownloadCutOnce() throws Exception {
        bench("tl-wdr3600");
        bench.router.setFaults(Faults.none().withDownloadCut(1 << 20, false));
        byte[] image = SimImage.bytes(bench.router.sandbox().profile(), "12.0-new", 0);
        Publication pub = bench.writeStageConf(bench.image("fw.bin", image), "fetch", UnaryOperator.identity());

        UpgradeBench.Run run = bench.agent("stage");

        assertThat(run.exit()).as(run.machine()).isZero();
        assertThat(run.first(AgentLine.Fetched.class)).contains(new AgentLine.Fetched(image.length));
        assertThat(run.first(AgentLine.Staged.class).orElseThrow().sha256()).contains(UpgradeBench.sha256(image));
        assertThat(bench.ftp.downloads(pub)).extracting(DownloadProgress::offset).containsExactly(0L, (long) (1 << 20));
        UpgradeBench.Run cleanup = bench.agent("cleanup");
        assertThat(cleanup.lines()).contains(new AgentLine.Done("cleanup", "ok"));
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void refusesAnImageCorruptedInTransfer() throws Exception {
        bench("tl-wdr3600");
        bench.router.setFaults(Faults.none().withCorruptByte(100_000));
        bench.writeStageConf(newImage(), "fetch", UnaryOperator.identity());

        UpgradeBench.Run run = bench.agent("stage");

        assertRefused(run, "DIGEST_MISMATCH");
    }

    @Test
    void refusesAnUploadedImageOfTheWrongSize() throws Exception {
        bench("tl-wdr3600");
        byte[] image = SimImage.bytes(bench.router.sandbox().profile(), "12.0-new", 0);
        bench.writeStageConf(bench.image("fw.bin", image), "ssh", UnaryOperator.identity());
        UpgradeBench.Run prepare = bench.agent("prepare");
        AgentLine.Prepared prepared = prepare.first(AgentLine.Prepared.class).orElseThrow(() -> new AssertionError(prepare.machine()));
        Files.write(Path.of(prepared.image()), java.util.Arrays.copyOf(image, image.length - 1));

        UpgradeBench.Run run = bench.agent("seal");

        assertRefused(run, "SIZE_MISMATCH");
    }

    @Test
    void reportsAMemoryDiskThatCannotBeMadeWhenRamVanishedSinceTheCheck() throws Exception {
        bench("tl-wdr3600");
        bench.router.setFaults(Faults.none().withRamTakenAtNextMdconfig(18_000));
        bench.writeStageConf(newImage(), "fetch", UnaryOperator.identity());

        UpgradeBench.Run run = bench.agent("stage");

        // mdconfig said "Cannot allocate memory": the agent looks again and says how much is free now.
        assertThat(run.error()).as(run.machine()).get().extracting(AgentLine.Error::code).isEqualTo("NO_RAM");
        assertThat(run.error().orElseThrow().text()).containsPattern("needs [0-9]+ bytes").containsPattern("only [0-9]+ bytes are free now");
        assertThat(bench.shell("mdconfig -l").out()).isEqualTo(before.mdUnits());
        assertThat(bench.home().resolve("stage.conf")).doesNotExist();
    }

    @Test
    void refusesToCommitWhatWasNotStaged() throws Exception {
        bench("tl-wdr3600");
        bench.writeStageConf(newImage(), "fetch", UnaryOperator.identity());

        UpgradeBench.Run run = bench.agent("commit");

        assertRefused(run, "NOT_STAGED");
        assertThat(bench.router.sandbox().kenv()).containsEntry("vfs.root.mountfrom", "ufs:map/rootfs.uncompress");
    }

    @Test
    void refusesAStageConfOthersCanRead() throws Exception {
        bench("tl-wdr3600");
        bench.writeStageConf(newImage(), "fetch", UnaryOperator.identity());
        Files.setPosixFilePermissions(bench.home().resolve("stage.conf"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));

        UpgradeBench.Run run = bench.agent("prepare");

        assertRefused(run, "NO_CONF");
        assertThat(run.error().orElseThrow().text()).contains("mode 600");
    }

    @Test
    void cleanupUndoesPrepareAndIsSafeTwice() throws Exception {
        bench("tl-wdr3600");
        bench.writeStageConf(newImage(), "ssh", UnaryOperator.identity());
        UpgradeBench.Run prepare = bench.agent("prepare");
        assertThat(prepare.first(AgentLine.Prepared.class)).as(prepare.machine()).isPresent();
        assertThat(bench.shell("mdconfig -l").out()).isEqualTo("md0 md1 md2\n");

        assertThat(bench.agent("cleanup").lines()).contains(new AgentLine.Done("cleanup", "ok"));
        assertThat(bench.agent("cleanup").lines()).contains(new AgentLine.Done("cleanup", "ok"));

        assertThat(snapshot()).isEqualTo(before);
    }
}

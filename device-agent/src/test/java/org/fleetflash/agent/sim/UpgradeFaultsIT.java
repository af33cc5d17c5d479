package org.fleetflash.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.fleetflash.agent.protocol.AgentLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Faults after the point of no return, and the simulated kernel's reroot and reboot on their own. */
class UpgradeFaultsIT extends BenchIT {

    private static final Duration FLASH_TIMEOUT = Duration.ofSeconds(300);


    private UpgradeBench bench() throws Exception {
        return bench(Profile.load("tl-wdr3600").unthrottled());
    }

    private UpgradeBench bench(Profile profile) throws Exception {
        Files.createDirectories(dir.resolve("state"));
        bench = new UpgradeBench(dir.resolve("state"), dir, profile, Shell.DASH, "127.0.3.3");
        return bench;
    }

    /** Where the router was before the last commit: a fast flasher may be done before the test looks. */
    private long beforeCommit;

    private byte[] stageAndCommit(String version) throws Exception {
        byte[] image = SimImage.bytes(bench.router.sandbox().profile(), version, 0);
        bench.writeStageConf(bench.image(version + ".bin", image), "fetch", UnaryOperator.identity());
        UpgradeBench.Run stage = bench.agent("stage");
        assertThat(stage.first(AgentLine.Staged.class)).as(stage.machine()).isPresent();
        beforeCommit = bench.router.mark();
        UpgradeBench.Run commit = bench.agent("commit");
        assertThat(commit.first(AgentLine.Committed.class)).as(commit.machine()).isPresent();
        return image;
    }

    @Test
    void powerLossAtBlockKLeavesTheRouterDeadWithAPartlyWrittenFlash() throws Exception {
        bench();
        Profile p = bench.router.sandbox().profile();
        int eb = p.eraseBlock();
        int start = (int) p.spanStart();
        byte[] before = bench.flash();
        bench.router.setFaults(Faults.none().withPowerLossAtBlock(5));
        byte[] image = stageAndCommit("12.0-new");

        bench.router.awaitState(SimRouter.State.DEAD, FLASH_TIMEOUT);

        byte[] flash = bench.flash();
        assertThat(Arrays.copyOfRange(flash, start, start + 4 * eb)).isEqualTo(Arrays.copyOfRange(image, 0, 4 * eb));
        int fifth = start + 4 * eb;
        assertThat(Arrays.copyOfRange(flash, fifth, fifth + eb / 2)).isEqualTo(Arrays.copyOfRange(image, 4 * eb, 4 * eb + eb / 2));
        assertThat(Arrays.copyOfRange(flash, fifth + eb / 2, flash.length))
                .isEqualTo(Arrays.copyOfRange(before, fifth + eb / 2, before.length));
        assertThat(bench.router.runningVersion()).isEmpty();
        assertThatThrownBy(() -> bench.ssh("true")).isInstanceOf(Exception.class);

        // a power cycle boots what the flash holds: a torn kernel fails U-Boot's data CRC
        bench.router.powerOn();
        assertThat(bench.router.state()).isEqualTo(SimRouter.State.REBOOTING);
        bench.router.awaitState(SimRouter.State.DEAD, Duration.ofSeconds(30));
        assertThat(Files.readString(bench.router.consoleLog())).contains("power lost while writing erase block 5",
                "Power on.", "Image Name:   FreeBSD 12.0-new", "Verifying Checksum ... Bad Data CRC",
                "ERROR: can't get kernel image!");
    }

    @Test
    void aBlockThatKeepsFailingIsReportedForBoundedRoundsThenTheFlasherReboots() throws Exception {
        bench();
        Profile p = bench.router.sandbox().profile();
        int eb = p.eraseBlock();
        int start = (int) p.spanStart();
        bench.router.setFaults(Faults.none().withWriteFailuresFromBlock(3));
        byte[] image = SimImage.bytes(p, "12.0-new", 0);
        bench.writeStageConf(bench.image("fw.bin", image), "fetch",
                conf -> conf + "FF_ROUNDS='2'\nFF_ROUND_PAUSE='1'\n");
        assertThat(bench.agent("stage").first(AgentLine.Staged.class)).isPresent();
        beforeCommit = bench.router.mark();
        assertThat(bench.agent("commit").first(AgentLine.Committed.class)).isPresent();

        bench.router.awaitState(SimRouter.State.FLASHING, beforeCommit, Duration.ofSeconds(30));
        bench.router.awaitState(SimRouter.State.REBOOTING, beforeCommit, FLASH_TIMEOUT);
        // blocks 1 and 2 were written before the flash wore out; the torn image does not boot
        bench.router.awaitState(SimRouter.State.DEAD, Duration.ofSeconds(30));

        await().atMost(Duration.ofSeconds(10)).until(() -> bench.events("ERROR").size() == 2);
        assertThat(bench.events("ERROR")).allSatisfy(e -> {
            assertThat(e.fields()).containsEntry("code", "WRITE_FAILED");
            assertThat(e.fields().get("text")).startsWith("block 3 of ");
        });
        assertThat(bench.events("DONE")).isEmpty();
        assertThat(bench.events("PROGRESS")).extracting(e -> e.number("block").orElseThrow()).containsOnly(1L, 2L);
        byte[] flash = bench.flash();
        assertThat(Arrays.copyOfRange(flash, start, start + 2 * eb)).isEqualTo(Arrays.copyOfRange(image, 0, 2 * eb));
        assertThat(bench.router.sandbox().ledHistory()).extracting(Sandbox.LedEvent::value).contains("f2", "sAaAaAaj");
        assertThat(Files.readString(bench.router.consoleLog())).contains("giving up on block 2", "Rebooting...");
    }

    @Test
    void bitRotAfterTheFlashersOwnCheckLeavesABootingRouterWhoseFlashDiffersFromThePlan() throws Exception {
        bench();
        Profile p = bench.router.sandbox().profile();
        byte[] image = SimImage.bytes(p, "12.0-new", 0);
        long rot = Faults.paddingOffset(p, image.length);
        bench.router.setFaults(Faults.none().withFlashRotAt(rot));
        bench.writeStageConf(bench.image("fw.bin", image), "fetch", UnaryOperator.identity());
        assertThat(bench.agent("stage").first(AgentLine.Staged.class)).isPresent();
        beforeCommit = bench.router.mark();
        assertThat(bench.agent("commit").first(AgentLine.Committed.class)).isPresent();

        bench.router.awaitState(SimRouter.State.FLASHING, beforeCommit, Duration.ofSeconds(30));
        bench.router.awaitState(SimRouter.State.UP, FLASH_TIMEOUT);

        // the flasher saw every block right; the router boots the new image; only a read-back finds the rot
        await().atMost(Duration.ofSeconds(10)).until(() -> !bench.events("VERIFY_OK").isEmpty());
        assertThat(bench.router.runningVersion()).contains("12.0-new");
        byte[] flash = bench.flash();
        int start = (int) p.spanStart();
        byte[] padded = UpgradeBench.padded(image, p.eraseBlock());
        assertThat(flash[(int) rot]).isEqualTo((byte) 0xFF);
        padded[(int) (rot - start)] = (byte) 0xFF;
        assertThat(Arrays.copyOfRange(flash, start, start + padded.length)).isEqualTo(padded);
        assertThat(rot).isEqualTo(start + padded.length - 1L);
    }

    @Test
    void newFirmwareThatBringsNewHostKeysPresentsANewKeyAfterTheUpgrade() throws Exception {
        bench();
        java.security.PublicKey before = bench.ssh("true").hostKey();
        bench.router.setFaults(Faults.none().withNewHostKeysOnUpgrade());
        assertThat(bench.ssh("true").hostKey()).as("the fault alone changes nothing before an upgrade").isEqualTo(before);
        stageAndCommit("12.0-new-keys");
        bench.router.awaitState(SimRouter.State.FLASHING, beforeCommit, Duration.ofSeconds(30));
        bench.router.awaitState(SimRouter.State.UP, FLASH_TIMEOUT);

        assertThat(bench.router.runningVersion()).contains("12.0-new-keys");
        java.security.PublicKey after = bench.ssh("true").hostKey();
        assertThat(after).isNotEqualTo(before);
        assertThat(bench.ssh("true").hostKey()).as("the new key stays").isEqualTo(after);
        assertThat(Files.readString(bench.router.consoleLog())).contains("new SSH host keys");
    }

    @Test
    void aRouterCanBeGivenANewHostKeyWithoutAnUpgrade() throws Exception {
        bench();
        java.security.PublicKey before = bench.ssh("true").hostKey();
        bench.router.replaceHostKey();
        java.security.PublicKey after = bench.ssh("true").hostKey();
        assertThat(after).isNotEqualTo(before);
        assertThat(bench.ssh("true").hostKey()).isEqualTo(after);
        // the kind of key FreeBSD's sshd makes by default
        assertThat(List.of(before, after)).extracting(org.apache.sshd.common.config.keys.KeyUtils::getKeyType)
                .containsOnly("ecdsa-sha2-nistp256");
        assertThat(bench.router.state()).isEqualTo(SimRouter.State.UP);
    }

    @Test
    void aRouterThatNeverReturnsStillFlashedTheImage() throws Exception {
        bench();
        bench.router.setFaults(Faults.none().withNeverReturns());
        stageAndCommit("12.0-new");

        bench.router.awaitState(SimRouter.State.FLASHING, beforeCommit, Duration.ofSeconds(30));
        bench.router.awaitState(SimRouter.State.DEAD, FLASH_TIMEOUT);

        assertThat(SimImage.bootableVersion(bench.router.sandbox().profile(), bench.flash())).contains("12.0-new");
        await().atMost(Duration.ofSeconds(10)).until(() -> !bench.events("DONE").isEmpty());
        assertThatThrownBy(() -> bench.router.awaitState(SimRouter.State.UP, Duration.ofSeconds(3)))
                .isInstanceOf(TimeoutException.class).hasMessageContaining("is DEAD, not UP");
    }

    /**
     * The flasher sends DONE in the foreground, so that it has left before the reboot: through logger, which exits
     * once it is sent, or nc where there is no logger; its other datagrams through nc in the background, or logger.
     */
    @ParameterizedTest(name = "a router without {0}")
    @ValueSource(strings = {"logger", "nc"})
    void theFlasherReportsThroughTheTelemetryClientTheRouterHas(String absent) throws Exception {
        bench(Profile.load("tl-wdr3600").unthrottled().withToolsAbsent(absent));
        assertThat(bench.shell("command -v " + absent + " || echo none").out()).isEqualTo("none\n");
        stageAndCommit("12.0-new");

        bench.router.awaitState(SimRouter.State.FLASHING, beforeCommit, Duration.ofSeconds(30));
        bench.router.awaitState(SimRouter.State.UP, FLASH_TIMEOUT);

        assertThat(bench.router.runningVersion()).contains("12.0-new");
        await().atMost(Duration.ofSeconds(10)).until(() -> !bench.events("DONE").isEmpty());
        assertThat(bench.events("DONE").get(0).fields()).containsKeys("written", "same");
        // from the router's own address, as a datagram from a real router would come
        assertThat(bench.events("DONE").get(0).source().getAddress().getHostAddress()).isEqualTo("127.0.3.3");
        assertThat(bench.events).extracting(e -> e.kind().name()).contains("HELLO", "BEGIN", "PROGRESS", "VERIFY_OK");
    }

    @Test
    void lostTelemetryDoesNotStopTheFlashing() throws Exception {
        bench();
        bench.router.setFaults(Faults.none().withTelemetryDrop(100));
        stageAndCommit("12.0-new");

        bench.router.awaitState(SimRouter.State.FLASHING, beforeCommit, Duration.ofSeconds(30));
        bench.router.awaitState(SimRouter.State.UP, FLASH_TIMEOUT);

        assertThat(bench.router.runningVersion()).contains("12.0-new");
        assertThat(bench.events).isEmpty();
        assertThat(bench.telemetry.status(bench.token).received()).isZero();
    }

    @Test
    void aLateRouterComesBackAfterItsExtraDelay() throws Exception {
        bench();
        bench.router.setFaults(Faults.none().withExtraRebootDelay(Duration.ofSeconds(3)));
        long t0 = System.nanoTime();

        long before = bench.router.mark();
        bench.sshDropped("reboot");

        bench.router.awaitState(SimRouter.State.REBOOTING, before, Duration.ofSeconds(5));
        bench.router.awaitState(SimRouter.State.UP, Duration.ofSeconds(30));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void aStateTheRouterPassedThroughAfterAMarkIsSeenByAWaiterThatComesLate() throws Exception {
        bench();
        bench.router.setRebootDelay(Duration.ZERO);
        long before = bench.router.mark();
        bench.sshDropped("reboot");
        // the waiter is late: the router has rebooted and is up again before it looks
        await().atMost(Duration.ofSeconds(30)).until(() -> bench.router.state() == SimRouter.State.UP
                && bench.router.mark() > before);

        bench.router.awaitState(SimRouter.State.REBOOTING, before, Duration.ofSeconds(1));
        assertThatThrownBy(() -> bench.router.awaitState(SimRouter.State.REBOOTING, Duration.ofSeconds(1)))
                .isInstanceOf(TimeoutException.class).hasMessageContaining("is UP, not REBOOTING");
    }

    @Test
    void aPlainRebootComesBackWithTheSameHostKeyAndAFreshKernelEnvironment() throws Exception {
        bench();
        UpgradeBench.SshLook first = bench.ssh("kenv vfs.root.mountfrom=ufs:/dev/md7 >/dev/null; kenv -q vfs.root.mountfrom");
        assertThat(first.output()).isEqualTo("ufs:/dev/md7\n");

        long before = bench.router.mark();
        bench.sshDropped("reboot");

        bench.router.awaitState(SimRouter.State.REBOOTING, before, Duration.ofSeconds(30));
        bench.router.awaitState(SimRouter.State.UP, Duration.ofSeconds(30));
        UpgradeBench.SshLook again = bench.ssh("kenv -q vfs.root.mountfrom; cat \"$FF_ROOT/etc/version\"");
        assertThat(again.hostKey()).isEqualTo(first.hostKey());
        assertThat(again.output()).isEqualTo("ufs:map/rootfs.uncompress\n" + bench.router.sandbox().profile().firmwareVersion() + "\n");
        assertThat(bench.router.runningVersion()).contains(bench.router.sandbox().profile().firmwareVersion());
    }

    @Test
    void rerootToAMissingMemoryDiskHangsTheRouter() throws Exception {
        bench();

        UpgradeBench.Run run = bench.shell("kenv vfs.root.mountfrom=ufs:/dev/md9 && reboot -r; echo rc=$?");

        assertThat(run.out()).contains("rc=0");
        bench.router.awaitState(SimRouter.State.DEAD, Duration.ofSeconds(30));
        assertThat(Files.readString(bench.router.consoleLog())).contains("reroot: rerooted by root",
                "Mounting from ufs:/dev/md9 failed with error 2.");
        assertThat(bench.flash()).isEqualTo(bench.flash());
    }
}

package org.fleetflash.ui.layout;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.fleetflash.agent.plan.FlashPlan;
import org.fleetflash.agent.protocol.DeviceFacts;
import org.fleetflash.core.upgrade.AttemptRef;
import org.fleetflash.core.upgrade.FailureCode;
import org.fleetflash.core.upgrade.Outcome;
import org.fleetflash.core.upgrade.Phase;
import org.fleetflash.core.upgrade.RouterId;
import org.fleetflash.core.upgrade.UpgradeEvent;
import org.fleetflash.core.upgrade.UpgradeEvent.BlockAction;
import org.fleetflash.core.upgrade.UpgradeResult;
import org.fleetflash.ui.layout.BlockProgress.BlockState;
import org.fleetflash.ui.layout.BlockProgress.LedState;
import org.fleetflash.ui.layout.BlockProgress.Snapshot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The erase-block picture of one attempt, built from its events alone. */
class BlockProgressTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:15:00Z");
    private static final AttemptRef A1 = new AttemptRef("a1", "b1", new RouterId("127.0.57.1", 22, Optional.empty()));
    private static final AttemptRef A2 = new AttemptRef("a2", "b1", new RouterId("127.0.57.1", 22, Optional.empty()));

    @TempDir
    Path dir;

    private FlashPlan plan;
    private final BlockProgress progress = new BlockProgress();

    @BeforeEach
    void plan() throws Exception {
        plan = Wdr3600.plan(dir, "11.0-r300", 0);
    }

    private void upToFlash(AttemptRef a, DeviceFacts facts) {
        progress.accept(new UpgradeEvent.Started(a, T0, dir.resolve("fw.bin"), List.of("kernel", "rootfs")));
        progress.accept(new UpgradeEvent.PhaseChanged(a, T0, null, Phase.CONNECT));
        progress.accept(new UpgradeEvent.Probed(a, T0, facts));
        progress.accept(new UpgradeEvent.Planned(a, T0, plan, Optional.empty(), false));
        progress.accept(new UpgradeEvent.PhaseChanged(a, T0, Phase.STAGED, Phase.COMMIT));
        progress.accept(new UpgradeEvent.PhaseChanged(a, T0, Phase.COMMIT, Phase.FLASH));
    }

    private boolean block(AttemptRef a, long i, BlockAction action) {
        return progress.accept(new UpgradeEvent.BlockFlashed(a, T0, i, plan.blocks(), action));
    }

    private UpgradeEvent.Finished finished(AttemptRef a, Outcome outcome, Phase phase, FailureCode code) {
        return new UpgradeEvent.Finished(a, T0, new UpgradeResult(a, outcome, phase, code, "what happened", Optional.of(plan),
                Optional.empty(), -1, -1, Optional.empty(), false, plan.imageSize(), Duration.ofSeconds(90)));
    }

    @Test
    void thePlanGivesOnePendingBlockPerEraseBlockOfTheImage() {
        assertThat(progress.snapshot().summary()).startsWith("No erase blocks yet");
        upToFlash(A1, Wdr3600.facts());
        Snapshot s = progress.snapshot();
        assertThat(plan.blocks()).isEqualTo((plan.imageSize() + 0xffff) / 0x10000);
        assertThat(s.blocks()).isEqualTo((int) plan.blocks());
        assertThat(s.count(BlockState.PENDING)).isEqualTo(s.blocks());
        assertThat(s.summary()).isEqualTo("0 of " + plan.blocks() + " blocks: 0 written, 0 unchanged");
        assertThat(s.router()).isEqualTo("127.0.57.1:22");
    }

    @Test
    void eachReportedBlockTakesItsStateAndTheCountsSayItInWords() {
        upToFlash(A1, Wdr3600.facts());
        for (int i = 0; i < 30; i++) {
            block(A1, i, i % 3 == 0 ? BlockAction.SAME : BlockAction.WRITTEN);
        }
        Snapshot s = progress.snapshot();
        assertThat(s.state(0)).isEqualTo(BlockState.SAME);
        assertThat(s.state(1)).isEqualTo(BlockState.WRITTEN);
        assertThat(s.state(30)).isEqualTo(BlockState.PENDING);
        assertThat(s.summary()).isEqualTo("30 of " + plan.blocks() + " blocks: 20 written, 10 unchanged");
        assertThat(s.count(BlockState.PENDING)).isEqualTo(plan.blocks() - 30);
    }

    @Test
    void aRepeatedReportChangesNothingAndOnlyChangesMoveTheVersion() {
        upToFlash(A1, Wdr3600.facts());
        long before = progress.version();
        assertThat(block(A1, 5, BlockAction.WRITTEN)).isTrue();
        long after = progress.version();
        assertThat(after).isGreaterThan(before);
        assertThat(block(A1, 5, BlockAction.WRITTEN)).isFalse();
        assertThat(progress.version()).isEqualTo(after);
        assertThat(block(A1, plan.blocks() + 3, BlockAction.WRITTEN)).as("a block past the span").isFalse();
    }

    @Test
    void theLedBlinksWhileFlashingShowsTheErrorPatternOnAFailureAndStaysOnWhenWritten() {
        assertThat(progress.snapshot().led()).isEqualTo(LedState.NOT_FLASHING);
        upToFlash(A1, Wdr3600.facts());
        Snapshot flashing = progress.snapshot();
        assertThat(flashing.led()).isEqualTo(LedState.BLINKING);
        assertThat(flashing.ledName()).contains("SYSTEM"); // the TL-WDR3600 has SYSTEM among five LEDs
        assertThat(flashing.ledLine()).isEqualTo("LED SYSTEM: blinking: flashing, do not unplug the router");

        block(A1, 0, BlockAction.WRITTEN);
        block(A1, 1, BlockAction.FAILED);
        assertThat(progress.snapshot().led()).isEqualTo(LedState.ERROR);
        progress.accept(new UpgradeEvent.Note(A1, T0, Phase.FLASH, UpgradeEvent.Note.Level.WARNING,
                "The flasher reported WRITE_FAILED: block 2 of 121 failed 3 tries (round 1 of 5)"));
        assertThat(progress.snapshot().led()).isEqualTo(LedState.ERROR);
        assertThat(progress.snapshot().ledLine()).contains("error pattern");
        block(A1, 1, BlockAction.WRITTEN); // the next round wrote it
        assertThat(progress.snapshot().led()).isEqualTo(LedState.BLINKING);
        assertThat(progress.snapshot().count(BlockState.FAILED)).isZero();

        progress.accept(new UpgradeEvent.PhaseChanged(A1, T0, Phase.FLASH, Phase.VERIFY_FLASH));
        progress.accept(new UpgradeEvent.PhaseChanged(A1, T0, Phase.VERIFY_FLASH, Phase.REBOOT));
        assertThat(progress.snapshot().led()).isEqualTo(LedState.STEADY);
        progress.accept(new UpgradeEvent.PhaseChanged(A1, T0, Phase.REBOOT, Phase.RETURN));
        assertThat(progress.snapshot().led()).isEqualTo(LedState.REBOOTED);
    }

    @Test
    void aRouterWithoutLedsSaysSoInsteadOfAColour() {
        upToFlash(A1, Wdr3600.facts(List.of()));
        block(A1, 0, BlockAction.FAILED);
        Snapshot s = progress.snapshot();
        assertThat(s.led()).isEqualTo(LedState.NONE);
        assertThat(s.ledName()).isEmpty();
        assertThat(s.ledLine()).isEqualTo("LED: none: this router has no LED the flasher can drive");
    }

    @Test
    void aFailurePastThePointOfNoReturnLeavesTheUnreportedBlocksUnknown() {
        upToFlash(A1, Wdr3600.facts());
        for (int i = 0; i < 40; i++) {
            block(A1, i, BlockAction.WRITTEN);
        }
        block(A1, 40, BlockAction.FAILED);
        progress.accept(finished(A1, Outcome.NEEDS_ATTENTION, Phase.FLASH, FailureCode.NO_RETURN));
        Snapshot s = progress.snapshot();
        assertThat(s.count(BlockState.PENDING)).isZero();
        assertThat(s.count(BlockState.UNKNOWN)).isEqualTo(plan.blocks() - 41);
        assertThat(s.state(40)).isEqualTo(BlockState.FAILED);
        assertThat(s.outcome()).contains(Outcome.NEEDS_ATTENTION);
        assertThat(s.summary()).isEqualTo("41 of " + plan.blocks() + " blocks: 40 written, 0 unchanged, 1 failed, "
                + (plan.blocks() - 41) + " unknown");
    }

    @Test
    void aFailureBeforeTheRerootLeavesEveryBlockPending() {
        progress.accept(new UpgradeEvent.Started(A1, T0, dir.resolve("fw.bin"), List.of("kernel", "rootfs")));
        progress.accept(new UpgradeEvent.Planned(A1, T0, plan, Optional.empty(), false));
        progress.accept(finished(A1, Outcome.FAILED_SAFE, Phase.DOWNLOAD, FailureCode.DOWNLOAD_FAILED));
        Snapshot s = progress.snapshot();
        assertThat(s.count(BlockState.PENDING)).isEqualTo(plan.blocks());
        assertThat(s.led()).isEqualTo(LedState.NOT_FLASHING);
        assertThat(s.outcome()).contains(Outcome.FAILED_SAFE);
    }

    @Test
    void aSuccessWhoseDatagramsWereLostShowsTheRestCheckedByTheReadBack() {
        upToFlash(A1, Wdr3600.facts());
        block(A1, 0, BlockAction.WRITTEN);
        progress.accept(finished(A1, Outcome.SUCCEEDED, Phase.VERIFIED, FailureCode.OK));
        Snapshot s = progress.snapshot();
        assertThat(s.count(BlockState.CHECKED)).isEqualTo(plan.blocks() - 1);
        assertThat(s.summary()).endsWith((plan.blocks() - 1) + " checked by read-back");
    }

    @Test
    void anotherAttemptIsIgnoredUntilItStartsThenItBeginsAfresh() {
        upToFlash(A1, Wdr3600.facts());
        block(A1, 0, BlockAction.WRITTEN);
        assertThat(block(A2, 1, BlockAction.WRITTEN)).isFalse();
        assertThat(progress.snapshot().count(BlockState.WRITTEN)).isEqualTo(1);

        upToFlash(A2, Wdr3600.facts());
        Snapshot retry = progress.snapshot();
        assertThat(retry.count(BlockState.WRITTEN)).isZero();
        assertThat(retry.count(BlockState.PENDING)).isEqualTo(plan.blocks());
        assertThat(block(A1, 2, BlockAction.WRITTEN)).as("the old attempt's late event").isFalse();
    }

    @Test
    void twoThousandBlocksInABurstFromTheEngineThreadEndInOneConsistentPicture() throws Exception {
        int blocks = 2048; // a 32 MB span of 16 KB blocks: the flasher's count wins over the plan's
        upToFlash(A1, Wdr3600.facts());
        CompletableFuture<Void> engine = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < blocks; i++) {
                progress.accept(new UpgradeEvent.BlockFlashed(A1, T0, i, blocks, i % 4 == 0 ? BlockAction.SAME : BlockAction.WRITTEN));
            }
        });
        int looks = 0;
        while (!engine.isDone() && looks < 100_000) { // the window looking while the burst comes in
            Snapshot s = progress.snapshot();
            int sum = s.count(BlockState.PENDING) + s.count(BlockState.WRITTEN) + s.count(BlockState.SAME);
            assertThat(sum).isEqualTo(s.blocks());
            looks++;
        }
        engine.get(10, TimeUnit.SECONDS);
        Snapshot s = progress.snapshot();
        assertThat(s.blocks()).isEqualTo(blocks);
        assertThat(s.summary()).isEqualTo("2048 of 2048 blocks: 1536 written, 512 unchanged");
    }

    @Test
    void aRunOfSkippedBlocksReportedByItsLastBlockFillsTheRunAndALateDatagramStillCounts() {
        upToFlash(A1, Wdr3600.facts());
        block(A1, 0, BlockAction.WRITTEN);
        block(A1, 60, BlockAction.SAME); // blocks 1..60 were known to be the image's already: one report
        Snapshot s = progress.snapshot();
        assertThat(s.count(BlockState.SAME)).isEqualTo(60);
        assertThat(s.state(1)).isEqualTo(BlockState.SAME);
        assertThat(s.state(61)).isEqualTo(BlockState.PENDING);

        block(A1, 63, BlockAction.WRITTEN); // 61 and 62 arrive late
        block(A1, 64, BlockAction.SAME);
        block(A1, 61, BlockAction.WRITTEN);
        block(A1, 62, BlockAction.WRITTEN);
        assertThat(progress.snapshot().summary()).isEqualTo("65 of " + plan.blocks() + " blocks: 4 written, 61 unchanged");
    }
}

package org.fleetflash.core.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fleetflash.agent.plan.FlashPlan;
import org.fleetflash.agent.protocol.AgentLine;
import org.fleetflash.agent.protocol.DeviceFacts;
import org.junit.jupiter.api.Test;

/**
 * Every verdict {@code fleetflash resume} can reach from what it found on the router, as a technician reads it:
 * finished on its own, untouched, or needs attention with the evidence.
 */
class ResumeJudgeTest {

    private static final DeviceFacts FACTS = new FakeRouter(new byte[0]).facts();
    private static final FlashPlan PLAN = new FlashPlan(List.of("kernel", "rootfs"), 1000, "img", FakeRouter.EB,
            FakeRouter.SPAN_START, FakeRouter.SPAN_END - FakeRouter.SPAN_START, FakeRouter.EB, "padded-image", List.of());
    private static final RouterCleanup.Report NOTHING_LEFT = new RouterCleanup.Report(List.of(), Optional.empty());
    private static final RouterCleanup.Report STAGE_REMOVED = new RouterCleanup.Report(List.of("memory disk md1 detached"),
            Optional.empty());

    private static InterruptedAttempt attempt(Phase reached, boolean backedUp) {
        List<InterruptedAttempt.RecordedBackup> backups = backedUp ? List.of(new InterruptedAttempt.RecordedBackup("kernel", 1, "k-old"),
                new InterruptedAttempt.RecordedBackup("rootfs", 1, "r-old")) : List.of();
        return new InterruptedAttempt("a1", "b1", new RouterId("127.0.0.1", 2222, Optional.empty()), Instant.EPOCH, Optional.of(reached),
                Optional.of(Path.of("fw.bin")), Optional.of("img"), List.of("kernel", "rootfs"), backups,
                Optional.of(Path.of("/backups/a1")));
    }

    private static ResumeCheck.Span span(String kernel, String rootfs, String planDigest) {
        Map<String, String> parts = new LinkedHashMap<>();
        parts.put("kernel", kernel);
        parts.put("rootfs", rootfs);
        return new ResumeCheck.Span(parts, Optional.of(PLAN), Optional.of(planDigest), "");
    }

    @Test
    void aRouterThatFinishedOnItsOwnSucceededLate() {
        ResumeCheck.Finding f = ResumeCheck.judge(attempt(Phase.FLASH, true), FACTS, span("k-new", "r-new", "padded-image"),
                NOTHING_LEFT);
        assertThat(f.outcome()).contains(Outcome.SUCCEEDED);
        assertThat(f.code()).isEqualTo(FailureCode.OK);
        assertThat(f.message()).contains("finished on its own").contains("byte for byte").contains("FLASH");
        assertThat(f.firmwareVersion()).contains("old"); // what the fake router reports it runs
    }

    @Test
    void aRouterStoppedDuringDownloadIsUntouchedAndCleanedUp() {
        ResumeCheck.Finding f = ResumeCheck.judge(attempt(Phase.DOWNLOAD, true), FACTS, span("k-old", "r-old", "other"), STAGE_REMOVED);
        assertThat(f.outcome()).contains(Outcome.FAILED_SAFE);
        assertThat(f.code()).isEqualTo(FailureCode.PROCESS_DIED);
        assertThat(f.message()).contains("before the reroot").contains("never wrote the router's flash").contains("matches the backup")
                .contains("put back");
        assertThat(f.evidence()).contains("every layout partition matches the backup", "put back: memory disk md1 detached");
    }

    @Test
    void beforeTheBackupTheFlashIsKnownUntouchedBecauseNothingWritesItBeforeTheReroot() {
        ResumeCheck.Finding f = ResumeCheck.judge(attempt(Phase.PROBE, false), FACTS, span("k", "r", "other"), NOTHING_LEFT);
        assertThat(f.outcome()).contains(Outcome.FAILED_SAFE);
        assertThat(f.message()).contains("never wrote the router's flash").doesNotContain("backup");
    }

    @Test
    void aCommitThatNeverHappenedLeavesTheRouterAsItWas() {
        ResumeCheck.Finding f = ResumeCheck.judge(attempt(Phase.COMMIT, true), FACTS, span("k-old", "r-old", "other"), STAGE_REMOVED);
        assertThat(f.outcome()).contains(Outcome.FAILED_SAFE);
        assertThat(f.message()).contains("once the commit was on record (the reroot may or may not have been sent)")
                .contains("reroot did not happen").contains("matches the backup").doesNotContain("after the reroot was sent");
    }

    @Test
    void aHalfWrittenFlashNeedsAttentionAndNamesTheBackup() {
        ResumeCheck.Finding f = ResumeCheck.judge(attempt(Phase.FLASH, true), FACTS, span("k-new", "r-old", "half"), NOTHING_LEFT);
        assertThat(f.outcome()).contains(Outcome.NEEDS_ATTENTION);
        assertThat(f.code()).isEqualTo(FailureCode.PROCESS_DIED);
        assertThat(f.message()).contains("neither the image nor what it held before").contains("kernel differ")
                .contains("/backups/a1").contains("Do not power it off").contains("during FLASH, after the reroot was sent");
        assertThat(f.evidence()).anyMatch(e -> e.contains("≠ the flash (half)"));
    }

    @Test
    void anAttemptStoppedBeforeItsRerootIsNotCreditedWithALaterUpgradesImage() {
        // the technician upgraded the router again before resuming: its flash holds the image now, by the later attempt
        ResumeCheck.Finding f = ResumeCheck.judge(attempt(Phase.STAGED, true), FACTS, span("k-new", "r-new", "padded-image"),
                STAGE_REMOVED);
        assertThat(f.outcome()).contains(Outcome.FAILED_SAFE);
        assertThat(f.message()).contains("never wrote the router's flash").contains("changed since the attempt's backup");
    }

    @Test
    void withoutTheImageFileOnlyTheBackupCanProveAnything() {
        ResumeCheck.Span noImage = new ResumeCheck.Span(Map.of("kernel", "k-new", "rootfs", "r-new"), Optional.empty(), Optional.empty(),
                "the image fw.bin cannot be read on this laptop");
        ResumeCheck.Finding f = ResumeCheck.judge(attempt(Phase.FLASH, true), FACTS, noImage, NOTHING_LEFT);
        assertThat(f.outcome()).contains(Outcome.NEEDS_ATTENTION);
        assertThat(f.message()).contains("cannot be read on this laptop");
    }

    @Test
    void aCleanupThatFailsIsNeverCalledSafe() {
        RouterCleanup.Report refused = new RouterCleanup.Report(List.of(), Optional.of(new AgentLine.Error("CLEANUP_FAILED",
                "cannot detach md1")));
        ResumeCheck.Finding f = ResumeCheck.judge(attempt(Phase.DOWNLOAD, true), FACTS, span("k-old", "r-old", "x"), refused);
        assertThat(f.outcome()).contains(Outcome.NEEDS_ATTENTION);
        assertThat(f.message()).contains("could not clean up").contains("fleetflash cleanup 127.0.0.1:2222");
    }

    @Test
    void aShortReadProvesNothing() {
        ResumeCheck.Span shortRead = new ResumeCheck.Span(Map.of(), Optional.of(PLAN), Optional.of("short read"), "");
        ResumeCheck.Finding f = ResumeCheck.judge(attempt(Phase.REBOOT, true), FACTS, shortRead, NOTHING_LEFT);
        assertThat(f.outcome()).contains(Outcome.NEEDS_ATTENTION);
    }
}

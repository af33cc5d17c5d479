package org.fleetflash.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.fleetflash.core.batch.BatchEvent;
import org.fleetflash.core.batch.BatchSettings;
import org.fleetflash.core.batch.BatchTotals;
import org.fleetflash.core.upgrade.AttemptRef;
import org.fleetflash.core.upgrade.FailureCode;
import org.fleetflash.core.upgrade.Outcome;
import org.fleetflash.core.upgrade.Phase;
import org.fleetflash.core.upgrade.RouterId;
import org.fleetflash.core.upgrade.UpgradeEvent;
import org.fleetflash.core.upgrade.UpgradeResult;
import org.junit.jupiter.api.Test;

/** The live table of a batch: what the technician reads about each router and the whole site while it runs. */
class LiveTableTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final int WIDE = 200;

    private final LiveTable table = new LiveTable();

    private static RouterId router(int n) {
        return new RouterId("127.0.0." + n, 22, Optional.empty());
    }

    private static AttemptRef attempt(int n, String id) {
        return new AttemptRef(id, "batch-1", router(n));
    }

    private static Instant at(long millis) {
        return T0.plusMillis(millis);
    }

    private void start(int routers) {
        table.onBatch(new BatchEvent.Started("batch-1", T0, IntStream.rangeClosed(1, routers).mapToObj(LiveTableTest::router).toList(),
                BatchSettings.defaults()));
    }

    private static UpgradeEvent.Finished finished(AttemptRef a, long millis, Outcome outcome, Phase phase, FailureCode code) {
        return new UpgradeEvent.Finished(a, at(millis), new UpgradeResult(a, outcome, phase, code, "the message", Optional.empty(),
                Optional.empty(), -1, -1, Optional.empty(), false, 0, Duration.ofMillis(millis)));
    }

    private static BatchTotals totals(int succeeded, int safe, int running, int waiting, long bytes, long written, long same,
            long elapsedMillis, Duration eta) {
        return new BatchTotals(3, succeeded, 0, safe, 0, running, waiting, bytes, written, same, Duration.ofMillis(elapsedMillis),
                Optional.ofNullable(eta));
    }

    private List<String> text(int width, int height, Instant now) {
        return table.lines(width, height, now).stream().map(LiveTable.Line::text).toList();
    }

    @Test
    void everyRouterHasARowWaitingUntilItStarts() {
        start(3);

        assertThat(table.rows()).extracting(LiveTable.RowView::router).containsExactly("127.0.0.1:22", "127.0.0.2:22", "127.0.0.3:22");
        assertThat(text(WIDE, 40, T0)).hasSize(5).element(1).asString().matches("127\\.0\\.0\\.1:22 +waiting");
        assertThat(text(WIDE, 40, T0).get(4)).isEqualTo("3 router(s), starting");
    }

    @Test
    void aDownloadShowsItsBarSpeedAndTimeLeft() {
        start(3);
        AttemptRef a = attempt(1, "a1");
        table.on(new UpgradeEvent.Started(a, at(0), Path.of("fw.bin"), List.of("kernel", "rootfs")));
        table.on(new UpgradeEvent.PhaseChanged(a, at(10), Phase.PREFLIGHT, Phase.DOWNLOAD));
        table.on(new UpgradeEvent.Transfer(a, at(2000), Phase.DOWNLOAD, "fw.bin", 2 * 1024 * 1024, 8 * 1024 * 1024, 1024 * 1024));

        LiveTable.RowView row = table.rows().get(0);
        assertThat(row.phase()).isEqualTo(Phase.DOWNLOAD);
        assertThat(row.unit()).isEqualTo(LiveTable.Unit.BYTES);
        assertThat(row.eta()).contains(Duration.ofSeconds(6));
        assertThat(text(WIDE, 40, T0).get(1)).matches("127\\.0\\.0\\.1:22 +DOWNLOAD +\\[#####\\.{15}\\]  25% 2 MiB / 8 MiB +1 MiB/s +0:06");
    }

    @Test
    void theFlashShowsBlocksAndASpeedFromTheBlocksTimes() {
        start(3);
        AttemptRef a = attempt(2, "a2");
        table.on(new UpgradeEvent.PhaseChanged(a, at(0), Phase.COMMIT, Phase.FLASH));
        table.on(new UpgradeEvent.BlockFlashed(a, at(1000), 0, 120, UpgradeEvent.BlockAction.WRITTEN));
        table.on(new UpgradeEvent.BlockFlashed(a, at(3000), 10, 120, UpgradeEvent.BlockAction.SAME));
        table.on(new UpgradeEvent.BlockFlashed(a, at(6000), 29, 120, UpgradeEvent.BlockAction.WRITTEN));

        LiveTable.RowView row = table.rows().get(1);
        assertThat(row.done()).isEqualTo(30);
        assertThat(row.total()).isEqualTo(120);
        assertThat(row.perSecond()).isEqualTo(5); // 29 blocks in 5 s
        assertThat(row.eta()).contains(Duration.ofSeconds(18));
        assertThat(text(WIDE, 40, T0).get(2)).matches("127\\.0\\.0\\.2:22 +FLASH +\\[#####\\.{15}\\]  25% 30 / 120 blk +5 blk/s +0:18");
    }

    @Test
    void anEndedRouterShowsItsOutcomeAndThePhaseItEndedIn() {
        start(3);
        table.on(finished(attempt(1, "a1"), 5000, Outcome.SUCCEEDED, Phase.VERIFIED, FailureCode.OK));
        table.on(finished(attempt(2, "a2"), 5000, Outcome.FAILED_SAFE, Phase.BACKUP, FailureCode.UNREACHABLE));
        table.on(finished(attempt(3, "a3"), 5000, Outcome.NEEDS_ATTENTION, Phase.RETURN, FailureCode.NO_RETURN));

        List<LiveTable.Line> lines = table.lines(WIDE, 40, T0);
        assertThat(lines.get(1).text()).matches("127\\.0\\.0\\.1:22 +VERIFIED +SUCCEEDED");
        assertThat(lines.get(2).text()).matches("127\\.0\\.0\\.2:22 +BACKUP +FAILED_SAFE \\(UNREACHABLE\\)");
        assertThat(lines.get(3).text()).matches("127\\.0\\.0\\.3:22 +RETURN +NEEDS_ATTENTION \\(NO_RETURN\\)");
        assertThat(lines.subList(1, 4)).extracting(LiveTable.Line::tone).containsExactly(LiveTable.Tone.GOOD, LiveTable.Tone.SAFE,
                LiveTable.Tone.BAD);
        assertThat(table.rows()).allMatch(LiveTable.RowView::ended).allMatch(r -> r.eta().isEmpty());
    }

    @Test
    void aRetriedRouterSaysWhichTryItIsOn() {
        start(3);
        AttemptRef first = attempt(1, "a1");
        UpgradeEvent.Finished failed = finished(first, 1000, Outcome.FAILED_SAFE, Phase.CONNECT, FailureCode.UNREACHABLE);
        table.on(failed);
        table.onBatch(new BatchEvent.Retrying("batch-1", at(1000), router(1), 2, failed.result()));

        assertThat(text(WIDE, 40, T0).get(1)).matches("127\\.0\\.0\\.1:22 +waiting \\(try 2\\) +to be tried again after UNREACHABLE");

        AttemptRef second = attempt(1, "a1-again");
        table.on(new UpgradeEvent.Started(second, at(2000), Path.of("fw.bin"), List.of("kernel")));
        table.on(new UpgradeEvent.PhaseChanged(second, at(2000), null, Phase.CONNECT));
        assertThat(table.rows().get(0).attempt()).isEqualTo(2);
        assertThat(table.rows().get(0).running()).isTrue();
        assertThat(text(WIDE, 40, T0).get(1)).matches("127\\.0\\.0\\.1:22 +CONNECT \\(try 2\\)");
    }

    @Test
    void theTotalsLineCountsOutcomesBytesAndBlocksAndKeepsTheClockRunningBetweenTotals() {
        start(3);
        table.onBatch(new BatchEvent.Totals("batch-1", at(62_000), totals(1, 1, 1, 0, 3 * 1024 * 1024, 40, 2, 62_000,
                Duration.ofSeconds(31))));

        assertThat(text(WIDE, 40, at(65_000)).subList(4, 6)).containsExactly("3 router(s): 1 succeeded (0 up to date), 1 failed safe,"
                + " 0 need attention, 1 running, 0 waiting", "3 MiB served, 40 blocks written, 2 unchanged; 1:05 elapsed, about 0:31 left");

        table.onBatch(new BatchEvent.Finished("batch-1", at(70_000), List.of(), totals(2, 1, 0, 0, 6 * 1024 * 1024, 80, 4, 70_000,
                null)));
        assertThat(text(WIDE, 40, at(99_000)).get(5)).isEqualTo("6 MiB served, 80 blocks written, 4 unchanged; 1:10 elapsed");
        // a count the engine sent before the end but delivered after it changes nothing
        table.onBatch(new BatchEvent.Totals("batch-1", at(69_000), totals(1, 1, 1, 0, 0, 0, 0, 69_000, null)));
        assertThat(text(WIDE, 40, at(99_000)).get(5)).isEqualTo("6 MiB served, 80 blocks written, 4 unchanged; 1:10 elapsed");
    }

    @Test
    void aHaltAndACancelAreSaidAboveTheTotals() {
        start(3);
        table.onBatch(new BatchEvent.Halted("batch-1", at(1), FailureCode.NOT_STARTED, "The failure budget of 1 was reached"));
        table.status("cancelling 1 router(s) before the reroot; undoing what was made on them...");

        List<String> lines = text(WIDE, 40, T0);
        assertThat(lines.get(4)).isEqualTo("halted: The failure budget of 1 was reached; the routers already running finish");
        assertThat(lines.get(5)).startsWith("cancelling 1 router(s)");
    }

    @Test
    void aCancelSaysThatTheRoutersBeforeTheirRerootAreUndoneNotFinished() {
        start(3);
        table.onBatch(new BatchEvent.Halted("batch-1", at(1), FailureCode.CANCELLED, "The batch was cancelled by the technician"));

        assertThat(text(WIDE, 40, T0).get(4)).isEqualTo("halted: The batch was cancelled by the technician; the routers before their"
                + " reroot are undone, those past it finish on their own");
    }

    @Test
    void routerTextIsEscapedAndLinesAreCutToTheWidth() {
        start(3);
        AttemptRef a = attempt(1, "a1");
        table.on(new UpgradeEvent.Note(a, at(5), Phase.PREFLIGHT, UpgradeEvent.Note.Level.WARNING, "flash \u001b[2J\u202eslow\r\nfake"));

        String row = text(WIDE, 40, T0).get(1);
        assertThat(row).contains("warning: flash \\x1b[2J\\u202eslow\\r\\nfake").doesNotContain("\u001b", "\u202e", "\r", "\n");
        assertThat(table.lines(30, 40, T0)).allSatisfy(l -> assertThat(l.text().length()).isLessThanOrEqualTo(30));
    }

    @Test
    void aSiteTallerThanTheTerminalShowsTheRunningAndFailedRoutersFirst() {
        start(4);
        table.on(finished(attempt(1, "a1"), 10, Outcome.SUCCEEDED, Phase.VERIFIED, FailureCode.OK));
        table.on(finished(attempt(2, "a2"), 10, Outcome.FAILED_SAFE, Phase.BACKUP, FailureCode.BUSY));
        table.on(new UpgradeEvent.PhaseChanged(attempt(3, "a3"), at(10), null, Phase.CONNECT));

        List<String> lines = text(WIDE, 5, T0);
        assertThat(lines).hasSize(5);
        assertThat(lines.get(1)).startsWith("127.0.0.2:22");
        assertThat(lines.get(2)).startsWith("127.0.0.3:22");
        assertThat(lines.get(3)).isEqualTo("... and 2 more router(s) (1 waiting, 1 ended)");
        assertThat(lines.get(4)).isEqualTo("4 router(s), starting");
    }

    @Test
    void theBarIsFullAtTheTotalAndEmptyWhenTheTotalIsNotKnown() {
        assertThat(LiveTable.bar(8, 8)).isEqualTo("[####################] 100%");
        assertThat(LiveTable.bar(9, 8)).isEqualTo("[####################] 100%");
        assertThat(LiveTable.bar(3, -1)).isEqualTo("[                    ]     ");
        assertThat(LiveTable.clock(Duration.ofSeconds(3723))).isEqualTo("1:02:03");
    }
}

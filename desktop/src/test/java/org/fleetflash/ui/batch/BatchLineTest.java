package org.fleetflash.ui.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.fleetflash.core.batch.BatchTotals;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The batch's header line: counts, the server's rate and the time left. */
class BatchLineTest {

    private static final long MB = 1L << 20;

    private static BatchTotals totals(int routers, int ok, int safe, int attention, int running, int waiting, Duration engineEta) {
        return new BatchTotals(routers, ok, 0, safe, attention, running, waiting, 300 * MB, 4000, 900, Duration.ofMinutes(5),
                Optional.ofNullable(engineEta));
    }

    @Test
    void theLineCountsDoneRoutersByOutcomeWithTheRateAndTheTimeLeft() {
        // 6 routers still download: 192 MB left at 48 MB/s is 4 s; the engine expects 4 minutes with the flashing
        BatchTotals t = totals(40, 31, 2, 1, 6, 0, Duration.ofMinutes(4));
        assertThat(BatchLine.line(t, 48 * MB, 192 * MB)).isEqualTo("34/40 done · 31 ✓ 2 ⚠ 1 ✗ · 48 MB/s · ETA 4 min");
        assertThat(BatchLine.words(t)).isEqualTo("34 of 40 routers done: 31 upgraded, 2 failed safe, 1 needs attention; 6 running, 0 waiting");
    }

    @Test
    void theTimeLeftComesFromTheRemainingBytesAtTheRecentRateWhenTheEngineHasNoEstimate() {
        BatchTotals t = totals(40, 0, 0, 0, 8, 32, null);
        // 40 routers × 7.5 MB, 60 MB downloaded: 240 MB at 2 MB/s
        assertThat(BatchLine.eta(t, 2 * MB, 240 * MB)).contains(Duration.ofSeconds(120));
        assertThat(BatchLine.line(t, 2 * MB, 240 * MB)).isEqualTo("0/40 done · 0 ✓ 0 ⚠ 0 ✗ · 2 MB/s · ETA 2 min");
    }

    @Test
    void withoutARateTheTimeLeftIsTheEnginesOrUnknown() {
        assertThat(BatchLine.line(totals(10, 2, 0, 0, 3, 5, null), 0, 50 * MB))
                .isEqualTo("2/10 done · 2 ✓ 0 ⚠ 0 ✗ · no download · ETA unknown");
        assertThat(BatchLine.eta(totals(10, 2, 0, 0, 3, 5, Duration.ofSeconds(90)), 0, 50 * MB)).contains(Duration.ofSeconds(90));
    }

    @Test
    void aBatchWithNothingRunningOrWaitingIsFinished() {
        BatchTotals t = totals(3, 2, 1, 0, 0, 0, null);
        assertThat(BatchLine.line(t, 0, 0)).isEqualTo("3/3 done · 2 ✓ 1 ⚠ 0 ✗ · no download · finished");
    }

    @ParameterizedTest
    @CsvSource({
        "0, finished",
        "1, ETA 1 s",
        "59, ETA 59 s",
        "60, ETA 1 min",
        "89, ETA 1 min",
        "90, ETA 2 min",
        "3599, ETA 1 h",
        "3929, ETA 1 h 5 min",
    })
    void theTimeLeftIsRoundedToWhatATechnicianReads(long seconds, String text) {
        assertThat(BatchLine.etaText(Optional.of(Duration.ofSeconds(seconds)))).isEqualTo(text);
    }

    @Test
    void aLeftOverFractionOfASecondIsStillOneSecond() {
        assertThat(BatchLine.eta(totals(2, 0, 0, 0, 1, 1, null), 10 * MB, 1)).contains(Duration.ofSeconds(1));
    }
}

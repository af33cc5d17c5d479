package org.fleetflash.server.ftp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.fleetflash.server.ftp.DownloadProgress.State;
import org.junit.jupiter.api.Test;

class DownloadTrackerTest {
    private final List<DownloadProgress> events = new ArrayList<>();

    @Test
    void reportsEveryChunkWithZeroIntervalAndCompletesAtTheEnd() {
        DownloadTracker tracker = new DownloadTracker(1, "ffab", null, 0, 300, 0, events::add);
        tracker.advance(100);
        tracker.advance(200);
        tracker.advance(300);
        tracker.finish();

        assertThat(events).extracting(DownloadProgress::state)
                .containsExactly(State.STARTED, State.RUNNING, State.RUNNING, State.RUNNING, State.COMPLETE);
        assertThat(events).extracting(DownloadProgress::bytes).containsExactly(0L, 100L, 200L, 300L, 300L);
    }

    @Test
    void aStreamClosedBeforeTheEndIsAborted() {
        DownloadTracker tracker = new DownloadTracker(1, "ffab", null, 0, 300, 0, events::add);
        tracker.advance(100);
        tracker.finish();
        tracker.finish();

        assertThat(events).last().extracting(DownloadProgress::state).isEqualTo(State.ABORTED);
        assertThat(events).filteredOn(e -> e.state().isFinal()).hasSize(1);
    }

    @Test
    void aResumedDownloadStartsAtItsOffsetAndCountsOnlyWhatItSent() {
        DownloadTracker tracker = new DownloadTracker(1, "ffab", null, 250, 300, Long.MAX_VALUE, events::add);
        tracker.advance(280);
        tracker.advance(300);
        tracker.finish();

        assertThat(events).extracting(DownloadProgress::state).containsExactly(State.STARTED, State.COMPLETE);
        DownloadProgress last = events.get(events.size() - 1);
        assertThat(last.offset()).isEqualTo(250);
        assertThat(last.bytes()).isEqualTo(300);
        assertThat(last.transferred()).isEqualTo(50);
    }
}

package org.fleetflash.core.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.fleetflash.server.telemetry.TelemetryEvent;
import org.fleetflash.server.telemetry.TelemetryKind;
import org.junit.jupiter.api.Test;

/** The flasher's telemetry as the technician sees it: forward only, each block once, counts that add up. */
class TelemetryTrackerTest {

    private final List<Phase> phases = new ArrayList<>();
    private final List<String> blocks = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private Phase phase = Phase.COMMIT;

    private final TelemetryTracker tracker = new TelemetryTracker(new TelemetryTracker.Sink() {
        @Override
        public void advanceTo(Phase p) {
            if (p.compareTo(phase) > 0) {
                phase = p;
                phases.add(p);
            }
        }

        @Override
        public void block(long block, long total, UpgradeEvent.BlockAction action) {
            blocks.add(block + "/" + total + " " + action);
        }

        @Override
        public void warning(String text) {
            warnings.add(text);
        }

        @Override
        public void info(String text) {
        }
    }, 121);

    private void send(TelemetryKind kind, String... kv) {
        java.util.Map<String, String> fields = new java.util.HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            fields.put(kv[i], kv[i + 1]);
        }
        tracker.on(new TelemetryEvent("r", 1, kind, Map.copyOf(fields), false, null, Instant.now()));
    }

    @Test
    void aLateProgressAfterDoneDoesNotMoveThePhaseBackAndARepeatedBlockIsReportedOnce() {
        send(TelemetryKind.BEGIN, "blocks", "121");
        send(TelemetryKind.PROGRESS, "block", "1", "blocks", "121", "action", "written");
        send(TelemetryKind.PROGRESS, "block", "1", "blocks", "121", "action", "written");
        send(TelemetryKind.VERIFY_OK);
        send(TelemetryKind.DONE, "written", "1", "same", "120");
        send(TelemetryKind.PROGRESS, "block", "2", "blocks", "121", "action", "same");

        assertThat(phases).containsExactly(Phase.FLASH, Phase.VERIFY_FLASH, Phase.REBOOT);
        assertThat(blocks).containsExactly("0/121 WRITTEN", "1/121 SAME");
        assertThat(tracker.written()).isEqualTo(1);
        assertThat(tracker.same()).isEqualTo(120);
    }

    @Test
    void aRunReportedInOneDatagramIsEveryBlockOfTheRunOnce() {
        send(TelemetryKind.PROGRESS, "block", "3", "blocks", "121", "action", "written");
        send(TelemetryKind.PROGRESS, "block", "5", "blocks", "121", "action", "written", "from", "3");
        send(TelemetryKind.PROGRESS, "block", "121", "blocks", "121", "action", "same", "from", "121");

        assertThat(blocks).containsExactly("2/121 WRITTEN", "3/121 WRITTEN", "4/121 WRITTEN", "120/121 SAME");
        assertThat(tracker.written()).isEqualTo(3);
        assertThat(tracker.same()).isEqualTo(1);
    }

    @Test
    void withoutDoneTheCountsComeFromTheBlocksAndWithoutAnyTheyAreUnknown() {
        assertThat(tracker.written()).isEqualTo(-1);
        assertThat(tracker.lastWord()).isNull();
        send(TelemetryKind.PROGRESS, "block", "4", "action", "written");
        send(TelemetryKind.PROGRESS, "block", "5", "action", "skipped");
        assertThat(tracker.written()).isEqualTo(1);
        assertThat(tracker.same()).isEqualTo(1);
        assertThat(blocks).containsExactly("3/121 WRITTEN", "4/121 SAME");
        assertThat(tracker.lastWord()).startsWith("PROGRESS");
    }

    @Test
    void aReportOvertakenOnTheWayIsNotTheRoutersLastWord() {
        tracker.on(new TelemetryEvent("r", 9, TelemetryKind.DONE, Map.of("written", "1"), false, null, Instant.now()));
        tracker.on(new TelemetryEvent("r", 8, TelemetryKind.VERIFY_OK, Map.of(), true, null, Instant.now()));
        assertThat(tracker.lastWord()).startsWith("DONE");
        assertThat(phases).containsExactly(Phase.REBOOT);
    }

    @Test
    void aFlasherErrorIsAWarningWithItsCodeAndWords() {
        send(TelemetryKind.ERROR, "code", "WRITE_FAILED", "text", "block 7 failed 3 tries");
        assertThat(warnings).containsExactly("The flasher reported WRITE_FAILED: block 7 failed 3 tries");
    }

    @Test
    void theFlashersBlockNumberCountsFromOneAndTheEventsIndexFromZero() {
        send(TelemetryKind.BEGIN, "blocks", "121");
        send(TelemetryKind.PROGRESS, "block", "1", "blocks", "121", "action", "written"); // the span's first block
        send(TelemetryKind.PROGRESS, "block", "121", "blocks", "121", "action", "same"); // its last
        send(TelemetryKind.PROGRESS, "block", "0", "blocks", "121", "action", "written"); // no such block
        assertThat(blocks).containsExactly("0/121 WRITTEN", "120/121 SAME");
    }
}

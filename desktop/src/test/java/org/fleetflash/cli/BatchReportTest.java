package org.fleetflash.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.fleetflash.core.upgrade.AttemptRef;
import org.fleetflash.core.upgrade.FailureCode;
import org.fleetflash.core.upgrade.Outcome;
import org.fleetflash.core.upgrade.Phase;
import org.fleetflash.core.upgrade.RouterId;
import org.fleetflash.core.upgrade.UpgradeResult;
import org.junit.jupiter.api.Test;

class BatchReportTest {

    private static UpgradeResult result(Outcome outcome, FailureCode code, String message) {
        AttemptRef a = new AttemptRef("a1", "b1", new RouterId("127.0.0.1", 2222, Optional.empty()));
        return new UpgradeResult(a, outcome, Phase.RETURN, code, message, Optional.empty(), Optional.empty(), -1, -1, Optional.empty(),
                false, 0, Duration.ofSeconds(1));
    }

    @Test
    void aRouterThatNeedsAttentionKeepsItsWholeMessageInTheSummary() {
        String what = "The router did not answer within 20 s after its reboot. It may still be flashing, or be stuck: check its"
                + " LEDs; a console may be needed. Do not power it off. The backup is in /home/dana/.local/share/fleetflash/backups/"
                + "tl-wdr3600_127.0.0.1_2222_20261202-101010-a1.";

        assertThat(BatchReport.line(result(Outcome.NEEDS_ATTENTION, FailureCode.NO_RETURN, what))).endsWith(what)
                .contains("NEEDS_ATTENTION", "NO_RETURN");
        assertThat(BatchReport.line(result(Outcome.SUCCEEDED, FailureCode.OK, what))).as("a success stays one short line")
                .doesNotContain("The backup is in");
    }
}

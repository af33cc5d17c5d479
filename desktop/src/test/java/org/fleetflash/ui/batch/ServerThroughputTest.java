package org.fleetflash.ui.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.fleetflash.core.upgrade.AttemptRef;
import org.fleetflash.core.upgrade.FailureCode;
import org.fleetflash.core.upgrade.Outcome;
import org.fleetflash.core.upgrade.Phase;
import org.fleetflash.core.upgrade.RouterId;
import org.fleetflash.core.upgrade.UpgradeEvent;
import org.fleetflash.core.upgrade.UpgradeResult;
import org.junit.jupiter.api.Test;

/** The image server's rate is the sum of the routers that download now. */
class ServerThroughputTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:15:00Z");

    private static AttemptRef router(int n) {
        return new AttemptRef("a" + n, "b1", new RouterId("127.0.57." + n, 22, Optional.empty()));
    }

    private static UpgradeEvent transfer(int n, Phase phase, long rate, long afterMillis) {
        return new UpgradeEvent.Transfer(router(n), T0.plusMillis(afterMillis), phase, phase == Phase.DOWNLOAD ? "fw.bin" : "rootfs",
                1000, 8000, rate);
    }

    @Test
    void theRatesOfRoutersInDownloadAddUpAndABackupDoesNotCount() {
        ServerThroughput s = new ServerThroughput();
        s.accept(transfer(1, Phase.DOWNLOAD, 2_000_000, 0));
        s.accept(transfer(2, Phase.DOWNLOAD, 3_000_000, 100));
        s.accept(transfer(3, Phase.BACKUP, 9_000_000, 100));
        s.accept(transfer(1, Phase.DOWNLOAD, 2_500_000, 500)); // the newest rate of a router replaces its last
        assertThat(s.total(T0.plusMillis(600))).isEqualTo(5_500_000);
        assertThat(s.downloading(T0.plusMillis(600))).isEqualTo(2);
    }

    @Test
    void aRouterThatLeavesDownloadOrFinishesNoLongerCounts() {
        ServerThroughput s = new ServerThroughput();
        s.accept(transfer(1, Phase.DOWNLOAD, 2_000_000, 0));
        s.accept(transfer(2, Phase.DOWNLOAD, 3_000_000, 0));
        s.accept(new UpgradeEvent.PhaseChanged(router(1), T0.plusMillis(200), Phase.DOWNLOAD, Phase.VERIFY_IMAGE));
        assertThat(s.total(T0.plusMillis(300))).isEqualTo(3_000_000);
        s.accept(new UpgradeEvent.Finished(router(2), T0.plusMillis(400), new UpgradeResult(router(2), Outcome.FAILED_SAFE,
                Phase.DOWNLOAD, FailureCode.DOWNLOAD_FAILED, "fetch failed", Optional.empty(), Optional.<Path>empty(), -1, -1,
                Optional.empty(), false, 1000, Duration.ofSeconds(4))));
        assertThat(s.total(T0.plusMillis(500))).isZero();
    }

    @Test
    void aRouterSilentForLongerThanStaleNoLongerCounts() {
        ServerThroughput s = new ServerThroughput();
        s.accept(transfer(1, Phase.DOWNLOAD, 2_000_000, 0));
        assertThat(s.total(T0.plus(ServerThroughput.STALE))).isEqualTo(2_000_000);
        assertThat(s.total(T0.plus(ServerThroughput.STALE).plusMillis(1))).isZero();
    }
}

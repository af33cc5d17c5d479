package org.fleetflash.core.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The pause between two knocks for a returning router: the flasher's last report ends it at once. */
class ReturnWatchNapTest {

    private static final Duration AN_HOUR = Duration.ofHours(1);

    @Test
    void aWakeDuringThePauseEndsIt() {
        ReturnWatch.Nap nap = new ReturnWatch.Nap();
        Thread telemetry = new Thread(nap::wake, "telemetry-io");
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            telemetry.start();
            nap.sleep(AN_HOUR);
        });
    }

    @Test
    void aWakeBetweenTwoKnocksEndsTheNextPauseAndOnlyThatOne() throws Exception {
        ReturnWatch.Nap nap = new ReturnWatch.Nap();
        nap.wake(); // the report came while the router was being knocked at

        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> nap.sleep(AN_HOUR));
        long start = System.nanoTime();
        nap.sleep(Duration.ofMillis(300));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the wake was used up").isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }
}

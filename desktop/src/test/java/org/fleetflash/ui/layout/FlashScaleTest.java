package org.fleetflash.ui.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The flash bar is to scale, yet a 64 KB partition beside a 7 MB one stays wide enough to read. */
class FlashScaleTest {

    /** The TL-WDR3600's flash: u-boot, kernel, rootfs, cfg, mib0, ART. */
    private static final long[] WDR3600 = {0x20000, 0x130000, 0x680000, 0x10000, 0x10000, 0x10000};

    @Test
    void smallPartitionsGetTheMinimumAndTheRestStaysProportional() {
        double[] w = FlashScale.widths(WDR3600, 1000, 64);
        assertThat(Arrays.stream(w).sum()).isCloseTo(1000, within(0.001));
        assertThat(w[3]).isEqualTo(64);
        assertThat(w[4]).isEqualTo(64);
        assertThat(w[5]).isEqualTo(64);
        assertThat(w[0]).isEqualTo(64); // 128 KB of 8 MB would be 16 px
        assertThat(w[2] / w[1]).isCloseTo((double) 0x680000 / 0x130000, within(0.001));
    }

    @Test
    void aWideBarIsPurelyProportional() {
        double[] w = FlashScale.widths(new long[] {1, 1, 2}, 400, 10);
        assertThat(w).containsExactly(new double[] {100, 100, 200}, within(0.001));
    }

    @Test
    void whenEvenTheMinimumDoesNotFitEveryPartitionGetsAnEqualShare() {
        double[] w = FlashScale.widths(WDR3600, 300, 64);
        assertThat(w).containsOnly(50.0);
    }

    @Test
    void noPartitionsNoWidths() {
        assertThat(FlashScale.widths(new long[0], 500, 64)).isEmpty();
    }
}

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

    @Test
    void anOffsetFallsInItsPartitionInProportionToThatPartitionsWidth() {
        long[] offsets = {0, 0x20000, 0x150000, 0x7d0000, 0x7e0000, 0x7f0000};
        double[] w = FlashScale.widths(WDR3600, 1000, 64);
        assertThat(FlashScale.x(0x20000, offsets, WDR3600, w)).isEqualTo(w[0]);
        assertThat(FlashScale.x(0x20000 + 0x130000 / 2, offsets, WDR3600, w)).isCloseTo(w[0] + w[1] / 2, within(0.001));
        assertThat(FlashScale.x(0x7d0000, offsets, WDR3600, w)).isCloseTo(w[0] + w[1] + w[2], within(0.001));
        assertThat(FlashScale.x(0x800000, offsets, WDR3600, w)).as("the flash's end").isCloseTo(1000, within(0.001));
        assertThat(FlashScale.x(0x900000, offsets, WDR3600, w)).as("past the flash").isCloseTo(1000, within(0.001));
    }
}

package org.fleetflash.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Faults as values and as the sim/faults file the stand-ins source. */
class FaultsTest {

    @Test
    void aHealthyRouterHasEmptyFaultVariables() {
        assertThat(Faults.none().toShell()).contains("FF_FAULT_CUT_AT=''\n", "FF_FAULT_CUT_ALWAYS='no'\n",
                "FF_FAULT_CORRUPT_AT=''\n", "FF_FAULT_TAKE_PAGES='0'\n", "FF_FAULT_POWER_BLOCK=''\n",
                "FF_FAULT_WRITE_FAIL_FROM=''\n", "FF_FAULT_TELEMETRY_DROP='0'\n");
    }

    @Test
    void eachWitherAddsOneFaultAndKeepsTheOthers() {
        Faults f = Faults.none().withDownloadCut(1024, true).withCorruptByte(7).withRamTakenAtNextMdconfig(300)
                .withPowerLossAtBlock(5).withWriteFailuresFromBlock(9).withNeverReturns()
                .withExtraRebootDelay(Duration.ofSeconds(3)).withTelemetryDrop(50);

        assertThat(f.toShell()).contains("FF_FAULT_CUT_AT='1024'\n", "FF_FAULT_CUT_ALWAYS='yes'\n",
                "FF_FAULT_CORRUPT_AT='7'\n", "FF_FAULT_TAKE_PAGES='300'\n", "FF_FAULT_POWER_BLOCK='5'\n",
                "FF_FAULT_WRITE_FAIL_FROM='9'\n", "FF_FAULT_TELEMETRY_DROP='50'\n");
        assertThat(f.neverReturns()).isTrue();
        assertThat(f.extraRebootDelay()).isEqualTo(Duration.ofSeconds(3));
        assertThat(f.newHostKeysOnUpgrade()).isFalse();
        Faults keys = f.withNewHostKeysOnUpgrade();
        assertThat(keys.newHostKeysOnUpgrade()).isTrue();
        assertThat(keys.toShell()).isEqualTo(f.toShell());
        assertThat(keys.extraRebootDelay()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void theCommitFaultsReachTheStandIns() {
        Faults f = Faults.none().withPauseAt(Faults.Pause.KENV).withRebootWithoutReroot()
                .withReportedRelease("10.2-RELEASE", 1002000).withFlashRotAt(8_060_927);

        assertThat(f.toShell()).contains("FF_FAULT_PAUSE_AT='kenv'\n", "FF_FAULT_NO_REROOT='yes'\n",
                "FF_FAULT_RELEASE='10.2-RELEASE'\n", "FF_FAULT_RELDATE='1002000'\n", "FF_FAULT_ROT_AT='8060927'\n");
        assertThat(Faults.none().toShell()).contains("FF_FAULT_PAUSE_AT=''\n", "FF_FAULT_NO_REROOT='no'\n",
                "FF_FAULT_RELEASE=''\n", "FF_FAULT_RELDATE=''\n", "FF_FAULT_ROT_AT=''\n");
        assertThatThrownBy(() -> Faults.none().withReportedRelease("10.2'; rm -rf /", 1002000))
                .hasMessageContaining("must look like");
        assertThatThrownBy(() -> Faults.none().withFlashRotAt(-1)).hasMessageContaining("flash offset");
    }

    @Test
    void refusesValuesOutOfRange() {
        assertThatThrownBy(() -> Faults.none().withTelemetryDrop(101)).hasMessageContaining("0..100");
        assertThatThrownBy(() -> Faults.none().withPowerLossAtBlock(0)).hasMessageContaining("counts from 1");
        assertThatThrownBy(() -> Faults.none().withDownloadCut(-1, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Faults.none().withExtraRebootDelay(Duration.ofSeconds(-1)))
                .hasMessageContaining("negative");
    }

    @Test
    void paddingOffsetRefusesAnImageWithoutPadding() {
        Profile p = Profile.load("tl-wdr3600");
        assertThatThrownBy(() -> Faults.paddingOffset(p, 4L * p.eraseBlock())).hasMessageContaining("no padding");
        assertThat(Faults.paddingOffset(p, 1)).isEqualTo(p.spanStart() + p.eraseBlock() - 1);
    }
}

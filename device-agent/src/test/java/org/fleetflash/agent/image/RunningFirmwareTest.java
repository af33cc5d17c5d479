package org.fleetflash.agent.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.OptionalLong;
import java.util.Random;
import org.fleetflash.agent.sim.Profile;
import org.fleetflash.agent.sim.SimImage;
import org.junit.jupiter.api.Test;

class RunningFirmwareTest {

    private static final Profile WDR = Profile.load("tl-wdr3600");
    private static final int BLOCK = WDR.eraseBlock();

    private static byte[] firstBlock(byte[] image) {
        return Arrays.copyOf(image, BLOCK);
    }

    @Test
    void aBareUBootImageGivesItsKernelAndNoHardwareId() {
        RunningFirmware r = RunningFirmware.of(firstBlock(SimImage.bytes(WDR, "11.0-r1", 0)));

        assertThat(r.hardwareId()).isEmpty();
        assertThat(r.kernel()).hasValueSatisfying(k -> {
            assertThat(k.loadAddress()).isEqualTo(0x80050000L);
            assertThat(k.entryPoint()).isEqualTo(0x80050100L);
            assertThat(k.name()).isEqualTo("FreeBSD 11.0-r1");
        });
    }

    @Test
    void aTpLinkFirmwareGivesItsHardwareIdAndTheKernelAtItsKernelOffset() {
        RunningFirmware r = RunningFirmware.of(firstBlock(SimImage.bytes(WDR, "11.0-r1", 0, ImageInfo.Format.TPLINK)));

        assertThat(r.hardwareId()).isEqualTo(OptionalLong.of(0x36000001L));
        assertThat(r.kernel()).hasValueSatisfying(k -> assertThat(k.loadAddress()).isEqualTo(0x80050000L));
    }

    @Test
    void theGenericBoardsKernelIsLoadedElsewhere() {
        Profile g16 = Profile.load("generic-16m");

        RunningFirmware r = RunningFirmware.of(Arrays.copyOf(SimImage.bytes(g16, "12.4", 0), g16.eraseBlock()));

        assertThat(r.kernel()).hasValueSatisfying(k -> {
            assertThat(k.loadAddress()).isEqualTo(0x80001000L);
            assertThat(k.entryPoint()).isEqualTo(0x80001100L);
        });
    }

    @Test
    void aKernelWhoseHeaderChecksumFailsIsNotTheOneTheBootLoaderStarted() {
        RunningFirmware r = RunningFirmware.of(firstBlock(SimImage.withCorruptHeader(SimImage.bytes(WDR, "11.0-r1", 0))));

        assertThat(r.kernel()).isEmpty();
    }

    @Test
    void randomBytesAShortReadOrAHeaderPointingOutsideTheBlockAreUnknown() {
        byte[] random = new byte[BLOCK];
        new Random(5).nextBytes(random);
        byte[] tp = firstBlock(SimImage.bytes(WDR, "11.0-r1", 0, ImageInfo.Format.TPLINK));
        java.nio.ByteBuffer.wrap(tp).putInt(0x80, BLOCK); // kernel offset past the bytes read

        assertThat(RunningFirmware.of(random)).isEqualTo(RunningFirmware.UNKNOWN);
        assertThat(RunningFirmware.of(new byte[10])).isEqualTo(RunningFirmware.UNKNOWN);
        assertThat(RunningFirmware.of(Arrays.copyOf(SimImage.bytes(WDR, "11.0-r1", 0), 40))).isEqualTo(RunningFirmware.UNKNOWN);
        assertThat(RunningFirmware.of(tp).hardwareId()).isEqualTo(OptionalLong.of(0x36000001L));
        assertThat(RunningFirmware.of(tp).kernel()).isEmpty();
    }
}

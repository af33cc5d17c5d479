package org.fleetflash.agent.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UImageHeaderTest {

    static byte[] kernelImage(int dataLength, String name) {
        byte[] image = new byte[UImageHeader.SIZE + dataLength];
        new Random(7).nextBytes(image);
        UImageHeader h = UImageHeader.describing(UImageHeader.OS_FREEBSD, UImageHeader.ARCH_MIPS, UImageHeader.TYPE_KERNEL,
                UImageHeader.COMP_LZMA, 0x80050000L, 0x80050100L, 1455019211L, name, image, UImageHeader.SIZE, dataLength);
        System.arraycopy(h.toBytes(), 0, image, 0, UImageHeader.SIZE);
        return image;
    }

    @Test
    void writesAHeaderThatParsesBackWithEveryField() {
        byte[] image = kernelImage(5000, "FreeBSD 11.0-r295681");

        UImageHeader h = UImageHeader.parse(image, 0).orElseThrow();

        assertThat(ByteBuffer.wrap(image).getInt()).isEqualTo(0x27051956);
        assertThat(h.headerCrcOk()).isTrue();
        assertThat(h.dataCrcMatches(image, 0)).isTrue();
        assertThat(h.dataSize()).isEqualTo(5000);
        assertThat(h.time()).isEqualTo(1455019211L);
        assertThat(h.loadAddress()).isEqualTo(0x80050000L);
        assertThat(h.entryPoint()).isEqualTo(0x80050100L);
        assertThat(h.os()).isEqualTo(3);
        assertThat(h.arch()).isEqualTo(5);
        assertThat(h.type()).isEqualTo(2);
        assertThat(h.compression()).isEqualTo(3);
        assertThat(h.name()).isEqualTo("FreeBSD 11.0-r295681");
        assertThat(h.imageTypeLine()).isEqualTo("MIPS FreeBSD Kernel Image (lzma compressed)");
        assertThat(h.isKernel()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 12, 16, 20, 24, 28, 32, 33, 34, 35, 36, 63})
    void anyChangedHeaderByteBreaksTheHeaderCrc(int offset) {
        byte[] image = kernelImage(100, "FreeBSD 12.0");
        image[offset] ^= 0x40;

        assertThat(UImageHeader.parse(image, 0).orElseThrow().headerCrcOk()).isFalse();
    }

    @Test
    void aChangedDataByteBreaksTheDataCrcButNotTheHeaderCrc() {
        byte[] image = kernelImage(100, "FreeBSD 12.0");
        image[UImageHeader.SIZE + 50] ^= 0x01;

        UImageHeader h = UImageHeader.parse(image, 0).orElseThrow();
        assertThat(h.headerCrcOk()).isTrue();
        assertThat(h.dataCrcMatches(image, 0)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4, 63})
    void tooFewBytesForAHeaderParseToNothing(int length) {
        byte[] image = Arrays.copyOf(kernelImage(100, "x"), length);

        assertThat(UImageHeader.parse(image, 0)).isEmpty();
    }

    @Test
    void noMagicNoHeader() {
        byte[] image = kernelImage(100, "x");
        image[0] = 0x28;

        assertThat(UImageHeader.hasMagic(image, 0)).isFalse();
        assertThat(UImageHeader.parse(image, 0)).isEmpty();
        assertThat(UImageHeader.parse(image, -1)).isEmpty();
    }

    @Test
    void aHugeClaimedDataSizeIsTruncationNotACrash() {
        byte[] image = kernelImage(100, "x");
        UImageHeader h = UImageHeader.parse(image, 0).orElseThrow();
        UImageHeader huge = new UImageHeader(0, true, h.time(), 0xffffffffL, h.loadAddress(), h.entryPoint(), h.dataCrc(),
                h.os(), h.arch(), h.type(), h.compression(), h.name());
        System.arraycopy(huge.toBytes(), 0, image, 0, UImageHeader.SIZE);

        UImageHeader parsed = UImageHeader.parse(image, 0).orElseThrow();
        assertThat(parsed.headerCrcOk()).isTrue();
        assertThat(parsed.dataSize()).isEqualTo(0xffffffffL);
        assertThat(parsed.dataTruncated(image.length, 0)).isTrue();
        assertThat(parsed.dataCrcMatches(image, 0)).isFalse();
    }

    @Test
    void nameIsCutAt32BytesAndNonPrintableBytesAreReplaced() {
        byte[] image = kernelImage(10, "FreeBSD 0123456789012345678901234567890123456789");
        assertThat(UImageHeader.parse(image, 0).orElseThrow().name()).hasSize(32).startsWith("FreeBSD 0123");

        image[32] = 0x1b; // ESC
        assertThat(UImageHeader.parse(image, 0).orElseThrow().name()).startsWith("?reeBSD");
    }

    @ParameterizedTest
    @CsvSource({"mips,5", "mipsel,5", "mipshf,5", "mips64,6", "mips64el,6", "armv7,2", "armv6,2", "arm,2",
        "aarch64,22", "amd64,24", "i386,3", "powerpc,7", "powerpc64,7", "riscv64,26"})
    void machineArchMapsToTheUBootArchitecture(String machineArch, int arch) {
        assertThat(UImageHeader.archOfMachineArch(machineArch)).isEqualTo(OptionalInt.of(arch));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "sparc64", "vax", "  "})
    void unknownMachineArchHasNoArchitecture(String machineArch) {
        assertThat(UImageHeader.archOfMachineArch(machineArch)).isEmpty();
    }
}

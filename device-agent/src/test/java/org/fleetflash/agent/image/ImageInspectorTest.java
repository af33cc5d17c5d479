package org.fleetflash.agent.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.fleetflash.agent.sim.Profile;
import org.fleetflash.agent.sim.SimImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageInspectorTest {

    private static final Profile WDR = Profile.load("tl-wdr3600");

    @Test
    void recognisesARawImageItsKernelVersionAndRoot() {
        ImageInfo info = ImageInspector.inspect(SimImage.bytes(WDR, "11.0-r295681", 0));

        assertThat(info.format()).isEqualTo(ImageInfo.Format.UIMAGE_RAW);
        assertThat(info.size()).isEqualTo(WDR.imageSize());
        assertThat(info.version()).contains("11.0-r295681");
        ImageInfo.Kernel k = info.kernel().orElseThrow();
        assertThat(k.offset()).isZero();
        assertThat(k.header().name()).isEqualTo("FreeBSD 11.0-r295681");
        assertThat(k.header().archName()).isEqualTo("MIPS");
        assertThat(k.header().osName()).isEqualTo("FreeBSD");
        assertThat(k.header().headerCrcOk()).isTrue();
        assertThat(k.dataCrcOk()).isTrue();
        assertThat(info.rootMarkers()).containsExactly((long) SimImage.kernelLength(WDR));
        assertThat(info.tpLink()).isEmpty();
        assertThat(info.hardwareId()).isEmpty();
        assertThat(info.truncated()).isFalse();
    }

    @Test
    void recognisesATpLinkImageWithItsHardwareIdAndTheKernelBehindTheHeader() {
        ImageInfo info = ImageInspector.inspect(SimImage.bytes(WDR, "11.0-r2", 0, ImageInfo.Format.TPLINK));

        assertThat(info.format()).isEqualTo(ImageInfo.Format.TPLINK);
        assertThat(info.hardwareId()).hasValue(0x36000001L);
        assertThat(info.tpLinkMd5Ok()).isTrue();
        assertThat(info.kernel().orElseThrow().offset()).isEqualTo(512);
        assertThat(info.kernel().orElseThrow().dataCrcOk()).isTrue();
        assertThat(info.version()).contains("11.0-r2");
        assertThat(info.rootMarkers()).containsExactly((long) SimImage.kernelLength(WDR));
        assertThat(info.tpLink().orElseThrow().rootfsOffset()).isEqualTo(SimImage.kernelLength(WDR));
    }

    @Test
    void randomBytesAreUnknown() {
        byte[] random = new byte[7_900_000];
        new Random(3).nextBytes(random);

        ImageInfo info = ImageInspector.inspect(random);

        assertThat(info.format()).isEqualTo(ImageInfo.Format.UNKNOWN);
        assertThat(info.kernel()).isEmpty();
        assertThat(info.version()).isEmpty();
        assertThat(info.rootMarkers()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 63, 64, 511})
    void shortFilesAreUnknownOrTruncatedNeverACrash(int length) {
        byte[] cut = Arrays.copyOf(SimImage.bytes(WDR, "1.0", 0), length);

        ImageInfo info = ImageInspector.inspect(cut);

        if (length < UImageHeader.SIZE) {
            assertThat(info.format()).isEqualTo(ImageInfo.Format.UNKNOWN);
        } else {
            assertThat(info.format()).isEqualTo(ImageInfo.Format.UIMAGE_RAW);
            assertThat(info.truncated()).isTrue();
            assertThat(info.kernel().orElseThrow().dataCrcOk()).isFalse();
        }
    }

    @Test
    void aTpLinkImageCutShortIsTruncated() {
        byte[] img = SimImage.bytes(WDR, "1.0", 0, ImageInfo.Format.TPLINK);

        ImageInfo info = ImageInspector.inspect(Arrays.copyOf(img, img.length - 70_000));

        assertThat(info.truncated()).isTrue();
        assertThat(info.tpLinkMd5Ok()).isFalse();
    }

    @Test
    void theRootFileSystemsTableOfOffsetsTellsWhereTheImageMustEnd() {
        byte[] whole = SimImage.bytes(WDR, "2.0", 0);
        long root = ImageInspector.inspect(whole).rootMarkers().get(0);

        assertThat(UzipHeader.end(whole, root)).as("the table's last offset is the image's end").isEqualTo(whole.length);
        assertThat(ImageInspector.inspect(whole).truncated()).isFalse();
        assertThat(ImageInspector.inspect(Arrays.copyOf(whole, whole.length - 1)).truncated()).as("one byte missing").isTrue();
        assertThat(ImageInspector.inspect(Arrays.copyOf(whole, (int) root + 200)).truncated()).as("cut inside the table").isTrue();

        byte[] odd = whole.clone();
        odd[(int) root + UzipHeader.MAGIC_LENGTH + 3] = 7; // a block size GEOM_UZIP would refuse: no header, no verdict
        assertThat(UzipHeader.end(odd, root)).isEqualTo(-1);
    }

    @Test
    void findsMarkersOnlyAtBlockBoundaries() {
        byte[] img = SimImage.bytes(WDR, "1.0", 0);
        byte[] marker = ImageInspector.UZIP_PREAMBLE;
        System.arraycopy(marker, 0, img, 3 * 4096, marker.length);
        System.arraycopy(marker, 0, img, 5 * 4096 + 512, marker.length);

        assertThat(ImageInspector.inspect(img).rootMarkers()).containsExactly(3L * 4096, (long) SimImage.kernelLength(WDR));
    }

    @Test
    void versionComesFromTheKernelName() {
        assertThat(ImageInspector.versionOf("FreeBSD 11.0-r295681")).isEqualTo("11.0-r295681");
        assertThat(ImageInspector.versionOf("Linux-4.14.221")).isEqualTo("Linux-4.14.221");
    }

    @Test
    void inspectsASixteenMebibyteImageQuickly(@TempDir Path dir) throws Exception {
        Profile big = Profile.load("generic-16m");
        Path file = dir.resolve("fw.bin");
        SimImage.write(big, "12.4-x", big.spanEnd() - big.spanStart(), file);

        ImageInfo info = assertTimeoutPreemptively(Duration.ofSeconds(3), () -> ImageInspector.inspect(file));

        assertThat(info.format()).isEqualTo(ImageInfo.Format.UIMAGE_RAW);
        assertThat(info.rootMarkers()).containsExactly((long) SimImage.kernelLength(big));
    }

    @Test
    void aFileLargerThanAnyFlashIsNotRead(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("huge.bin");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(ImageInspector.MAX_IMAGE_SIZE + 1);
        }

        ImageInfo info = ImageInspector.inspect(file);

        assertThat(info.format()).isEqualTo(ImageInfo.Format.UNKNOWN);
        assertThat(info.size()).isEqualTo(Files.size(file));
    }
}

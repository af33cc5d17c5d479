package org.fleetflash.agent.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.fleetflash.agent.protocol.Partition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlashPlanTest {

    static final long EB = 65536;
    /** The TL-WDR3600 partitions as probed (reference sample: kernel 19 blocks). */
    static final List<Partition> WDR3600 = List.of(
            new Partition("u-boot", 0, 131072, true, 0, EB),
            new Partition("kernel", 131072, 1245184, false, 2, EB),
            new Partition("rootfs", 1376256, 6815744, false, 3, EB),
            new Partition("cfg", 8192000, 65536, false, 4, EB),
            new Partition("mib0", 8257536, 65536, true, 5, EB),
            new Partition("ART", 8323072, 65536, true, 6, EB));
    static final List<String> LAYOUT = List.of("kernel", "rootfs");

    @TempDir
    Path dir;

    Path image(long size) throws IOException {
        byte[] b = new byte[(int) size];
        new Random(size).nextBytes(b);
        Path p = dir.resolve("image-" + size + ".bin");
        Files.write(p, b);
        return p;
    }

    @Test
    void splitsTheImageAcrossTheSpanWithThePaddedLastBlock() throws Exception {
        long size = 7919104; // Eugene's image
        FlashPlan plan = FlashPlan.create(image(size), WDR3600, LAYOUT, EB);

        assertThat(plan.spanOffset()).isEqualTo(131072);
        assertThat(plan.spanSize()).isEqualTo(8060928);
        assertThat(plan.paddedSize()).isEqualTo(121 * EB);
        assertThat(plan.blocks()).isEqualTo(121);
        assertThat(plan.segments()).extracting(FlashPlan.Segment::partition).containsExactly("kernel", "rootfs");
        FlashPlan.Segment kernel = plan.segments().get(0);
        FlashPlan.Segment rootfs = plan.segments().get(1);
        assertThat(kernel.length()).isEqualTo(1245184);
        assertThat(kernel.blocks(EB)).isEqualTo(19);
        assertThat(rootfs.imageOffset()).isEqualTo(1245184);
        assertThat(rootfs.length()).isEqualTo(size - 1245184);
        assertThat(rootfs.paddedLength()).isEqualTo(102 * EB); // "101+1 records in / 102+0 records out"
    }

    @Test
    void digestsCoverTheImageAndItsPaddedSpan() throws Exception {
        Path img = image(200_000);
        FlashPlan plan = FlashPlan.create(img, WDR3600, LAYOUT, EB);
        byte[] bytes = Files.readAllBytes(img);
        byte[] padded = Arrays.copyOf(bytes, (int) plan.paddedSize()); // zero padding, as dd conv=sync

        assertThat(plan.imageSha256()).isEqualTo(sha256(bytes));
        assertThat(plan.paddedSha256()).isEqualTo(sha256(padded));
        assertThat(plan.segments()).hasSize(1);
        assertThat(plan.segments().get(0).paddedSha256()).isEqualTo(sha256(padded));
    }

    @Test
    void anImageFillingTheSpanExactlyFits() throws Exception {
        FlashPlan plan = FlashPlan.create(image(8060928), WDR3600, LAYOUT, EB);
        assertThat(plan.paddedSize()).isEqualTo(plan.spanSize());
    }

    @Test
    void refusesAnImageOneByteTooLarge() throws Exception {
        Path img = image(8060929);
        assertThatThrownBy(() -> FlashPlan.create(img, WDR3600, LAYOUT, EB))
                .isInstanceOfSatisfying(PlanRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(PlanRefusedException.Reason.IMAGE_TOO_LARGE))
                .hasMessageContaining("too large by 1 bytes");
    }

    @Test
    void refusesReadonlyUnknownNonContiguousAndMisalignedLayouts() throws Exception {
        Path img = image(100_000);
        assertThatThrownBy(() -> FlashPlan.create(img, WDR3600, List.of("u-boot", "kernel"), EB))
                .hasMessageContaining("u-boot is read-only");
        assertThatThrownBy(() -> FlashPlan.create(img, WDR3600, List.of("kernel", "firmware"), EB))
                .hasMessageContaining("no partition named firmware").hasMessageContaining("rootfs");
        assertThatThrownBy(() -> FlashPlan.create(img, WDR3600, List.of("kernel", "cfg"), EB))
                .hasMessageContaining("not contiguous");
        assertThatThrownBy(() -> FlashPlan.create(img, WDR3600, List.of("rootfs", "kernel"), EB))
                .hasMessageContaining("not contiguous");
        assertThatThrownBy(() -> FlashPlan.create(img, WDR3600, List.of("kernel", "kernel"), EB))
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> FlashPlan.create(img, WDR3600, List.of(), EB)).hasMessageContaining("names no partition");
        assertThatThrownBy(() -> FlashPlan.create(img, WDR3600, LAYOUT, 0)).hasMessageContaining("erase block");
        assertThatThrownBy(() -> FlashPlan.create(img, WDR3600, LAYOUT, 3 * EB))
                .isInstanceOfSatisfying(PlanRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(PlanRefusedException.Reason.MISALIGNED_PARTITION));
    }

    @Test
    void refusesAnEmptyImage() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.bin"));
        assertThatThrownBy(() -> FlashPlan.create(empty, WDR3600, LAYOUT, EB)).hasMessageContaining("empty");
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}

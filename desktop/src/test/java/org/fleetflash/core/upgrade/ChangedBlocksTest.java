package org.fleetflash.core.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.fleetflash.agent.plan.FlashPlan;
import org.fleetflash.agent.protocol.Partition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The blocks the flasher is told to write are exactly those where the padded image and the backup differ. */
class ChangedBlocksTest {

    private static final int EB = 4096;
    /** kernel: 4 blocks at 0x10000, rootfs: 8 blocks right after it. */
    private static final List<Partition> TABLE = List.of(
            new Partition("kernel", 0x10000, 4 * EB, false, 1, EB, ""),
            new Partition("rootfs", 0x10000 + 4 * EB, 8 * EB, false, 2, EB, ""));

    @TempDir
    Path dir;

    private byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Backup files of kernel and rootfs holding {@code span} (the flash as the backup read it). */
    private List<Path> backups(byte[] span) throws Exception {
        return List.of(Files.write(dir.resolve("kernel.bin"), Arrays.copyOfRange(span, 0, 4 * EB)),
                Files.write(dir.resolve("rootfs.bin"), Arrays.copyOfRange(span, 4 * EB, 12 * EB)));
    }

    private FlashPlan plan(Path image) throws Exception {
        return FlashPlan.create(image, TABLE, List.of("kernel", "rootfs"), EB);
    }

    @Test
    void listsTheBlocksThatDifferAcrossBothPartitionsAndNoOther() throws Exception {
        byte[] image = random(10 * EB - 100, 1); // 10 blocks, the last one padded with 0x00
        byte[] span = random(12 * EB, 2);
        System.arraycopy(image, 0, span, 0, image.length);
        Arrays.fill(span, image.length, 10 * EB, FlashPlan.PAD);
        span[2 * EB + 7] ^= 1;          // kernel block 2
        span[3 * EB + EB - 1] ^= 1;     // kernel block 3, its last byte
        span[4 * EB] ^= 1;              // rootfs block 0 = span block 4
        Path img = Files.write(dir.resolve("fw.bin"), image);

        assertThat(ChangedBlocks.of(plan(img), img, backups(span))).containsExactly(2L, 3L, 4L);
    }

    @Test
    void theZeroPaddingOfTheLastBlockIsPartOfTheComparison() throws Exception {
        byte[] image = random(10 * EB - 100, 3);
        byte[] span = random(12 * EB, 4);
        System.arraycopy(image, 0, span, 0, image.length); // the padding area still holds old bytes
        Path img = Files.write(dir.resolve("fw.bin"), image);

        assertThat(ChangedBlocks.of(plan(img), img, backups(span))).containsExactly(9L);
    }

    @Test
    void aFlashAlreadyHoldingTheImageGivesAnEmptyListAndANewFlashEveryBlock() throws Exception {
        byte[] image = random(10 * EB, 5);
        byte[] span = Arrays.copyOf(image, 12 * EB);
        Path img = Files.write(dir.resolve("fw.bin"), image);
        assertThat(ChangedBlocks.of(plan(img), img, backups(span))).isEmpty();

        byte[] erased = new byte[12 * EB];
        Arrays.fill(erased, (byte) 0xFF);
        assertThat(ChangedBlocks.of(plan(img), img, backups(erased))).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    }

    @Test
    void blocksTheBackupDoesNotCoverCountAsChanged() throws Exception {
        byte[] image = random(10 * EB, 6);
        Path img = Files.write(dir.resolve("fw.bin"), image);
        List<Path> shortBackups = List.of(Files.write(dir.resolve("kernel.bin"), Arrays.copyOfRange(image, 0, 4 * EB)),
                Files.write(dir.resolve("rootfs.bin"), Arrays.copyOfRange(image, 4 * EB, 8 * EB + 10)));

        assertThat(ChangedBlocks.of(plan(img), img, shortBackups)).containsExactly(8L, 9L);
    }

    @Test
    void refusesAnImageOtherThanThePlannedOneAndBackupsThatAreNotTheLayout() throws Exception {
        Path img = Files.write(dir.resolve("fw.bin"), random(10 * EB, 7));
        FlashPlan plan = plan(img);
        List<Path> backups = backups(new byte[12 * EB]);
        Files.write(img, random(10 * EB + 1, 7));
        assertThatThrownBy(() -> ChangedBlocks.of(plan, img, backups)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the plan " + 10 * EB);
        Files.write(img, random(10 * EB, 70)); // the planned size, other bytes
        assertThatThrownBy(() -> ChangedBlocks.of(plan, img, backups)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no longer the one planned");
        assertThatThrownBy(() -> ChangedBlocks.of(plan, img, backups.subList(0, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kernel, rootfs");
    }

    @Test
    void theStageConfCarriesTheListAsRangesAndNothingWhenUnknown() throws Exception {
        Path img = Files.write(dir.resolve("fw.bin"), random(10 * EB, 8));
        FlashPlan plan = plan(img);
        StageConf listed = new StageConf(plan, StageConf.Transport.SSH, "", "", "127.0.0.1", 9, "0".repeat(32), 1, "",
                List.of(0L, 1L, 2L, 5L, 7L, 8L, 9L));
        assertThat(listed.value("FF_CHANGED")).isEqualTo("0-2 5 7-9");
        assertThat(listed.text()).contains("FF_CHANGED='0-2 5 7-9'\n");
        StageConf unknown = new StageConf(plan, StageConf.Transport.SSH, "", "", "127.0.0.1", 9, "0".repeat(32), 1, "");
        assertThat(unknown.value("FF_CHANGED")).isEmpty();
        assertThatThrownBy(() -> StageConf.ranges(List.of(3L, 2L), 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StageConf.ranges(List.of(10L), 10)).isInstanceOf(IllegalArgumentException.class);
    }
}

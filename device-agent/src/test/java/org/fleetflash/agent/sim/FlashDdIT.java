package org.fleetflash.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fleetflash.agent.sim.SandboxShell.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** dd on $FF_ROOT/dev/map/NAME: offsets, bounds, erase-block alignment and readonly hints, as GEOM_MAP and mx25l enforce them. */
class FlashDdIT {

    private static final int EB = 65536;

    @TempDir
    Path dir;
    private Sandbox sandbox;
    private SandboxShell sh;
    private byte[] block;

    @BeforeEach
    void boot() throws Exception {
        sandbox = Sandbox.create(dir.resolve("r1"), Profile.load("tl-wdr3600").unthrottled(), Shell.DASH, "r1");
        sh = new SandboxShell(sandbox);
        block = new byte[EB];
        new Random(7).nextBytes(block);
        Files.write(sandbox.root().resolve("tmp/blk"), block);
    }

    @AfterEach
    void shutDown() throws Exception {
        sandbox.close();
        SandboxShell.deleteAll(dir);
    }

    @Test
    void writeLandsAtThePartitionOffsetPlusSeek() throws Exception {
        Result r = sh.run("dd if=\"$FF_ROOT/tmp/blk\" of=\"$FF_ROOT/dev/map/rootfs\" bs=65536 seek=3 conv=sync");

        assertThat(r.exit()).isZero();
        assertThat(r.err()).startsWith("1+0 records in\n1+0 records out\n65536 bytes transferred in ");
        byte[] flash = Files.readAllBytes(sandbox.flashFile());
        int at = 1_376_256 + 3 * EB;
        assertThat(Arrays.copyOfRange(flash, at, at + EB)).isEqualTo(block);
    }

    @Test
    void writeChangesNothingOutsideTheTargetBlock() throws Exception {
        byte[] before = Files.readAllBytes(sandbox.flashFile());

        sh.run("dd if=\"$FF_ROOT/tmp/blk\" of=\"$FF_ROOT/dev/map/cfg\" bs=65536");

        byte[] after = Files.readAllBytes(sandbox.flashFile());
        int cfg = 0x7d0000;
        assertThat(Arrays.equals(before, 0, cfg, after, 0, cfg)).isTrue();
        assertThat(Arrays.equals(before, cfg + EB, before.length, after, cfg + EB, after.length)).isTrue();
        assertThat(Arrays.copyOfRange(after, cfg, cfg + EB)).isEqualTo(block);
    }

    @Test
    void readReturnsThePartitionsBytes() throws Exception {
        Result r = sh.run("dd if=\"$FF_ROOT/dev/map/kernel\" of=\"$FF_ROOT/tmp/k\" bs=65536");

        assertThat(r.err()).startsWith("19+0 records in\n19+0 records out\n1245184 bytes transferred in ");
        byte[] flash = Files.readAllBytes(sandbox.flashFile());
        assertThat(Files.readAllBytes(sandbox.root().resolve("tmp/k"))).isEqualTo(Arrays.copyOfRange(flash, 0x20000, 0x20000 + 1_245_184));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "past the end | dd if=\"$FF_ROOT/tmp/blk\" of=\"$FF_ROOT/dev/map/cfg\" bs=65536 seek=1 | dd: /dev/map/cfg: Invalid argument",
            "unaligned | dd if=\"$FF_ROOT/tmp/blk\" of=\"$FF_ROOT/dev/map/rootfs\" bs=4096 count=1 | dd: /dev/map/rootfs: Input/output error",
            "half-block obs | dd if=\"$FF_ROOT/tmp/blk\" of=\"$FF_ROOT/dev/map/kernel\" ibs=65536 obs=32768 count=1 | dd: /dev/map/kernel: Input/output error",
            "readonly | dd if=\"$FF_ROOT/tmp/blk\" of=\"$FF_ROOT/dev/map/u-boot\" bs=65536 | dd: /dev/map/u-boot: Operation not permitted",
            "readonly ART | dd if=\"$FF_ROOT/tmp/blk\" of=\"$FF_ROOT/dev/map/ART\" bs=65536 | dd: /dev/map/ART: Operation not permitted",
    })
    void refusedWriteFailsWithFreeBsdsMessageAndChangesNothing(String what, String command, String message) throws Exception {
        byte[] before = Files.readAllBytes(sandbox.flashFile());

        Result r = sh.run(command);

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith(message + "\n");
        assertThat(Files.readAllBytes(sandbox.flashFile())).isEqualTo(before);
    }

    @Test
    void refusedAtOpenPrintsNoSummary() throws Exception {
        Result r = sh.run("dd if=\"$FF_ROOT/tmp/blk\" of=\"$FF_ROOT/dev/map/mib0\" bs=65536");

        assertThat(r.err()).isEqualTo("dd: /dev/map/mib0: Operation not permitted\n");
    }

    @Test
    void failedWritePrintsTheSummaryAfterTheError() throws Exception {
        Result r = sh.run("dd if=\"$FF_ROOT/tmp/blk\" of=\"$FF_ROOT/dev/map/rootfs\" bs=4096 count=1");

        assertThat(r.err()).startsWith("dd: /dev/map/rootfs: Input/output error\n1+0 records in\n0+0 records out\n0 bytes transferred in ");
    }

    @Test
    void readPastTheEndIsInvalid() throws Exception {
        Result r = sh.run("dd if=\"$FF_ROOT/dev/map/cfg\" of=/dev/null bs=65536 skip=1 count=1");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("dd: /dev/map/cfg: Invalid argument\n");
    }

    @Test
    void imageWrittenAcrossKernelAndRootfsBootsAfterRestart() throws Exception {
        Profile p = sandbox.profile();
        Files.write(sandbox.root().resolve("tmp/newimage"), SimImage.bytes(p, "2.0", 0));

        // the kernel fills its 19 blocks exactly; the rest goes to rootfs, the short last block padded
        Result r = sh.run("img=\"$FF_ROOT/tmp/newimage\"; "
                + "dd if=\"$img\" of=\"$FF_ROOT/dev/map/kernel\" bs=65536 count=19 conv=sync && "
                + "dd if=\"$img\" of=\"$FF_ROOT/dev/map/rootfs\" bs=65536 skip=19 conv=sync");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("19+0 records in\n19+0 records out\n1245184 bytes transferred in ",
                "101+1 records in\n102+0 records out\n6684672 bytes transferred in ");
        assertThat(SimImage.bootableVersion(p, sandbox.flashFile())).contains("2.0");
        sandbox.close();
        sandbox = Sandbox.create(dir.resolve("r1"), p, Shell.DASH, "r1");
        assertThat(sandbox.layout().slice("rootfs").orElseThrow().offset()).isEqualTo(1_376_256L);
    }

    @Test
    void writeIsThrottledToTheProfilesSpeed() throws Exception {
        sandbox.close();
        sandbox = Sandbox.create(dir.resolve("slow"), Profile.load("tl-wdr3600").withFlashSpeed(0, 262_144), Shell.DASH, "slow");
        sh = new SandboxShell(sandbox);
        Files.write(sandbox.root().resolve("tmp/blk"), block);

        long t0 = System.nanoTime();
        Result r = sh.run("dd if=\"$FF_ROOT/tmp/blk\" of=\"$FF_ROOT/dev/map/cfg\" bs=65536");
        long ms = (System.nanoTime() - t0) / 1_000_000;

        assertThat(r.exit()).isZero();
        assertThat(ms).isGreaterThanOrEqualTo(240);
    }

    @Test
    void throttledCopiesTakeAtLeastTheirBytesOverTheSpeedAndSayHowLong() throws Exception {
        sandbox.close();
        sandbox = Sandbox.create(dir.resolve("slow2"), Profile.load("tl-wdr3600").withFlashSpeed(262_144, 524_288), Shell.DASH, "slow2");
        sh = new SandboxShell(sandbox);
        byte[] eight = new byte[8 * EB];
        new Random(11).nextBytes(eight);
        Files.write(sandbox.root().resolve("tmp/eight"), eight);

        // 512 KiB written at 512 KiB/s, then 256 KiB read at 256 KiB/s: at least a second each (lower bounds only)
        long t0 = System.nanoTime();
        Result w = sh.run("dd if=\"$FF_ROOT/tmp/eight\" of=\"$FF_ROOT/dev/map/rootfs\" bs=65536 seek=2");
        long writeMs = (System.nanoTime() - t0) / 1_000_000;
        long t1 = System.nanoTime();
        Result r = sh.run("dd if=\"$FF_ROOT/dev/map/rootfs\" of=\"$FF_ROOT/tmp/back\" bs=65536 skip=2 count=4");
        long readMs = (System.nanoTime() - t1) / 1_000_000;

        assertThat(w.exit()).as(w.err()).isZero();
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(writeMs).isGreaterThanOrEqualTo(1000);
        assertThat(readMs).isGreaterThanOrEqualTo(1000);
        // the summary's time covers the wait too (its clock steps by 10 ms)
        assertThat(w.err()).startsWith("8+0 records in\n8+0 records out\n524288 bytes transferred in ");
        assertThat(secs(w.err())).isGreaterThanOrEqualTo(0.99);
        assertThat(secs(r.err())).isGreaterThanOrEqualTo(0.99);
        assertThat(Files.readAllBytes(sandbox.root().resolve("tmp/back"))).isEqualTo(Arrays.copyOf(eight, 4 * EB));
    }

    private static double secs(String summary) {
        Matcher m = Pattern.compile("bytes transferred in ([0-9]+\\.[0-9]{6}) secs").matcher(summary);
        assertThat(m.find()).as(summary).isTrue();
        return Double.parseDouble(m.group(1));
    }
}

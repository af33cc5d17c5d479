package org.fleetflash.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.fleetflash.agent.image.ImageInfo;
import org.fleetflash.agent.image.ImageInspector;
import org.fleetflash.agent.image.UImageHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SimImageTest {

    private static byte[] flashWith(Profile p, byte[] image) {
        byte[] flash = Sandbox.initialFlash(p, "r1");
        Arrays.fill(flash, (int) p.spanStart(), (int) p.spanEnd(), (byte) 0xff);
        System.arraycopy(image, 0, flash, (int) p.spanStart(), image.length);
        return flash;
    }

    @ParameterizedTest
    @ValueSource(strings = {"tl-wdr3600", "tl-wdr3600-stripped", "generic-16m"})
    void newRouterBootsTheProfilesInitialVersion(String name) {
        Profile p = Profile.load(name);

        assertThat(SimImage.bootableVersion(p, Sandbox.initialFlash(p, "r1"))).contains(p.firmwareVersion());
    }

    @Test
    void bootsAnImageWrittenOverTheSpan() {
        Profile p = Profile.load("tl-wdr3600");

        assertThat(SimImage.bootableVersion(p, flashWith(p, SimImage.bytes(p, "2.0", 0)))).contains("2.0");
    }

    @Test
    void rootfsStartsWithTheUzipMarkerWhereTheSearchFindsIt() {
        Profile p = Profile.load("tl-wdr3600");
        byte[] img = SimImage.bytes(p, "2.0", 0);

        FlashLayout layout = FlashLayout.resolve(p, flashWith(p, img));

        assertThat(new String(img, SimImage.kernelLength(p), 9, StandardCharsets.US_ASCII)).isEqualTo("#!/bin/sh");
        assertThat(layout.slice("kernel").orElseThrow().size()).isEqualTo(1_245_184L);
        assertThat(layout.slice("rootfs").orElseThrow().offset()).isEqualTo(1_376_256L);
        assertThat(layout.slice("rootfs").orElseThrow().end()).isEqualTo(0x7d0000L);
    }

    @Test
    void aCorruptedByteMakesTheFlashUnbootable() {
        Profile p = Profile.load("tl-wdr3600");
        byte[] flash = flashWith(p, SimImage.bytes(p, "2.0", 0));
        flash[(int) p.spanStart() + 3_000_000] ^= 0x01;

        assertThat(SimImage.bootableVersion(p, flash)).isEmpty();
    }

    @Test
    void anErasedSpanIsNotBootable() {
        Profile p = Profile.load("tl-wdr3600");
        byte[] flash = Sandbox.initialFlash(p, "r1");
        Arrays.fill(flash, (int) p.spanStart(), (int) p.spanEnd(), (byte) 0xff);

        assertThat(SimImage.bootableVersion(p, flash)).isEmpty();
        assertThat(FlashLayout.resolve(p, flash).slice("kernel")).isEmpty();
    }

    @Test
    void twoVersionsDifferInEveryEraseBlock() {
        Profile p = Profile.load("tl-wdr3600");
        byte[] a = SimImage.bytes(p, "1.0", 0);
        byte[] b = SimImage.bytes(p, "1.1", 0);
        int eb = p.eraseBlock();

        for (int off = 0; off < a.length; off += eb) {
            int end = Math.min(a.length, off + eb);
            assertThat(Arrays.equals(a, off, end, b, off, end)).as("block at %d differs", off).isFalse();
        }
    }

    @Test
    void restampedImageDiffersOnlyInTheHeaderBlockAndTheChangedTail() {
        Profile p = Profile.load("tl-wdr3600");
        int eb = p.eraseBlock();
        byte[] a = SimImage.bytes(p, "1.0", 0);
        byte[] changed = a.clone();
        int tailStart = (a.length / eb - 2) * eb;
        for (int i = tailStart; i < changed.length; i++) {
            changed[i] = (byte) ~changed[i];
        }
        byte[] b = SimImage.restamp(p, changed, "1.1");

        for (int off = 0; off < a.length; off += eb) {
            int end = Math.min(a.length, off + eb);
            boolean same = Arrays.equals(a, off, end, b, off, end);
            assertThat(same).as("block at %d", off).isEqualTo(off != 0 && off < tailStart);
        }
        assertThat(SimImage.bootableVersion(p, flashWith(p, b))).contains("1.1");
    }

    @Test
    void sameVersionWithAChangedTailDiffersOnlyInTheTail() {
        Profile p = Profile.load("tl-wdr3600");
        int eb = p.eraseBlock();
        byte[] a = SimImage.bytes(p, "2.0", 0);
        byte[] changed = a.clone();
        int tailStart = (a.length / eb - 9) * eb; // the last 10 erase blocks (the last one is partial)
        for (int i = tailStart; i < changed.length; i++) {
            changed[i] = (byte) ~changed[i];
        }
        byte[] b = SimImage.restamp(p, changed, "2.0");

        for (int off = 0; off < a.length; off += eb) {
            int end = Math.min(a.length, off + eb);
            assertThat(Arrays.equals(a, off, end, b, off, end)).as("block at %d", off).isEqualTo(off < tailStart);
        }
        assertThat(SimImage.bootableVersion(p, flashWith(p, b))).contains("2.0");
        assertThat(SimImage.bootableVersion(p, flashWith(p, changed))).as("the trailer guards the tail").isEmpty();
    }

    @Test
    void withChangedTailChangesExactlyTheLastBlocksAndStillBoots() {
        Profile p = Profile.load("tl-wdr3600");
        int eb = p.eraseBlock();
        byte[] a = SimImage.bytes(p, "3.0", 0);
        byte[] b = SimImage.withChangedTail(p, a, 10);
        int blocks = (a.length + eb - 1) / eb;
        int differing = 0;
        for (int i = 0; i < blocks; i++) {
            int off = i * eb;
            int end = Math.min(a.length, off + eb);
            if (!Arrays.equals(a, off, end, b, off, end)) {
                differing++;
                assertThat(i).as("a changed block lies in the tail").isGreaterThanOrEqualTo(blocks - 10);
            }
        }
        assertThat(differing).isEqualTo(10);
        assertThat(SimImage.bootableVersion(p, flashWith(p, b))).contains("3.0");
    }

    @Test
    void sameSeedGivesTheSameBytesAfterTheHeader() {
        Profile p = Profile.load("generic-16m");
        byte[] a = SimImage.bytes(p, "1.0", 0, 42);
        byte[] b = SimImage.bytes(p, "1.1", 0, 42);

        assertThat(Arrays.equals(a, SimImage.HEADER_SIZE, a.length, b, SimImage.HEADER_SIZE, b.length)).isTrue();
    }

    @Test
    void writesTheImageFileAndReadsItBackFromAFlashFile(@TempDir Path dir) throws Exception {
        Profile p = Profile.load("generic-16m");
        Path img = dir.resolve("fw.bin");
        SimImage.write(p, "12.4-gw16m-2", 0, img);
        Path flash = dir.resolve("flash.bin");
        Files.write(flash, flashWith(p, Files.readAllBytes(img)));

        assertThat(Files.size(img)).isEqualTo(p.imageSize());
        assertThat(SimImage.bootableVersion(p, flash)).contains("12.4-gw16m-2");
    }

    @Test
    void refusesAnImageLargerThanTheSpan() {
        Profile p = Profile.load("tl-wdr3600");

        assertThatThrownBy(() -> SimImage.bytes(p, "1.0", p.spanEnd() - p.spanStart() + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("layout span");
    }

    @Test
    void otherPartitionsCarryAPatternThatDiffersPerRouterAndPartition() {
        Profile p = Profile.load("tl-wdr3600");
        byte[] r1 = Sandbox.initialFlash(p, "r1");
        byte[] r2 = Sandbox.initialFlash(p, "r2");
        int art = 0x7f0000;
        int cfg = 0x7d0000;

        assertThat(Arrays.equals(r1, art, art + 0x10000, r2, art, art + 0x10000)).isFalse();
        assertThat(Arrays.equals(r1, art, art + 0x10000, r1, cfg, cfg + 0x10000)).isFalse();
        assertThat(new String(r1, art, 7, StandardCharsets.US_ASCII)).isEqualTo("ART@r1\n");
    }

    @Test
    void anImageStartsWithAUBootKernelHeaderForTheProfilesCpu() {
        Profile p = Profile.load("generic-16m");
        byte[] img = SimImage.bytes(p, "12.4-gw16m-2", 0);

        UImageHeader h = UImageHeader.parse(img, 0).orElseThrow();

        assertThat(h.headerCrcOk()).isTrue();
        assertThat(h.dataCrcMatches(img, 0)).isTrue();
        assertThat(h.imageTypeLine()).isEqualTo("MIPS FreeBSD Kernel Image (lzma compressed)");
        assertThat(h.name()).isEqualTo("FreeBSD 12.4-gw16m-2");
        assertThat(UImageHeader.SIZE + h.dataSize()).isEqualTo(SimImage.kernelLength(p) - SimImage.KERNEL_PAD);
        assertThat(new String(img, SimImage.kernelLength(p), 16, StandardCharsets.US_ASCII)).isEqualTo("#!/bin/sh\n#L3.0\n");
    }

    @Test
    void randomBytesOverTheSpanDoNotBoot() {
        Profile p = Profile.load("tl-wdr3600");
        byte[] random = new byte[7_000_000];
        new Random(2).nextBytes(random);

        SimBoot.Result r = SimBoot.boot(p, flashWith(p, random));

        assertThat(r.booted()).isFalse();
        assertThat(r.console()).containsExactly("## Booting kernel from Legacy Image at 9f020000 ...", "Bad Magic Number",
                "ERROR: can't get kernel image!");
    }

    @Test
    void aTlWdr3600KernelHangsOnTheSixteenMegabyteBoardAfterStartingKernel() {
        Profile g16 = Profile.load("generic-16m");
        byte[] foreign = SimImage.bytes(Profile.load("tl-wdr3600"), "11.0-r295681", 0);

        SimBoot.Result r = SimBoot.boot(g16, flashWith(g16, foreign));

        assertThat(r.booted()).isFalse();
        assertThat(r.console()).contains("## Booting kernel from Legacy Image at bc050000 ...", "   Load Address: 80050000",
                "   Verifying Checksum ... OK");
        assertThat(r.console().stream().filter(l -> !l.isBlank()).reduce((a, b) -> b)).contains("Starting kernel ...");
    }

    @Test
    void aKernelForTheBoardWithoutItsRootStopsAtMountroot() {
        Profile g16 = Profile.load("generic-16m");
        byte[] image = SimImage.bytes(g16, "12.4-noroot", 0);
        image[(int) (0x250000 - g16.spanStart())] ^= 1; // the root's mkuzip header at the fixed boundary, spoilt

        SimBoot.Result r = SimBoot.boot(g16, flashWith(g16, image));

        assertThat(r.booted()).isFalse();
        assertThat(r.console()).contains("   Load Address: 80001000", "Starting kernel ...",
                "Mounting from ufs:map/rootfs.uncompress failed with error 19.");
        assertThat(r.console().get(r.console().size() - 1)).isEqualTo("mountroot>");
    }

    @Test
    void aValidImageBootsAndTheConsoleShowsItsKernel() {
        Profile p = Profile.load("tl-wdr3600");

        SimBoot.Result r = SimBoot.boot(p, flashWith(p, SimImage.bytes(p, "11.0-r295681", 0)));

        assertThat(r.version()).contains("11.0-r295681");
        assertThat(r.console()).contains("   Image Name:   FreeBSD 11.0-r295681",
                "   Image Type:   MIPS FreeBSD Kernel Image (lzma compressed)", "   Load Address: 80050000",
                "   Entry Point:  80050100", "   Verifying Checksum ... OK", "Starting kernel ...",
                "Trying to mount root from ufs:map/rootfs.uncompress []...");
    }

    @Test
    void eachBootLoaderCheckStopsTheBootWithUBootsMessage() {
        Profile p = Profile.load("tl-wdr3600");
        byte[] good = SimImage.bytes(p, "2.0", 0);
        byte[] badData = good.clone();
        badData[70_000] ^= 0x10;

        assertThat(SimBoot.boot(p, flashWith(p, SimImage.withCorruptHeader(good))).console()).contains("Bad Header Checksum");
        assertThat(SimBoot.boot(p, flashWith(p, badData)).console()).contains("   Verifying Checksum ... Bad Data CRC");
        assertThat(SimBoot.boot(p, flashWith(p, SimImage.withKernelArch(good, UImageHeader.ARCH_ARM))).console())
                .contains("Unsupported Architecture 0x2", "ERROR: can't get kernel image!");
        assertThat(SimImage.bootableVersion(p, flashWith(p, badData))).isEmpty();
    }

    @Test
    void aTpLinkImageBootsOnlyOnABoardWithItsHardwareId() {
        Profile p = Profile.load("tl-wdr3600");
        Profile wdr4300 = Profile.parse("tl-wdr4300", PROFILE_TEXT.replace("board.hwid=0x36000001", "board.hwid=0x43000001"));
        byte[] img = SimImage.bytes(p, "2.0", 0, ImageInfo.Format.TPLINK);

        SimBoot.Result here = SimBoot.boot(p, flashWith(p, img));
        SimBoot.Result there = SimBoot.boot(wdr4300, flashWith(wdr4300, img));

        assertThat(here.version()).contains("2.0");
        assertThat(here.console()).first().isEqualTo("## Booting kernel from Legacy Image at 9f020200 ...");
        assertThat(there.booted()).isFalse();
        assertThat(there.console()).containsExactly("Firmware header: hardware id 0x36000001, this board is 0x43000001: not booting it");
    }

    @Test
    void aTpLinkImageWithAChangedTailKeepsItsFormatAndBoots() {
        Profile p = Profile.load("tl-wdr3600");
        byte[] a = SimImage.bytes(p, "2.0", 0, ImageInfo.Format.TPLINK);

        byte[] b = SimImage.withChangedTail(p, a, 3);

        ImageInfo info = ImageInspector.inspect(b);
        assertThat(info.format()).isEqualTo(ImageInfo.Format.TPLINK);
        assertThat(info.tpLinkMd5Ok()).isTrue();
        assertThat(SimImage.bootableVersion(p, flashWith(p, b))).contains("2.0");
    }

    @Test
    void changingTheTailLeavesTheKernelAndItsCrcAlone() {
        Profile p = Profile.load("tl-wdr3600");
        byte[] a = SimImage.bytes(p, "2.0", 0);

        byte[] b = SimImage.withChangedTail(p, a, 10);

        int k = SimImage.kernelLength(p);
        assertThat(Arrays.equals(a, 0, k, b, 0, k)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-1", "a b", "123456789012345678901234"})
    void refusesAVersionThatDoesNotFitTheKernelName(String version) {
        Profile p = Profile.load("tl-wdr3600");

        assertThatThrownBy(() -> SimImage.bytes(p, version, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("U-Boot image name");
    }

    @Test
    void theLongestVersionFitsTheName() {
        Profile p = Profile.load("tl-wdr3600");
        String v = "12345678901234567890123";

        assertThat(SimImage.bootableVersion(p, flashWith(p, SimImage.bytes(p, v, 0)))).contains(v);
    }

    @Test
    void aProfileWithoutAHardwareIdTakesNoTpLinkImage() {
        Profile p = Profile.load("generic-16m");

        assertThatThrownBy(() -> SimImage.bytes(p, "1.0", 0, ImageInfo.Format.TPLINK)).hasMessageContaining("board.hwid");
    }

    private static final String PROFILE_TEXT = readProfile("tl-wdr3600");

    private static String readProfile(String name) {
        try (var in = Profile.class.getResourceAsStream("/org/fleetflash/agent/sim/profiles/" + name + ".profile")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

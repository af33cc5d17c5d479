package org.fleetflash.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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
}

package org.fleetflash.agent.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.fleetflash.agent.sim.Profile;
import org.fleetflash.agent.sim.SimImage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
  * Compares {@link UImageHeader} with U-Boot's own mkimage (Debian package u-boot-tools) in both
  * directions: an image mkimage makes parses with every field and both CRCs right, and an image
  * this code writes is listed by mkimage as the kernel it is.
  */
class MkImageIT {

    private static final long BUILD_TIME = 1455019211L;

    @TempDir
    Path dir;

    @BeforeAll
    static void mkimageIsInstalled() {
        assertThat(Path.of("/usr/bin/mkimage")).as("mkimage from u-boot-tools (apt-get install u-boot-tools)").isExecutable();
    }

    private record Run(int exit, String out) {}

    private static Run run(List<String> cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SOURCE_DATE_EPOCH", Long.toString(BUILD_TIME));
        pb.environment().put("TZ", "UTC");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("mkimage finished").isTrue();
        return new Run(p.exitValue(), out);
    }

    @Test
    void parsesAnImageMkimageMade() throws Exception {
        byte[] data = new byte[300_000];
        new Random(5).nextBytes(data);
        Path in = Files.write(dir.resolve("kernel.lzma"), data);
        Path out = dir.resolve("kernel.uimg");

        Run r = run(List.of("mkimage", "-A", "mips", "-O", "freebsd", "-T", "kernel", "-C", "lzma", "-a", "0x80050000",
                "-e", "0x80050100", "-n", "FreeBSD 11.0-r295681", "-d", in.toString(), out.toString()));

        assertThat(r.exit()).as(r.out()).isZero();
        byte[] image = Files.readAllBytes(out);
        UImageHeader h = UImageHeader.parse(image, 0).orElseThrow();
        CRC32 crc = new CRC32();
        crc.update(data);
        assertThat(h.headerCrcOk()).isTrue();
        assertThat(h.dataCrcMatches(image, 0)).isTrue();
        assertThat(h.dataCrc()).isEqualTo(crc.getValue());
        assertThat(h.dataSize()).isEqualTo(data.length);
        assertThat(h.time()).isEqualTo(BUILD_TIME);
        assertThat(h.loadAddress()).isEqualTo(0x80050000L);
        assertThat(h.entryPoint()).isEqualTo(0x80050100L);
        assertThat(h.os()).isEqualTo(UImageHeader.OS_FREEBSD);
        assertThat(h.arch()).isEqualTo(UImageHeader.ARCH_MIPS);
        assertThat(h.type()).isEqualTo(UImageHeader.TYPE_KERNEL);
        assertThat(h.compression()).isEqualTo(UImageHeader.COMP_LZMA);
        assertThat(h.name()).isEqualTo("FreeBSD 11.0-r295681");
        assertThat(h.imageTypeLine()).isEqualTo("MIPS FreeBSD Kernel Image (lzma compressed)");
        assertThat(r.out()).contains("Image Type:   " + h.imageTypeLine());
    }

    @Test
    void mkimageCodesForOtherArchitecturesMatchOurs() throws Exception {
        Path in = Files.write(dir.resolve("k"), new byte[1000]);
        String[][] cases = {{"arm", "2"}, {"arm64", "22"}, {"x86_64", "24"}, {"powerpc", "7"}, {"mips64", "6"}, {"x86", "3"}};
        for (String[] c : cases) {
            Path out = dir.resolve("k-" + c[0]);
            Run r = run(List.of("mkimage", "-A", c[0], "-O", "freebsd", "-T", "kernel", "-C", "gzip", "-a", "0", "-e", "0",
                    "-n", "k", "-d", in.toString(), out.toString()));
            assertThat(r.exit()).as(r.out()).isZero();
            UImageHeader h = UImageHeader.parse(Files.readAllBytes(out), 0).orElseThrow();
            assertThat(h.arch()).as(c[0]).isEqualTo(Integer.parseInt(c[1]));
            assertThat(h.compression()).isEqualTo(UImageHeader.COMP_GZIP);
            assertThat(r.out()).contains("Image Type:   " + h.imageTypeLine());
        }
    }

    @Test
    void mkimageListsTheKernelOfASimulatedImageAsWeWroteIt() throws Exception {
        Profile p = Profile.load("tl-wdr3600");
        byte[] sim = SimImage.bytes(p, "11.0-r295681", 0);
        UImageHeader h = UImageHeader.parse(sim, 0).orElseThrow();
        // mkimage -l verifies a file that is exactly header + data: cut the kernel out of the image
        Path kernel = Files.write(dir.resolve("kernel.uimg"), java.util.Arrays.copyOf(sim, (int) (UImageHeader.SIZE + h.dataSize())));

        Run r = run(List.of("mkimage", "-l", kernel.toString()));

        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(lines(r.out())).contains(
                "Image Name:   FreeBSD 11.0-r295681",
                "Created:      Tue Feb  9 12:00:11 2016",
                "Image Type:   MIPS FreeBSD Kernel Image (lzma compressed)",
                "Load Address: 80050000",
                "Entry Point:  80050100");
        assertThat(r.out()).contains("Data Size:    " + h.dataSize() + " Bytes");
    }

    @Test
    void mkimageRejectsWhatOurParserRejects() throws Exception {
        byte[] data = new byte[4000];
        new Random(9).nextBytes(data);
        byte[] image = new byte[UImageHeader.SIZE + data.length];
        System.arraycopy(data, 0, image, UImageHeader.SIZE, data.length);
        UImageHeader h = UImageHeader.describing(UImageHeader.OS_FREEBSD, UImageHeader.ARCH_MIPS, UImageHeader.TYPE_KERNEL,
                UImageHeader.COMP_NONE, 0x80050000L, 0x80050100L, BUILD_TIME, "FreeBSD 12.0", image, UImageHeader.SIZE, data.length);
        System.arraycopy(h.toBytes(), 0, image, 0, UImageHeader.SIZE);
        byte[] badHeader = image.clone();
        badHeader[40] ^= 1;
        byte[] badData = image.clone();
        badData[2000] ^= 1;

        Run good = run(List.of("mkimage", "-l", Files.write(dir.resolve("good"), image).toString()));
        Run hdr = run(List.of("mkimage", "-l", Files.write(dir.resolve("hdr"), badHeader).toString()));
        Run dat = run(List.of("mkimage", "-l", Files.write(dir.resolve("dat"), badData).toString()));

        assertThat(good.out()).contains("Image Name:   FreeBSD 12.0", "Image Type:   MIPS FreeBSD Kernel Image (uncompressed)");
        // mkimage does not take a file whose CRCs fail for a legacy image (it tries other formats and prints no kernel)
        assertThat(hdr.out()).doesNotContain("FreeBSD Kernel Image");
        assertThat(dat.out()).doesNotContain("FreeBSD Kernel Image");
        assertThat(UImageHeader.parse(badHeader, 0).orElseThrow().headerCrcOk()).isFalse();
        assertThat(UImageHeader.parse(badData, 0).orElseThrow().dataCrcMatches(badData, 0)).isFalse();
    }

    private static List<String> lines(String out) {
        return new ArrayList<>(out.lines().map(String::stripTrailing).toList());
    }
}

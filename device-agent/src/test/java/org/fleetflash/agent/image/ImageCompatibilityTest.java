package org.fleetflash.agent.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.fleetflash.agent.image.Finding.Code;
import org.fleetflash.agent.sim.Profile;
import org.fleetflash.agent.sim.SimImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ImageCompatibilityTest {

    private static final Profile WDR = Profile.load("tl-wdr3600");
    private static final Profile G16 = Profile.load("generic-16m");
    /**
     * A TL-WDR3600: big-endian MIPS, kernel+rootfs 0x20000-0x7d0000, rootfs found by search, running TP-Link firmware
     * (hardware id known, kernel loaded at 0x80050000).
     */
    private static final RouterBoot WDR_BOOT = new RouterBoot("mips", 0x20000, 0x7b0000, 0x10000,
            RouterBoot.SearchRule.parse("search:0x00020000:0x10000:.!/bin/sh"),
            RunningFirmware.of(SimImage.bytes(WDR, "1.0", 0, ImageInfo.Format.TPLINK)));
    /** The same TL-WDR3600 running a bare U-Boot image: its kernel is known, its hardware id is not. */
    private static final RouterBoot WDR_RAW_BOOT = new RouterBoot("mips", 0x20000, 0x7b0000, 0x10000, WDR_BOOT.rootRule(),
            RunningFirmware.of(SimImage.bytes(WDR, "1.0", 0)));
    /** The same TL-WDR3600 whose running firmware FleetFlash cannot read. */
    private static final RouterBoot WDR_UNKNOWN_BOOT = new RouterBoot("mips", 0x20000, 0x7b0000, 0x10000, WDR_BOOT.rootRule(),
            RunningFirmware.UNKNOWN);
    /** The generic MT7621 board: little-endian MIPS, rootfs at a fixed 0x250000, kernel loaded at 0x80001000. */
    private static final RouterBoot G16_BOOT = new RouterBoot("mipsel", 0x50000, 0xfa0000, 0x1000,
            new RouterBoot.FixedRoot(0x250000), RunningFirmware.of(SimImage.bytes(G16, "1.0", 0)));
    /** A 4 MiB image for the generic board: its root lies at image offset 0x200000, where a TL-WDR3600 searches too. */
    private static final Supplier<byte[]> G16_SMALL = () -> SimImage.bytes(G16, "2.0", 4L << 20);

    private static Verdict check(byte[] image, RouterBoot router, boolean force) {
        return ImageCompatibility.check(ImageInspector.inspect(image), router, force);
    }

    private static List<Code> codes(Verdict v) {
        return v.findings().stream().map(Finding::code).toList();
    }

    private static byte[] random(int size) {
        byte[] b = new byte[size];
        new Random(11).nextBytes(b);
        return b;
    }

    static Stream<Arguments> goodImages() {
        return Stream.of(
                Arguments.of("raw image for the TL-WDR3600", (Supplier<byte[]>) () -> SimImage.bytes(WDR, "2.0", 0), WDR_BOOT),
                Arguments.of("TP-Link image for the TL-WDR3600",
                        (Supplier<byte[]>) () -> SimImage.bytes(WDR, "2.0", 0, ImageInfo.Format.TPLINK), WDR_BOOT),
                Arguments.of("raw image for the generic 16M board", (Supplier<byte[]>) () -> SimImage.bytes(G16, "2.0", 0), G16_BOOT),
                Arguments.of("raw image on a TL-WDR3600 whose hardware id is unknown",
                        (Supplier<byte[]>) () -> SimImage.bytes(WDR, "2.0", 0), WDR_RAW_BOOT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goodImages")
    void anImageBuiltForTheRouterPasses(String what, Supplier<byte[]> image, RouterBoot router) {
        Verdict v = check(image.get(), router, false);

        assertThat(v.findings()).isEmpty();
        assertThat(v.ok()).isTrue();
        assertThat(v.unchecked()).as("the model was checked").isEmpty();
    }

    static Stream<Arguments> badImages() {
        return Stream.of(
                Arguments.of("random bytes", (Supplier<byte[]>) () -> random(7_900_000), WDR_BOOT,
                        List.of(Code.NOT_FIRMWARE, Code.NO_ROOT)),
                Arguments.of("a TL-WDR3600 image on the generic 16M board",
                        (Supplier<byte[]>) () -> SimImage.bytes(WDR, "2.0", 0), G16_BOOT, List.of(Code.NO_ROOT, Code.WRONG_MODEL)),
                Arguments.of("an image for the generic 16M board, which names no model, on a TL-WDR3600", G16_SMALL, WDR_BOOT,
                        List.of(Code.WRONG_MODEL)),
                Arguments.of("an image for the generic 16M board on a TL-WDR3600 running a bare U-Boot image", G16_SMALL,
                        WDR_RAW_BOOT, List.of(Code.WRONG_MODEL)),
                Arguments.of("a corrupt kernel header", (Supplier<byte[]>) () -> SimImage.withCorruptHeader(SimImage.bytes(WDR, "2.0", 0)),
                        WDR_BOOT, List.of(Code.HEADER_CRC)),
                Arguments.of("a damaged kernel", (Supplier<byte[]>) () -> flip(SimImage.bytes(WDR, "2.0", 0), 100_000),
                        WDR_BOOT, List.of(Code.DATA_CRC)),
                Arguments.of("an ARM kernel on a MIPS router",
                        (Supplier<byte[]>) () -> SimImage.withKernelArch(SimImage.bytes(WDR, "2.0", 0), UImageHeader.ARCH_ARM),
                        WDR_BOOT, List.of(Code.WRONG_ARCH)),
                Arguments.of("a MIPS kernel on an aarch64 router", (Supplier<byte[]>) () -> SimImage.bytes(WDR, "2.0", 0),
                        new RouterBoot("aarch64", 0x20000, 0x7b0000, 0x10000, WDR_BOOT.rootRule(), RunningFirmware.UNKNOWN),
                        List.of(Code.WRONG_ARCH)),
                Arguments.of("an image cut inside its kernel", (Supplier<byte[]>) () -> Arrays.copyOf(SimImage.bytes(WDR, "2.0", 0), 600_000),
                        WDR_BOOT, List.of(Code.TRUNCATED, Code.NO_ROOT)),
                Arguments.of("an image cut inside its root file system (every header intact)",
                        (Supplier<byte[]>) () -> Arrays.copyOf(SimImage.bytes(WDR, "2.0", 0), 6_000_000), WDR_BOOT, List.of(Code.TRUNCATED)),
                Arguments.of("a TP-Link image cut inside its root file system",
                        (Supplier<byte[]>) () -> Arrays.copyOf(SimImage.bytes(WDR, "2.0", 0, ImageInfo.Format.TPLINK), 7_000_000), WDR_BOOT,
                        List.of(Code.TRUNCATED)),
                Arguments.of("a TP-Link image cut short",
                        (Supplier<byte[]>) () -> cut(SimImage.bytes(WDR, "2.0", 0, ImageInfo.Format.TPLINK), 100_000),
                        WDR_BOOT, List.of(Code.TRUNCATED)),
                Arguments.of("a ramdisk instead of a kernel", (Supplier<byte[]>) () -> ramdisk(SimImage.bytes(WDR, "2.0", 0)),
                        WDR_BOOT, List.of(Code.NOT_A_KERNEL)),
                Arguments.of("a TL-WDR4300 image on a TL-WDR3600", (Supplier<byte[]>) () -> otherModel(), WDR_BOOT,
                        List.of(Code.WRONG_MODEL)),
                Arguments.of("a root marker inside the kernel, where the search stops first",
                        (Supplier<byte[]>) () -> markerInKernel(), WDR_BOOT, List.of(Code.NO_ROOT)),
                Arguments.of("a router whose search key no mkuzip image matches", (Supplier<byte[]>) () -> SimImage.bytes(WDR, "2.0", 0),
                        new RouterBoot("mips", 0x20000, 0x7b0000, 0x10000,
                                RouterBoot.SearchRule.parse("search:0x20000:0x10000:hsqs"), RunningFirmware.UNKNOWN),
                        List.of(Code.NO_ROOT)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badImages")
    void eachCheckRefusesTheImageThatFailsIt(String what, Supplier<byte[]> image, RouterBoot router, List<Code> expected) {
        Verdict v = check(image.get(), router, false);

        assertThat(codes(v)).containsExactlyElementsOf(expected);
        assertThat(v.ok()).isFalse();
        assertThat(v.findings()).allSatisfy(f -> assertThat(f.message()).isNotBlank().endsWith("."));
    }

    @org.junit.jupiter.api.Test
    void aRootLostToACutIsBlamedOnTheCutNotOnAnotherBoard() {
        Verdict cut = check(Arrays.copyOf(SimImage.bytes(WDR, "2.0", 0), 600_000), WDR_BOOT, false);
        assertThat(cut.findings()).filteredOn(f -> f.code() == Code.NO_ROOT).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("The file is cut short").doesNotContain("another flash layout"));

        Verdict otherBoard = check(SimImage.bytes(WDR, "2.0", 0), G16_BOOT, false);
        assertThat(otherBoard.findings()).filteredOn(f -> f.code() == Code.NO_ROOT).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("another flash layout"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badImages")
    void forceSetsAsideOnlyAnUnknownFormatAndAnotherModel(String what, Supplier<byte[]> image, RouterBoot router,
            List<Code> expected) {
        Verdict v = check(image.get(), router, true);

        boolean onlyOverridable = expected.stream().allMatch(c -> c == Code.NOT_FIRMWARE || c == Code.WRONG_MODEL);
        assertThat(v.ok()).isEqualTo(onlyOverridable);
        assertThat(v.findings()).allSatisfy(f -> assertThat(f.overridden())
                .isEqualTo(f.code() == Code.NOT_FIRMWARE || f.code() == Code.WRONG_MODEL));
    }

    @Test
    void anUnknownFormatWithARootWhereTheRouterLooksMayBeForced() {
        byte[] img = random(3_000_000);
        byte[] marker = ImageInspector.UZIP_PREAMBLE;
        System.arraycopy(marker, 0, img, 0x130000, marker.length);

        Verdict plain = check(img, WDR_BOOT, false);
        Verdict forced = check(img, WDR_BOOT, true);

        assertThat(codes(plain)).containsExactly(Code.NOT_FIRMWARE);
        assertThat(plain.ok()).isFalse();
        assertThat(forced.ok()).isTrue();
        assertThat(forced.blocking()).isEmpty();
    }

    @Test
    void messagesSayWhatWasPickedAndWhatHappensOtherwise() {
        Verdict model = check(otherModel(), WDR_BOOT, false);
        Verdict root = check(SimImage.bytes(WDR, "2.0", 0), G16_BOOT, false);
        Verdict arch = check(SimImage.withKernelArch(SimImage.bytes(WDR, "2.0", 0), UImageHeader.ARCH_ARM64), WDR_BOOT, false);

        assertThat(model.finding(Code.WRONG_MODEL).orElseThrow().message()).contains("0x43000001", "0x36000001", "another model");
        assertThat(root.finding(Code.NO_ROOT).orElseThrow().message())
                .contains("flash offset 0x250000", "image offset 0x200000", "0x130000", "mountroot>");
        assertThat(arch.finding(Code.WRONG_ARCH).orElseThrow().message()).contains("AArch64", "mips", "Unsupported Architecture");
        assertThat(arch.finding(Code.WRONG_ARCH).orElseThrow().overridable()).isFalse();
        assertThat(check(G16_SMALL.get(), WDR_RAW_BOOT, false).finding(Code.WRONG_MODEL).orElseThrow().message())
                .contains("loaded at 0x80001000 and started at 0x80001100", "loaded at 0x80050000 and started at 0x80050100",
                        "another system-on-chip", "Starting kernel ...", "Pick the image for this model.");
    }

    @Test
    void whatCouldNotBeCheckedIsSaidAndDoesNotStopTheImage() {
        Verdict unknownRouter = check(SimImage.bytes(WDR, "2.0", 0), WDR_UNKNOWN_BOOT, false);
        Verdict unknownBoard = check(SimImage.bytes(WDR, "2.0", 0, ImageInfo.Format.TPLINK), WDR_RAW_BOOT, false);
        Verdict bothIds = check(SimImage.bytes(WDR, "2.0", 0, ImageInfo.Format.TPLINK),
                new RouterBoot("mips", 0x20000, 0x7b0000, 0x10000, WDR_BOOT.rootRule(),
                        RunningFirmware.ofHardwareId(TpLinkHeader.HWID_TL_WDR3600_V1)), false);

        assertThat(unknownRouter.ok()).isTrue();
        assertThat(unknownRouter.unchecked()).singleElement().satisfies(u -> assertThat(u)
                .contains("could not be checked", "names no TP-Link hardware id", "make sure it is built for this model"));
        assertThat(unknownBoard.ok()).isTrue();
        assertThat(unknownBoard.unchecked()).singleElement().satisfies(u -> assertThat(u)
                .contains("0x36000001", "no TP-Link header", "not compared"));
        assertThat(bothIds.ok()).isTrue();
        assertThat(bothIds.unchecked()).as("the ids were compared").isEmpty();
        // an image for the generic board on that router is not caught: only its root and architecture could be checked
        assertThat(check(G16_SMALL.get(), WDR_UNKNOWN_BOOT, false).unchecked()).hasSize(1);
    }

    @Test
    void aFindingThatForceCannotOverrideIsNeverMarkedOverridden() {
        assertThatThrownBy(() -> new Finding(Code.DATA_CRC, "x.", true)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void searchHintsParseLikeGeomMapHints() {
        RouterBoot.SearchRule s = RouterBoot.SearchRule.parse("search:0x00020000:0x10000:.!/bin/sh");

        assertThat(s).isEqualTo(new RouterBoot.SearchRule(0x20000, 0x10000, ".!/bin/sh"));
        assertThat(s.matches("#!/bin/sh\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0)).isTrue();
        assertThatThrownBy(() -> RouterBoot.SearchRule.parse("0x20000")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RouterBoot.SearchRule.parse("search:zz:0x10000:x")).hasMessageContaining("zz");
        assertThatThrownBy(() -> RouterBoot.SearchRule.parse("search:0:0:x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theRootRuleComesFromTheRootPartitionsStartHint() {
        assertThat(RouterBoot.rootRule("search:0x00020000:0x10000:.!/bin/sh", 0x150000))
                .isEqualTo(new RouterBoot.SearchRule(0x20000, 0x10000, ".!/bin/sh"));
        assertThat(RouterBoot.rootRule("\"search:0x00020000:0x10000:.!/bin/sh\"", 0x150000))
                .isInstanceOf(RouterBoot.SearchRule.class);
        assertThat(RouterBoot.rootRule("0x250000", 0x250000)).isEqualTo(new RouterBoot.FixedRoot(0x250000));
        assertThat(RouterBoot.rootRule(null, 0x250000)).isEqualTo(new RouterBoot.FixedRoot(0x250000));
    }

    private static byte[] flip(byte[] image, int at) {
        image[at] ^= 0x01;
        return image;
    }

    private static byte[] cut(byte[] image, int bytes) {
        return Arrays.copyOf(image, image.length - bytes);
    }

    private static byte[] ramdisk(byte[] image) {
        UImageHeader h = UImageHeader.parse(image, 0).orElseThrow();
        UImageHeader r = new UImageHeader(0, true, h.time(), h.dataSize(), h.loadAddress(), h.entryPoint(), h.dataCrc(), h.os(),
                h.arch(), UImageHeader.TYPE_RAMDISK, h.compression(), h.name());
        System.arraycopy(r.toBytes(), 0, image, 0, UImageHeader.SIZE);
        return image;
    }

    private static byte[] otherModel() {
        Profile wdr4300 = Profile.parse("tl-wdr4300", WDR_TEXT.replace("board.hwid=0x36000001", "board.hwid=0x43000001"));
        return SimImage.bytes(wdr4300, "2.0", 0, ImageInfo.Format.TPLINK);
    }

    private static byte[] markerInKernel() {
        byte[] img = SimImage.bytes(WDR, "2.0", 0);
        byte[] marker = ImageInspector.UZIP_PREAMBLE;
        System.arraycopy(marker, 0, img, 0x60000, marker.length);
        return SimImage.restamp(WDR, img, "2.0");
    }

    private static final String WDR_TEXT = readProfile("tl-wdr3600");

    private static String readProfile(String name) {
        try (var in = Profile.class.getResourceAsStream("/org/fleetflash/agent/sim/profiles/" + name + ".profile")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

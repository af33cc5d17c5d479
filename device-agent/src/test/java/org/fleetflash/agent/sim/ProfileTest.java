package org.fleetflash.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ProfileTest {

    static Set<String> builtIns() {
        return new HashSet<>(Profile.builtInNames());
    }

    @Test
    void shipsTheThreeModelsOfTheBrief() {
        assertThat(Profile.builtInNames()).containsExactlyInAnyOrder("tl-wdr3600", "tl-wdr3600-stripped", "generic-16m");
    }

    @ParameterizedTest
    @MethodSource("builtIns")
    void everyBuiltInProfileLoadsWithAConsistentLayout(String name) {
        Profile p = Profile.load(name);

        assertThat(p.name()).isEqualTo(name);
        assertThat(p.layout()).isNotEmpty();
        assertThat(p.spanEnd()).isGreaterThan(p.spanStart());
        assertThat(p.imageSize()).isLessThanOrEqualTo(p.spanEnd() - p.spanStart());
        assertThat(p.user()).isNotBlank();
        assertThat(p.password()).isNotBlank();
        assertThat(p.rebootDelay()).isPositive();
        assertThat(p.flashSize() % p.eraseBlock()).isZero();
    }

    @Test
    void wdr3600MatchesTheReferenceDevice() {
        Profile p = Profile.load("tl-wdr3600");

        assertThat(p.physmem()).isEqualTo(134_217_728L);
        assertThat(p.usermem()).isEqualTo(109_051_904L);
        assertThat(p.freePages()).isEqualTo(18_934L);
        assertThat(p.pageSize()).isEqualTo(4096);
        assertThat(p.flashSize()).isEqualTo(8L << 20);
        assertThat(p.eraseBlock()).isEqualTo(65_536);
        assertThat(p.osRelease()).isEqualTo("11.0-CURRENT");
        assertThat(p.spanStart()).isEqualTo(0x020000);
        assertThat(p.spanEnd()).isEqualTo(0x7d0000);
        assertThat(p.boundarySearch()).contains(new Profile.Search(0x20000, 0x10000, ".!/bin/sh"));
        assertThat(p.partition("u-boot").orElseThrow().readonly()).isTrue();
        assertThat(p.partition("kernel").orElseThrow().readonly()).isFalse();
        assertThat(p.partition("rootfs").orElseThrow().readonly()).isFalse();
        assertThat(p.partition("cfg").orElseThrow().readonly()).isFalse();
        assertThat(p.partition("mib0").orElseThrow().readonly()).isTrue();
        assertThat(p.partition("ART").orElseThrow().readonly()).isTrue();
        assertThat(p.leds()).containsExactly("USB1", "USB2", "WLAN2G", "SYSTEM", "QSS");
        assertThat(p.preallocatedMds()).extracting(Profile.MemoryDisk::unit).containsExactly(0, 1);
        assertThat(p.tmpfs()).isTrue();
        assertThat(p.watchdogd()).isTrue();
        assertThat(p.flashWriteBps()).isEqualTo(100_000L);
        assertThat(p.unthrottled().flashWriteBps()).isZero();
        assertThat(p.rebootDelay()).isEqualTo(Duration.ofSeconds(20));
        assertThat(p.shutdownGrace()).isEqualTo(Duration.ofMillis(1500));
        assertThat(p.unthrottled().shutdownGrace()).isEqualTo(Duration.ofMillis(1500));
        assertThat(p.boardHwid()).hasValue(0x36000001L);
        assertThat(p.flashBase()).isEqualTo(0x9f000000L);
        assertThat(p.hwMachineArch()).isEqualTo("mips");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "shutdown.grace=PT0.25S|250",
        "shutdown.grace=0|0",
        "shutdown.grace=3|3000",
        "''|1500"})
    void shutdownGraceIsSecondsOrAnIsoDurationAndOneAndAHalfSecondsWhenNotGiven(String line, long millis) throws Exception {
        Profile p = Profile.parse("grace", generic16m().replace("shutdown.grace=PT1.5S", line));

        assertThat(p.shutdownGrace()).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"shutdown.grace=-PT1S|is negative", "shutdown.grace=soon|neither seconds nor",
        "reboot.delay=-PT1S|is negative"})
    void aNegativeOrUnreadableTimeIsNamed(String line, String why) throws Exception {
        String key = line.substring(0, line.indexOf('='));
        String text = generic16m().replaceAll("(?m)^" + java.util.regex.Pattern.quote(key) + "=.*$", line);

        assertThatThrownBy(() -> Profile.parse("bad", text)).isInstanceOf(ProfileException.class)
                .hasMessageContaining(key).hasMessageContaining(why);
    }

    private static String generic16m() throws java.io.IOException {
        try (java.io.InputStream in = ProfileTest.class.getResourceAsStream("/org/fleetflash/agent/sim/profiles/generic-16m.profile")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void theSixteenMegBoardHasNoTpLinkHardwareId() {
        Profile p = Profile.load("generic-16m");

        assertThat(p.boardHwid()).isEmpty();
        assertThat(p.hwMachineArch()).isEqualTo("mipsel");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "hw.machine_arch=vax|hw.machine_arch",
        "board.hwid=0x1ffffffff|board.hwid",
        "board.hwid=twelve|board.hwid"})
    void badArchitectureOrHardwareIdIsNamed(String line, String key) throws Exception {
        String text = new String(ProfileTest.class.getResourceAsStream(
                "/org/fleetflash/agent/sim/profiles/generic-16m.profile").readAllBytes())
                .replace("hw.machine_arch=mipsel", "hw.machine_arch=mipsel\n" + line)
                .replace("hw.machine_arch=mipsel\nhw.machine_arch=vax", "hw.machine_arch=vax");

        assertThatThrownBy(() -> Profile.parse("bad", text)).isInstanceOf(ProfileException.class).hasMessageContaining(key);
    }

    @Test
    void eachBoardSaysWhereItsKernelIsLoadedAndABadAddressIsNamed() throws Exception {
        assertThat(Profile.load("tl-wdr3600").kernelLoadAddress()).isEqualTo(0x80050000L);
        assertThat(Profile.load("generic-16m").kernelLoadAddress()).isEqualTo(0x80001000L);
        assertThat(Profile.load("generic-16m").kernelEntryPoint()).isEqualTo(0x80001100L);
        Profile unsaid = Profile.parse("old", generic16m().replace("boot.kernel_load=0x80001000\n", "")
                .replace("boot.kernel_entry=0x80001100\n", ""));
        assertThat(unsaid.kernelLoadAddress()).isEqualTo(Profile.DEFAULT_KERNEL_LOAD);
        assertThat(unsaid.kernelEntryPoint()).isEqualTo(Profile.DEFAULT_KERNEL_ENTRY);

        assertThatThrownBy(() -> Profile.parse("bad", generic16m().replace("boot.kernel_load=0x80001000",
                "boot.kernel_load=0x180001000"))).isInstanceOf(ProfileException.class).hasMessageContaining("boot.kernel_load");
        assertThatThrownBy(() -> Profile.parse("bad", generic16m().replace("boot.kernel_entry=0x80001100",
                "boot.kernel_entry=start"))).isInstanceOf(ProfileException.class).hasMessageContaining("boot.kernel_entry");
    }

    @Test
    void strippedProfileLacksFetchDigestsTextToolsGeomAndTmpfs() {
        Profile p = Profile.load("tl-wdr3600-stripped");

        assertThat(p.toolsAbsent()).containsExactlyInAnyOrder("fetch", "sha256", "md5", "awk", "sed", "od", "geom");
        assertThat(p.tmpfs()).isFalse();
    }

    @Test
    void sixteenMegModelHasSmallEraseBlocksAndAFixedBoundary() {
        Profile p = Profile.load("generic-16m");

        assertThat(p.flashSize()).isEqualTo(16L << 20);
        assertThat(p.eraseBlock()).isEqualTo(4096);
        assertThat(p.physmem()).isEqualTo(256L << 20);
        assertThat(p.boundarySearch()).isEmpty();
    }

    @Test
    void searchBoundPrintsAsFreeBsdHint() {
        assertThat(new Profile.Search(0x20000, 0x10000, ".!/bin/sh").hint()).isEqualTo("search:0x00020000:0x10000:.!/bin/sh");
        assertThat(new Profile.Fixed(0x7d0000).hint()).isEqualTo("0x007d0000");
    }

    @Test
    void loadsAProfileFileByPath(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("my-router.profile");
        String text = new String(ProfileTest.class.getResourceAsStream(
                "/org/fleetflash/agent/sim/profiles/generic-16m.profile").readAllBytes()).replace("hostname=gw16m", "hostname=lab1");
        Files.writeString(file, text);

        Profile p = Profile.load(file.toString());

        assertThat(p.name()).isEqualTo("my-router");
        assertThat(p.hostname()).isEqualTo("lab1");
    }

    @Test
    void unknownProfileNameSaysWhatToUse() {
        assertThatThrownBy(() -> Profile.load("tl-wr9999"))
                .isInstanceOf(ProfileException.class)
                .hasMessageContaining("tl-wr9999").hasMessageContaining("tl-wdr3600").hasMessageContaining("path");
    }

    @Test
    void missingFieldIsNamed() {
        String text = "model=x\n";
        assertThatThrownBy(() -> Profile.parse("broken", text))
                .isInstanceOf(ProfileException.class).hasMessageContaining("broken").hasMessageContaining("is required");
    }

    @Test
    void malformedPartitionLineIsNamedWithTheExpectedForm() throws Exception {
        String text = new String(ProfileTest.class.getResourceAsStream(
                "/org/fleetflash/agent/sim/profiles/generic-16m.profile").readAllBytes())
                .replace("partition.5=cfg 0xff0000 0x1000000 rw", "partition.5=cfg 0xff0000 rw");

        assertThatThrownBy(() -> Profile.parse("bad", text))
                .isInstanceOf(ProfileException.class)
                .hasMessageContaining("partition.5").hasMessageContaining("<name> <start> <end> ro|rw");
    }

    @Test
    void unalignedPartitionOffsetIsRefused() throws Exception {
        String text = new String(ProfileTest.class.getResourceAsStream(
                "/org/fleetflash/agent/sim/profiles/generic-16m.profile").readAllBytes())
                .replace("partition.5=cfg 0xff0000", "partition.5=cfg 0xff0100");

        assertThatThrownBy(() -> Profile.parse("bad", text))
                .isInstanceOf(ProfileException.class).hasMessageContaining("aligned to the erase block");
    }
}

package org.fleetflash.agent.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import org.fleetflash.agent.protocol.FreeBsdFormats.Conftxt;
import org.fleetflash.agent.protocol.FreeBsdFormats.DiskLine;
import org.fleetflash.agent.protocol.FreeBsdFormats.GeomList;
import org.fleetflash.agent.protocol.FreeBsdFormats.GeomProvider;
import org.fleetflash.agent.protocol.FreeBsdFormats.MapLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FreeBsdFormatsTest {

    private static final List<MapLine> WDR3600_MAPS = List.of(
            new MapLine("ART", 65536, 512, 6, 8323072, 0, 65536),
            new MapLine("mib0", 65536, 512, 5, 8257536, 0, 65536),
            new MapLine("cfg", 65536, 512, 4, 8192000, 0, 65536),
            new MapLine("rootfs", 6815744, 512, 3, 1376256, 0, 6815744),
            new MapLine("kernel", 1245184, 512, 2, 131072, 0, 1245184),
            new MapLine("u-boot", 131072, 512, 0, 0, 0, 131072));

    // ------------------------------------------------------------ conftxt

    @Test
    void readsConftxtSampleWithItsDiskAndIgnoresTheUncompressLine() throws Exception {
        Conftxt c = FreeBsdFormats.parseConftxt(Samples.lines("conftxt.txt"));
        assertThat(c.disks()).containsExactly(new DiskLine("flash/spi0", 8388608, 512));
        assertThat(c.maps()).containsExactlyElementsOf(WDR3600_MAPS);
        assertThat(c.warnings()).isEmpty();
    }

    @Test
    void readsConftxtInAnyLineOrder() throws Exception {
        List<String> lines = new ArrayList<>(Samples.lines("conftxt.txt"));
        Collections.reverse(lines);
        Conftxt c = FreeBsdFormats.parseConftxt(lines);
        assertThat(c.maps()).containsExactlyInAnyOrderElementsOf(WDR3600_MAPS);
        assertThat(c.disks()).extracting(DiskLine::name).containsExactly("flash/spi0");
    }

    @Test
    void readsConftxtMapFieldsByKeyNotByPosition() throws Exception {
        Conftxt c = FreeBsdFormats.parseConftxt(List.of("1 MAP map/cfg 65536 512 dsize 65536 entry 0 o 8192000 i 4"));
        assertThat(c.maps()).containsExactly(new MapLine("cfg", 65536, 512, 4, 8192000, 0, 65536));
    }

    @Test
    void skipsOtherClassesAndWarnsAboutLinesThatAreNoProviders() throws Exception {
        Conftxt c = FreeBsdFormats.parseConftxt(List.of("0 MD md0 16777216 512 u 0 s 0 f 0 l 0 t malloc",
                "garbage", "", "1 MAP map/cfg 65536 512 i 4 o 8192000 entry 0 dsize 65536"));
        assertThat(c.maps()).hasSize(1);
        assertThat(c.disks()).isEmpty();
        assertThat(c.warnings()).singleElement().asString().contains("line 2");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "1 MAP map/cfg 65536 512 i 4 o 0x7d0000 entry 0 dsize 65536",
        "1 MAP map/cfg 65536 512 i 4 entry 0 dsize 65536",
        "1 MAP map/cfg 65536 512 i four o 8192000",
        "1 MAP map/cfg -65536 512 i 4 o 8192000",
        "1 MAP map/cfg 65536 512 i 4 o 8192000 entry",
        "1 MAP map/cfg 65536 512 i 4 i 5 o 8192000",
        "1 MAP cfg 65536 512 i 4 o 8192000",
        "0 DISK flash/spi0 8M 512 hd 0 sc 0"})
    void refusesMalformedMapOrDiskLines(String line) {
        assertThatThrownBy(() -> FreeBsdFormats.parseConftxt(List.of("0 DISK flash/spi0 8388608 512", line)))
                .isInstanceOf(OutputFormatException.class).hasMessageStartingWith("kern.geom.conftxt line 2: ");
    }

    // ------------------------------------------------------------ geom map list

    @Test
    void readsTheGeomMapListSampleWithReversedConfigLinesByKey() throws Exception {
        GeomList list = FreeBsdFormats.parseGeomList(Samples.lines("geom-map-list-sample.txt"));
        assertThat(list.providers()).extracting(GeomProvider::name)
                .containsExactly("map/u-boot", "map/kernel", "map/rootfs");
        GeomProvider kernel = list.providers().get(1);
        assertThat(kernel.geom()).isEqualTo("flash/spi0");
        assertThat(kernel.mediasize()).isEqualTo(1245184);
        assertThat(kernel.sectorsize()).isEqualTo(512);
        assertThat(kernel.stripesize()).isEqualTo(OptionalLong.of(65536));
        assertThat(kernel.stripeoffset()).isEqualTo(OptionalLong.of(0));
        assertThat(kernel.mode()).isEqualTo("r0w0e0");
        assertThat(kernel.config()).containsExactly(Map.entry("dsize", "1245184"), Map.entry("entry", "0"),
                Map.entry("secoffset", "256"), Map.entry("offset", "131072"), Map.entry("seclength", "2432"),
                Map.entry("length", "1245184"), Map.entry("index", "2"));
        assertThat(list.providers().get(2).mode()).isEqualTo("r1w0e1");
        assertThat(kernel.shortName()).isEqualTo("kernel");
    }

    @Test
    void doesNotMistakeTheConsumerForAProvider() throws Exception {
        GeomList list = FreeBsdFormats.parseGeomList(Samples.lines("geom-map-list-sample.txt"));
        assertThat(list.providers()).extracting(GeomProvider::name).doesNotContain("flash/spi0");
        assertThat(list.consumers()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("flash/spi0");
            assertThat(c.mediasize()).isEqualTo(8388608);
            assertThat(c.mode()).isEqualTo("r1w0e2");
            assertThat(c.config()).isEmpty();
        });
        assertThat(list.geomNames()).containsExactly("flash/spi0");
    }

    @Test
    void warnsAboutTheElisionLineOfTheSample() throws Exception {
        GeomList list = FreeBsdFormats.parseGeomList(Samples.lines("geom-map-list-sample.txt"));
        assertThat(list.warnings()).singleElement().asString().contains("line 42");
    }

    @Test
    void readsAllSixProvidersOfTheFullListing() throws Exception {
        GeomList list = FreeBsdFormats.parseGeomList(Samples.lines("geom-map-list.txt"));
        assertThat(list.providers()).extracting(GeomProvider::shortName)
                .containsExactly("u-boot", "kernel", "rootfs", "cfg", "mib0", "ART");
        assertThat(list.warnings()).isEmpty();
    }

    @Test
    void leavesStripeValuesEmptyWhenGeomDoesNotPrintThem() throws Exception {
        GeomList list = FreeBsdFormats.parseGeomList(List.of("Geom name: cfid0", "Providers:", "1. Name: map/cfg",
                "   Mediasize: 65536 (64K)", "   Sectorsize: 512", "   Mode: r0w0e0", "   index: 4", ""));
        assertThat(list.providers().get(0).stripesize()).isEmpty();
        assertThat(list.providers().get(0).stripeoffset()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', textBlock = """
            Mediasize: big (1.2M)   ; Mediasize 'big'
            Stripesize: 64K         ; Stripesize '64K'
            Sectorsize:             ; Sectorsize ''
            """)
    void refusesNonNumericSizes(String badLine, String message) {
        List<String> lines = List.of("Geom name: flash/spi0", "Providers:", "1. Name: map/kernel",
                "   Mediasize: 1245184 (1.2M)", "   Sectorsize: 512", "   Stripesize: 65536", "   Mode: r0w0e0");
        List<String> bad = lines.stream().map(l -> l.strip().startsWith(badLine.substring(0, 10))
                ? "   " + badLine : l).toList();
        assertThatThrownBy(() -> FreeBsdFormats.parseGeomList(bad)).isInstanceOf(OutputFormatException.class)
                .hasMessageContaining(message);
    }

    @Test
    void refusesAProviderWithoutMediasize() {
        assertThatThrownBy(() -> FreeBsdFormats.parseGeomList(List.of("Geom name: flash/spi0", "Providers:",
                "1. Name: map/kernel", "   Sectorsize: 512")))
                .isInstanceOf(OutputFormatException.class).hasMessageContaining("has no Mediasize");
    }

    // ------------------------------------------------------------ confxml

    @Test
    void pairsEachStripesizeWithTheProviderNameBeforeIt() throws Exception {
        Map<String, Long> stripes = FreeBsdFormats.parseConfxmlStripesizes(Samples.lines("confxml.txt"));
        assertThat(stripes).containsEntry("map/kernel", 65536L).containsEntry("map/ART", 65536L)
                .containsEntry("flash/spi0", 65536L).containsEntry("map/rootfs.uncompress", 0L)
                .doesNotContainKeys("MAP", "DISK");
    }

    @Test
    void acceptsWholeConfxmlAndEscapedNames() throws Exception {
        List<String> xml = List.of("<mesh>", "  <class id=\"0xc1\">", "    <name>MAP</name>", "    <geom id=\"0xc2\">",
                "      <class ref=\"0xc1\"/>", "      <name>flash/spi0</name>", "      <rank>2</rank>",
                "\t<provider id=\"0xc3\">", "\t  <geom ref=\"0xc2\"/>", "\t  <mode>r0w0e0</mode>",
                "\t  <name>map/a&#x26;b&#xC3;&#xBC;</name>", "\t  <mediasize>65536</mediasize>",
                "\t  <sectorsize>512</sectorsize>", "\t  <stripesize>65536</stripesize>",
                "\t  <stripeoffset>0</stripeoffset>", "\t  <config>", "\t    <index>4</index>", "\t  </config>",
                "\t</provider>", "    </geom>", "  </class>", "</mesh>");
        assertThat(FreeBsdFormats.parseConfxmlStripesizes(xml)).containsExactly(Map.entry("map/a&bü", 65536L));
    }

    @Test
    void refusesAStripesizeThatIsNoNumber() {
        assertThatThrownBy(() -> FreeBsdFormats.parseConfxmlStripesizes(List.of("<name>map/cfg</name>",
                "<stripesize>0x10000</stripesize>"))).isInstanceOf(OutputFormatException.class)
                .hasMessageContaining("line 2");
    }

    // ------------------------------------------------------------ kenv

    @Test
    void readsMapHintsByIndexWithQuotesRemoved() {
        Map<Integer, Map<String, String>> hints = FreeBsdFormats.parseMapHints(Samples.lines("kenv-h.txt"));
        assertThat(hints).containsOnlyKeys(0, 2, 3, 4, 5, 6);
        assertThat(hints.get(2)).containsEntry("name", "kernel").containsEntry("readonly", "0")
                .containsEntry("end", "search:0x00020000:0x10000:.!/bin/sh").containsEntry("at", "flash/spi0");
        assertThat(hints.get(6)).containsEntry("name", "ART").containsEntry("readonly", "1");
    }

    @Test
    void readsKenvValuesWithAndWithoutQuotesAndIgnoresOtherLines() {
        assertThat(FreeBsdFormats.parseKenv(List.of("vfs.root.mountfrom=\"ufs:/dev/md2\"", "hint.map.4.readonly=0",
                "kenv: unable to get nosuchvar", "hint.x.0.v=\"a \"quoted\" b\"")))
                .containsExactly(Map.entry("vfs.root.mountfrom", "ufs:/dev/md2"), Map.entry("hint.map.4.readonly", "0"),
                        Map.entry("hint.x.0.v", "a \"quoted\" b"));
    }

    @ParameterizedTest
    @CsvSource({"1,1", "0,0", "0x1,1", "0X10,16", "010,8", "00,0"})
    void readsIntegerHintsLikeTheKernel(String text, long value) {
        assertThat(FreeBsdFormats.hintNumber(text)).isEqualTo(OptionalLong.of(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "", "1x", "-1", "0x", "08"})
    void refusesHintsThatAreNoIntegers(String text) {
        assertThat(FreeBsdFormats.hintNumber(text)).isEmpty();
    }

    // ------------------------------------------------------------ sysctl and mdconfig

    @Test
    void readsSysctlNameValueLines() throws Exception {
        assertThat(FreeBsdFormats.parseSysctl(Samples.lines("sysctl.txt"))).containsExactly(
                Map.entry("hw.physmem", "134217728"), Map.entry("hw.usermem", "109051904"),
                Map.entry("hw.pagesize", "4096"), Map.entry("vm.stats.vm.v_free_count", "18934"));
    }

    @Test
    void readsAMultiLineSysctlValue() throws Exception {
        List<String> lines = new ArrayList<>();
        List<String> conftxt = Samples.lines("conftxt.txt");
        lines.add("kern.geom.conftxt: " + conftxt.get(0));
        lines.addAll(conftxt.subList(1, conftxt.size()));
        lines.add("hw.pagesize: 4096");
        Map<String, String> values = FreeBsdFormats.parseSysctl(lines);
        assertThat(values.get("kern.geom.conftxt").split("\n")).containsExactlyElementsOf(conftxt);
        assertThat(values).containsEntry("hw.pagesize", "4096");
    }

    @Test
    void readsSysctlValueOnlyLinesInTheOrderOfTheNames() throws Exception {
        assertThat(FreeBsdFormats.parseSysctlValues(
                List.of("hw.physmem", "hw.usermem", "hw.pagesize", "vm.stats.vm.v_free_count"),
                Samples.lines("sysctl-n.txt"))).containsExactly(
                Map.entry("hw.physmem", "134217728"), Map.entry("hw.usermem", "109051904"),
                Map.entry("hw.pagesize", "4096"), Map.entry("vm.stats.vm.v_free_count", "18934"));
    }

    @Test
    void refusesSysctlValueOnlyLinesThatDoNotMatchTheNames() {
        assertThatThrownBy(() -> FreeBsdFormats.parseSysctlValues(List.of("hw.physmem", "hw.nosuch"),
                List.of("134217728"))).isInstanceOf(OutputFormatException.class).hasMessageContaining("asked for 2");
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', textBlock = """
            md0 md1   ; md0,md1
            md0       ; md0
            '  md3  md10 '; md3,md10
            ''        ; ''
            """)
    void readsMdconfigList(String line, String expected) throws Exception {
        assertThat(FreeBsdFormats.parseMdUnits(line))
                .containsExactlyElementsOf(expected.isEmpty() ? List.of() : List.of(expected.split(",")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"md0 /dev/md1", "mdX", "ada0"})
    void refusesMdconfigWordsThatAreNoMemoryDisks(String line) {
        assertThatThrownBy(() -> FreeBsdFormats.parseMdUnits(line)).isInstanceOf(OutputFormatException.class);
    }
}

package org.fleetflash.agent.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import org.fleetflash.agent.protocol.ProbeFailedException.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeviceFactsBuilderTest {

    private static final String TRANSCRIPT = "probe-transcript.txt";

    private static DeviceFacts expectedWdr3600() {
        Map<String, Boolean> tools = new LinkedHashMap<>();
        Map<String, String> paths = new LinkedHashMap<>();
        for (String t : List.of("sh:/bin/sh", "dd:/bin/dd", "cmp:/usr/bin/cmp", "kenv:/bin/kenv", "sysctl:/sbin/sysctl",
                "mdconfig:/sbin/mdconfig", "newfs:/sbin/newfs", "mount:/sbin/mount", "umount:/sbin/umount",
                "reboot:/sbin/reboot", "init:/sbin/init", "fetch:", "sha256:", "nc:/usr/bin/nc", "logger:/usr/bin/logger")) {
            String[] nameAndPath = t.split(":", 2);
            tools.put(nameAndPath[0], !nameAndPath[1].isEmpty());
            if (!nameAndPath[1].isEmpty()) {
                paths.put(nameAndPath[0], nameAndPath[1]);
            }
        }
        return new DeviceFacts("11.0-CURRENT", 1100122, "mips", "mips", "tl-wdr3600", "Atheros AR9344 rev 2",
                134217728L, 109051904L, 4096L, 18934L * 4096L, "ufs:map/rootfs.uncompress", true, true,
                List.of("md0", "md1"), tools, paths, List.of("USB1", "USB2", "WLAN2G", "SYSTEM", "QSS"), 65536L,
                "flash/spi0", 8388608L, List.of(
                        new Partition("u-boot", 0, 131072, true, 0, 65536, "0x00000000"),
                        new Partition("kernel", 131072, 1245184, false, 2, 65536, "0x00020000"),
                        new Partition("rootfs", 1376256, 6815744, false, 3, 65536, "search:0x00020000:0x10000:.!/bin/sh"),
                        new Partition("cfg", 8192000, 65536, false, 4, 65536, "0x007d0000"),
                        new Partition("mib0", 8257536, 65536, true, 5, 65536, "0x007e0000"),
                        new Partition("ART", 8323072, 65536, true, 6, 65536, "0x007f0000")),
                List.of(), java.util.Optional.empty());
    }

    private static List<String> transcript() {
        return new ArrayList<>(Samples.lines(TRANSCRIPT));
    }

    private static DeviceFacts build(List<String> lines) throws ProbeFailedException {
        return DeviceFactsBuilder.from(lines.stream().map(AgentLineParser::parse).toList());
    }

    private static List<String> without(Predicate<String> drop) {
        List<String> lines = transcript();
        lines.removeIf(drop);
        return lines;
    }

    private static List<String> replaced(UnaryOperator<String> change) {
        List<String> lines = transcript();
        lines.replaceAll(change);
        return lines;
    }

    private static List<String> beforeDone(String... extra) {
        List<String> lines = transcript();
        lines.addAll(lines.size() - 1, List.of(extra));
        return lines;
    }

    private static ProbeFailedException failure(List<String> lines) {
        return catchThrowableOfType(ProbeFailedException.class, () -> build(lines));
    }

    // ------------------------------------------------------------ the whole probe

    @Test
    void buildsTheExactFactsOfATlWdr3600FromTheBytesOfAFullProbe() throws Exception {
        DeviceFactsBuilder builder = new DeviceFactsBuilder();
        AgentLineReader.read(new ByteArrayInputStream(Samples.bytes(TRANSCRIPT)), AgentLineReader.Stream.STDOUT, builder);
        assertThat(builder.build()).isEqualTo(expectedWdr3600());
    }

    @Test
    void theTranscriptCarriesTheReferenceSamplesVerbatim() {
        Map<String, String> files = Map.of("conftxt", "conftxt.txt", "geommap", "geom-map-list.txt",
                "confxml", "confxml.txt", "hints", "kenv-h.txt");
        List<AgentLine> lines = transcript().stream().map(AgentLineParser::parse).toList();
        files.forEach((src, file) -> assertThat(lines.stream().filter(l -> l instanceof AgentLine.Raw r && r.src().equals(src))
                .map(l -> ((AgentLine.Raw) l).text()).toList()).as(src).containsExactlyElementsOf(Samples.lines(file)));
    }

    @Test
    void buildingTwiceGivesTheSameFactsAndWarnings() throws Exception {
        DeviceFactsBuilder builder = new DeviceFactsBuilder();
        without(l -> l.startsWith("@FF raw src=hints") || l.startsWith("@FF fact key=hostname"))
                .stream().map(AgentLineParser::parse).forEach(builder);
        DeviceFacts first = builder.build();
        assertThat(first.warnings()).hasSize(2);
        assertThat(builder.build()).isEqualTo(first);
    }

    @Test
    void sortsPartitionsByOffsetWhateverTheOrderOfTheRawLines() throws Exception {
        List<String> lines = transcript();
        List<String> conftxt = new ArrayList<>(lines.stream().filter(l -> l.startsWith("@FF raw src=conftxt")).toList());
        lines.removeAll(conftxt);
        Collections.reverse(conftxt);
        lines.addAll(lines.size() - 1, conftxt);
        assertThat(build(lines).partitions()).extracting(Partition::name)
                .containsExactly("u-boot", "kernel", "rootfs", "cfg", "mib0", "ART");
    }

    // ------------------------------------------------------------ readonly

    @Test
    void stockHintsMakeKernelAndRootfsReadonly() throws Exception {
        DeviceFacts facts = build(replaced(l -> l.matches(".*hint\\.map\\.[23]\\.readonly=.*")
                ? l.replace("\"0\"", "\"1\"") : l));
        assertThat(facts.partition("kernel")).get().extracting(Partition::readonly).isEqualTo(true);
        assertThat(facts.partition("rootfs")).get().extracting(Partition::readonly).isEqualTo(true);
        assertThat(facts.partition("cfg")).get().extracting(Partition::readonly).isEqualTo(false);
    }

    @Test
    void readsReadonlyHintsAsIntegersLikeTheKernel() throws Exception {
        DeviceFacts facts = build(replaced(l -> l.replace("hint.map.4.readonly=\"0\"", "hint.map.4.readonly=\"0x1\"")));
        assertThat(facts.partition("cfg")).get().extracting(Partition::readonly).isEqualTo(true);
    }

    @Test
    void aPartitionWithoutReadonlyHintIsWritable() throws Exception {
        DeviceFacts facts = build(without(l -> l.contains("hint.map.6.readonly")));
        assertThat(facts.partition("ART")).get().extracting(Partition::readonly).isEqualTo(false);
        assertThat(facts.warnings()).isEmpty();
    }

    @Test
    void aReadonlyHintThatIsNoNumberCountsAsReadonlyWithAWarning() throws Exception {
        DeviceFacts facts = build(replaced(l -> l.replace("hint.map.2.readonly=\"0\"", "hint.map.2.readonly=\"no\"")));
        assertThat(facts.partition("kernel")).get().extracting(Partition::readonly).isEqualTo(true);
        assertThat(facts.warnings()).singleElement().asString().contains("hint.map.2.readonly");
    }

    @Test
    void aHintWhoseNameDisagreesWithThePartitionMakesItReadonlyWithAWarning() throws Exception {
        DeviceFacts facts = build(replaced(l -> l.replace("hint.map.4.name=\"cfg\"", "hint.map.4.name=\"config\"")));
        assertThat(facts.partition("cfg")).get().extracting(Partition::readonly).isEqualTo(true);
        assertThat(facts.warnings()).singleElement().asString().contains("'config'");
    }

    @Test
    void warnsAboutAHintWithoutAPartition() throws Exception {
        DeviceFacts facts = build(beforeDone("@FF raw src=hints text=hint.map.1.at=\"flash/spi0\"",
                "@FF raw src=hints text=hint.map.1.name=\"u-boot-env\""));
        assertThat(facts.partitions()).hasSize(6);
        assertThat(facts.warnings()).singleElement().asString().contains("hint.map.1 (u-boot-env) has no partition");
    }

    @Test
    void warnsWhenNoHintsCameAtAll() throws Exception {
        DeviceFacts facts = build(without(l -> l.startsWith("@FF raw src=hints")));
        assertThat(facts.partitions()).noneMatch(Partition::readonly);
        assertThat(facts.warnings()).singleElement().asString().contains("no hint.map.* lines");
    }

    // ------------------------------------------------------------ erase block and sources

    @Test
    void takesTheEraseBlockFromConfxmlWhereGeomIsMissing() throws Exception {
        DeviceFacts facts = build(without(l -> l.startsWith("@FF raw src=geommap")));
        assertThat(facts).isEqualTo(expectedWdr3600());
    }

    @Test
    void takesTheEraseBlockFromGeomAndWarnsWhenConfxmlDisagrees() throws Exception {
        DeviceFacts facts = build(replaced(l -> l.startsWith("@FF raw src=confxml")
                ? l.replace("<stripesize>65536<", "<stripesize>4096<") : l));
        assertThat(facts.eraseBlock()).isEqualTo(65536);
        assertThat(facts.partitions()).allMatch(p -> p.eraseBlock() == 65536);
        assertThat(facts.warnings()).singleElement().asString().contains("65536").contains("4096");
    }

    @Test
    void refusesAProbeWithoutAnyEraseBlock() {
        ProbeFailedException e = failure(without(l -> l.startsWith("@FF raw src=geommap")
                || l.startsWith("@FF raw src=confxml")));
        assertThat(e.problem()).isEqualTo(Problem.PARTITION_TABLE);
        assertThat(e).hasMessageContaining("erase block size is unknown").hasMessageContaining("does not guess");
    }

    @Test
    void readsPartitionsFromGeomWhenConftxtIsMissing() throws Exception {
        assertThat(build(without(l -> l.startsWith("@FF raw src=conftxt")))).isEqualTo(expectedWdr3600());
    }

    @Test
    void refusesWhenConftxtAndGeomDisagreeAboutAPartition() {
        ProbeFailedException e = failure(replaced(l -> l.equals("@FF raw src=geommap text=   offset: 131072")
                ? "@FF raw src=geommap text=   offset: 196608" : l));
        assertThat(e.problem()).isEqualTo(Problem.PARTITION_TABLE);
        assertThat(e).hasMessageContaining("disagree about partition 'kernel'");
    }

    @Test
    void refusesAProbeWithoutPartitionTable() {
        ProbeFailedException e = failure(without(l -> l.startsWith("@FF raw src=conftxt text=1 MAP")
                || l.startsWith("@FF raw src=geommap")));
        assertThat(e.problem()).isEqualTo(Problem.PARTITION_TABLE);
        assertThat(e).hasMessageContaining("no flash partition table").hasMessageContaining("GEOM_MAP");
    }

    @Test
    void refusesAPartitionThatReachesPastTheFlash() {
        ProbeFailedException e = failure(replaced(l -> l.replace("0 DISK flash/spi0 8388608", "0 DISK flash/spi0 4194304"))
                .stream().filter(l -> !l.startsWith("@FF raw src=geommap")).toList());
        assertThat(e.problem()).isEqualTo(Problem.PARTITION_TABLE);
        assertThat(e).hasMessageContaining("past the end of flash/spi0");
    }

    @Test
    void refusesNonNumericNumbersInConftxt() {
        ProbeFailedException e = failure(replaced(l -> l.replace("i 2 o 131072", "i 2 o 0x20000")));
        assertThat(e.problem()).isEqualTo(Problem.BAD_VALUE);
        assertThat(e).hasMessageContaining("kern.geom.conftxt line 7").hasMessageContaining("0x20000");
    }

    // ------------------------------------------------------------ agent failures

    @Test
    void reportsAMissingDoneWithTheLastLogLines() {
        List<String> lines = without(l -> l.startsWith("@FF done"));
        lines.add("Segmentation fault (core dumped)");
        ProbeFailedException e = failure(lines);
        assertThat(e.problem()).isEqualTo(Problem.AGENT_DIED);
        assertThat(e).hasMessageContaining("without 'done'").hasMessageEndingWith("Segmentation fault (core dumped)");
    }

    @Test
    void reportsAnEmptyOutputAsAnAgentThatNeverStarted() {
        ProbeFailedException e = failure(List.of("sh: /tmp/fleetflash/ffagent.sh: not found"));
        assertThat(e.problem()).isEqualTo(Problem.AGENT_DIED);
        assertThat(e).hasMessageContaining("no hello").hasMessageContaining("ffagent.sh: not found");
    }

    @Test
    void reportsTheAgentsErrorWithItsCode() {
        List<String> lines = transcript().subList(0, 5);
        lines = new ArrayList<>(lines);
        lines.add("@FF error code=NO_SYSCTL text=sysctl is missing");
        ProbeFailedException e = failure(lines);
        assertThat(e.problem()).isEqualTo(Problem.AGENT_ERROR);
        assertThat(e.agentCode()).contains("NO_SYSCTL");
        assertThat(e).hasMessageContaining("NO_SYSCTL: sysctl is missing");
    }

    @ParameterizedTest
    @ValueSource(strings = {"mem.physmem", "mem.usermem", "mem.pagesize", "mem.freepages", "os.reldate"})
    void refusesAProbeWithoutAMemoryOrVersionFact(String key) {
        ProbeFailedException e = failure(without(l -> l.startsWith("@FF fact key=" + key + " ")));
        assertThat(e.problem()).isEqualTo(Problem.MISSING_FACT);
        assertThat(e).hasMessageContaining("'" + key + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"128M", "-1", "", " 134217728", "1e9", "99999999999999999999"})
    void refusesNonNumericMemory(String value) {
        ProbeFailedException e = failure(replaced(l -> l.startsWith("@FF fact key=mem.physmem ")
                ? "@FF fact key=mem.physmem text=" + value : l));
        assertThat(e.problem()).isEqualTo(Problem.BAD_VALUE);
        assertThat(e).hasMessageContaining("'mem.physmem'").hasMessageContaining("not a whole number");
    }

    @Test
    void refusesAnUnknownTmpfsAnswer() {
        ProbeFailedException e = failure(replaced(l -> l.replace("key=tmpfs text=yes", "key=tmpfs text=maybe")));
        assertThat(e.problem()).isEqualTo(Problem.BAD_VALUE);
    }

    @Test
    void assumesTheSafeSideForMissingTmpfsAndWatchdogFacts() throws Exception {
        DeviceFacts facts = build(replaced(l -> l.replace("key=watchdogd text=running", "key=watchdogd text=stopped"))
                .stream().filter(l -> !l.startsWith("@FF fact key=tmpfs")).toList());
        assertThat(facts.tmpfs()).isFalse();
        assertThat(facts.watchdogdRunning()).isFalse();
        DeviceFacts noWatchdogFact = build(without(l -> l.startsWith("@FF fact key=watchdogd")));
        assertThat(noWatchdogFact.watchdogdRunning()).isTrue();
        assertThat(noWatchdogFact.warnings()).singleElement().asString().contains("watchdogd");
    }

    @Test
    void refusesAnotherProtocolVersion() {
        ProbeFailedException e = failure(replaced(l -> l.replace("hello agent=1", "hello agent=2")));
        assertThat(e.problem()).isEqualTo(Problem.PROTOCOL);
        assertThat(e).hasMessageContaining("version 2");
    }

    @Test
    void refusesMachineLinesAfterDone() {
        List<String> lines = transcript();
        lines.add("@FF fact key=mem.physmem text=1");
        assertThat(failure(lines).problem()).isEqualTo(Problem.PROTOCOL);
    }

    @Test
    void refusesMachineLinesBeforeHello() {
        List<String> lines = transcript();
        lines.add(0, "@FF fact key=hostname text=early");
        assertThat(failure(lines)).hasMessageContaining("instead of hello");
    }

    @Test
    void refusesAFactReportedTwiceWithDifferentValues() {
        assertThat(failure(beforeDone("@FF fact key=mem.physmem text=268435456")))
                .hasMessageContaining("'mem.physmem' twice");
    }

    @Test
    void keepsRejectedMachineLinesAsWarningsAndStillBuilds() throws Exception {
        DeviceFacts facts = build(beforeDone("@FF tool name=dd present=maybe", "@FF progress pct=5"));
        assertThat(facts.tools()).containsEntry("dd", true);
        assertThat(facts.warnings()).hasSize(2).anySatisfy(w -> assertThat(w).contains("present"))
                .anySatisfy(w -> assertThat(w).contains("unknown kind 'progress'"));
    }

    @Test
    void cutsAHostNameLongerThanFreeBsdAllowsAndSaysSo() throws Exception {
        DeviceFacts facts = build(replaced(l -> l.startsWith("@FF fact key=hostname")
                ? "@FF fact key=hostname text=" + "h".repeat(4000) : l));
        assertThat(facts.hostname()).isEqualTo("h".repeat(255));
        assertThat(facts.warnings()).anyMatch(w -> w.contains("hostname is longer than 255"));
    }

    @Test
    void keepsHostileFactTextAsSanitisedData() throws Exception {
        DeviceFacts facts = build(replaced(l -> l.startsWith("@FF fact key=hostname")
                ? "@FF fact key=hostname text==cmd|' /C calc'!A0 \u001b[2J\u0007" : l));
        assertThat(facts.hostname()).isEqualTo("=cmd|' /C calc'!A0 \uFFFD[2J\uFFFD");
    }

    @Test
    void refusesMoreRawLinesThanAnyFlashHas() {
        List<String> lines = transcript();
        for (int i = 0; i <= DeviceFactsBuilder.MAX_RAW_LINES_PER_SOURCE; i++) {
            lines.add(lines.size() - 1, "@FF raw src=confxml text=<name>x</name>");
        }
        assertThat(failure(lines).problem()).isEqualTo(Problem.BAD_VALUE);
    }

    @Test
    void refusesUnreadableMdUnits() {
        assertThatThrownBy(() -> build(replaced(l -> l.replace("text=md0 md1", "text=md0 /etc/passwd"))))
                .isInstanceOf(ProbeFailedException.class).hasMessageContaining("mdconfig -l");
    }
}

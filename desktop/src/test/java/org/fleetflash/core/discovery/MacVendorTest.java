package org.fleetflash.core.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** MAC spellings, the bundled IEEE vendor table, and the merge of scan results with the neighbour table. */
class MacVendorTest {

    @ParameterizedTest
    @CsvSource({
        "00:50:BF:25:68:F3, 00:50:bf:25:68:f3",
        "0:18:1:8f:23:ed, 00:18:01:8f:23:ed",
        "00-e0-98-00-7c-dc, 00:e0:98:00:7c:dc",
        "00d0.f800.0001, 00:d0:f8:00:00:01"})
    void readsEverySpellingTheSystemsPrint(String text, String canonical) {
        assertThat(MacAddress.parse(text)).hasToString(canonical);
    }

    @ParameterizedTest
    @ValueSource(strings = {"(incomplete)", "<incomplete>", "00:11:22:33:44", "00:11:22:33:44:55:66", "0g:11:22:33:44:55", ""})
    void rejectsWhatIsNotAMac(String text) {
        assertThat(MacAddress.tryParse(text)).isEmpty();
    }

    @Test
    void bundledTableNamesKnownVendorsAndRecordsWhereItCameFrom() {
        OuiTable t = OuiTable.bundled();

        assertThat(t.size()).isGreaterThan(40_000);
        assertThat(t.vendorOf(MacAddress.parse("00:0a:eb:01:02:03"))).hasValueSatisfying(v -> assertThat(v).containsIgnoringCase("TP-LINK"));
        assertThat(t.vendorOf(MacAddress.parse("00:00:0c:76:3f:85"))).hasValueSatisfying(v -> assertThat(v).containsIgnoringCase("Cisco"));
        assertThat(t.source()).contains("IEEE").contains("ieee-data");
        assertThat(t.registryDate()).matches("\\d{4}-\\d{2}-\\d{2}");
    }

    @Test
    void longestPrefixWinsAndLocalAddressesHaveNoVendor() throws IOException {
        String text = "# source: test\n# registry date: 2024-01-02\nAABBCC\tBig Block Inc\nAABBCCD\tMedium Block Ltd\nAABBCCDDE\tSmall Block GmbH\n";
        OuiTable t = OuiTable.load(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));

        assertThat(t.vendorOf(MacAddress.parse("aa:bb:cc:11:22:33"))).isEmpty(); // 0xAA has the local bit
        OuiTable u = OuiTable.load(new ByteArrayInputStream(text.replace("AABB", "A8BB").getBytes(StandardCharsets.UTF_8)));
        assertThat(u.vendorOf(MacAddress.parse("a8:bb:cc:11:22:33"))).contains("Big Block Inc");
        assertThat(u.vendorOf(MacAddress.parse("a8:bb:cc:d1:22:33"))).contains("Medium Block Ltd");
        assertThat(u.vendorOf(MacAddress.parse("a8:bb:cc:dd:e2:33"))).contains("Small Block GmbH");
        assertThat(u.registryDate()).isEqualTo("2024-01-02");
    }

    @Test
    void mergeJoinsOpenPortsWithMacAndVendorAndKeepsLiveNeighboursInsideThePlan() throws Exception {
        ScanPlan plan = ScanPlan.of(List.of("127.0.101.0/24"), List.of(22), false);
        Ipv4Address router = Ipv4Address.parse("127.0.101.1");
        ScanHit hit = new ScanHit(router, 22, "SSH-2.0-OpenSSH_7.2 FreeBSD-20160310", SshGuess.FREEBSD, "FreeBSD", java.time.Duration.ZERO);
        List<Neighbour> table = List.of(
                new Neighbour("127.0.101.1", Optional.of(MacAddress.parse("00:0a:eb:01:02:03")), "eth0", "reachable"),
                new Neighbour("127.0.101.50", Optional.of(MacAddress.parse("00:00:0c:01:02:03")), "eth0", "stale"),
                new Neighbour("127.0.101.60", Optional.empty(), "eth0", "incomplete"),
                new Neighbour("127.0.102.9", Optional.of(MacAddress.parse("00:00:0c:01:02:04")), "eth1", "reachable"));

        List<DiscoveredHost> hosts = Discovery.merge(plan, List.of(hit), table, OuiTable.bundled(), Map.of(router, "gw.example"));

        assertThat(hosts).extracting(h -> h.address().toString()).containsExactly("127.0.101.1", "127.0.101.50");
        DiscoveredHost gw = hosts.get(0);
        assertThat(gw.looksLikeFreeBsdRouter()).isTrue();
        assertThat(gw.vendor()).hasValueSatisfying(v -> assertThat(v).containsIgnoringCase("TP-LINK"));
        assertThat(gw.reverseName()).contains("gw.example");
        assertThat(hosts.get(1).openPorts()).isEmpty();
        assertThat(hosts.get(1).guess()).isEmpty();
    }
}

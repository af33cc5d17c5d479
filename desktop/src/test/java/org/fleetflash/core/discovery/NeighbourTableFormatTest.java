package org.fleetflash.core.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The neighbour-table parsers against real outputs taken from documentation (see neighbours/SOURCES.md). */
class NeighbourTableFormatTest {

    static String sample(String name) throws IOException {
        try (InputStream in = NeighbourTableFormatTest.class.getResourceAsStream("neighbours/" + name)) {
            assertThat(in).as("sample %s", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Neighbour entry(List<Neighbour> all, String address) {
        return all.stream().filter(n -> n.address().equals(address)).findFirst().orElseThrow();
    }

    @Test
    void readsProcNetArpAndTreatsAnIncompleteEntryAsUnresolved() throws IOException {
        List<Neighbour> n = NeighbourTableFormat.PROC_NET_ARP.parse(sample("proc-net-arp.txt"));

        assertThat(n).extracting(Neighbour::address).containsExactly("192.168.0.50", "192.168.0.250");
        assertThat(entry(n, "192.168.0.50").mac()).contains(MacAddress.parse("00:50:bf:25:68:f3"));
        assertThat(entry(n, "192.168.0.50").device()).isEqualTo("eth0");
        assertThat(entry(n, "192.168.0.50").state()).isEqualTo("complete");
        assertThat(entry(n, "192.168.0.50").resolved()).isTrue();
        assertThat(entry(n, "192.168.0.250").resolved()).isFalse();
    }

    @Test
    void readsIpNeighIncludingIpv6AndAContinuedLine() throws IOException {
        List<Neighbour> n = NeighbourTableFormat.IP_NEIGH.parse(sample("ip-neigh-ip-cref.txt"));

        assertThat(n).extracting(Neighbour::address)
                .containsExactly("::", "fe80::200:cff:fe76:3f85", "0.0.0.0", "193.233.7.254", "193.233.7.85");
        assertThat(entry(n, "fe80::200:cff:fe76:3f85").state()).isEqualTo("stale");
        assertThat(entry(n, "fe80::200:cff:fe76:3f85").ipv4()).isEmpty();
        assertThat(entry(n, "193.233.7.254").mac()).contains(MacAddress.parse("00:00:0c:76:3f:85"));
        assertThat(entry(n, "193.233.7.254").state()).isEqualTo("reachable");
        assertThat(entry(n, "193.233.7.85").device()).isEqualTo("eth0");
        assertThat(entry(n, "::").resolved()).as("all-zero lladdr of lo").isFalse();
    }

    @Test
    void readsTodaysIpNeighWithUpperCaseStatesAndNoLinkAddressOnFailure() {
        String text = "10.1.2.3 dev enp3s0 lladdr 52:54:00:12:34:56 REACHABLE\n"
                + "10.1.2.4 dev enp3s0 FAILED\n"
                + "10.1.2.5 dev enp3s0 lladdr 52:54:00:12:34:57 router STALE\n";
        List<Neighbour> n = NeighbourTableFormat.IP_NEIGH.parse(text);

        assertThat(n).extracting(Neighbour::state).containsExactly("reachable", "failed", "stale");
        assertThat(entry(n, "10.1.2.4").resolved()).isFalse();
        assertThat(entry(n, "10.1.2.5").mac()).contains(MacAddress.parse("52:54:00:12:34:57"));
    }

    @Test
    void readsMacOsArpWithShortenedOctetsAndIncompleteEntries() throws IOException {
        List<Neighbour> n = NeighbourTableFormat.BSD_ARP.parse(sample("macos-arp-a.txt"));

        assertThat(n).hasSize(6);
        assertThat(entry(n, "192.168.1.1").mac()).contains(MacAddress.parse("00:18:01:8f:23:ed"));
        assertThat(entry(n, "192.168.1.1").device()).isEqualTo("en1");
        assertThat(entry(n, "169.254.77.120").mac()).isEmpty();
        assertThat(entry(n, "169.254.77.120").state()).isEqualTo("incomplete");
        assertThat(n.stream().filter(Neighbour::resolved)).hasSize(5);
    }

    @Test
    void readsLinuxNetToolsAndFreeBsdArpWithTheSameParser() {
        String text = "? (192.168.1.1) at 00:11:22:33:44:55 [ether] on eth0\n"
                + "? (10.0.0.1) at 00:0c:29:aa:bb:cc on em0 permanent [ethernet]\n";
        List<Neighbour> n = NeighbourTableFormat.BSD_ARP.parse(text);

        assertThat(entry(n, "192.168.1.1").device()).isEqualTo("eth0");
        assertThat(entry(n, "10.0.0.1").state()).isEqualTo("permanent");
    }

    @Test
    void readsWindowsArpOfServer2003AndWindows10() throws IOException {
        List<Neighbour> old = NeighbourTableFormat.WINDOWS_ARP.parse(sample("windows-2003-arp-a.txt"));
        List<Neighbour> now = NeighbourTableFormat.WINDOWS_ARP.parse(sample("windows-10-arp-a.txt"));

        assertThat(old).containsExactly(new Neighbour("10.0.0.99", Optional.of(MacAddress.parse("00:e0:98:00:7c:dc")), "10.0.0.1", "dynamic"));
        assertThat(now).extracting(Neighbour::address)
                .containsExactly("192.168.1.1", "192.168.1.50", "192.168.1.255", "224.0.0.22", "224.0.0.252");
        assertThat(entry(now, "192.168.1.1").device()).isEqualTo("192.168.1.100");
        assertThat(entry(now, "192.168.1.255").resolved()).as("broadcast").isFalse();
        assertThat(entry(now, "224.0.0.22").resolved()).as("multicast").isFalse();
        assertThat(now.stream().filter(Neighbour::resolved)).extracting(Neighbour::address)
                .containsExactly("192.168.1.1", "192.168.1.50");
    }

    @ParameterizedTest
    @CsvSource({
        "proc-net-arp.txt, PROC_NET_ARP",
        "ip-neigh-ip-cref.txt, IP_NEIGH",
        "macos-arp-a.txt, BSD_ARP",
        "windows-2003-arp-a.txt, WINDOWS_ARP",
        "windows-10-arp-a.txt, WINDOWS_ARP"})
    void recognisesEachFormatByItsShape(String file, NeighbourTableFormat expected) throws IOException {
        assertThat(NeighbourTableFormat.detect(sample(file))).isEqualTo(expected);
    }

    @Test
    void skipsGarbageAndNamesWithoutFailing() {
        String junk = "arp: command not found\n\u0000\u0001binary\nrouter.lan (router.lan) at 00:11:22:33:44:55 on en0\n";
        for (NeighbourTableFormat f : NeighbourTableFormat.values()) {
            assertThat(f.parse(junk)).as(f.name()).isEmpty();
        }
    }
}

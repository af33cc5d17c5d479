package org.fleetflash.core.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What the Scan window suggests from the laptop's interface addresses. */
class LocalSubnetsTest {

    private static LocalSubnets.InterfaceAddressV4 at(String name, String address, int prefix) {
        return new LocalSubnets.InterfaceAddressV4(name, Ipv4Address.parse(address), prefix);
    }

    @Test
    void eachSubnetOnceNarrowWideOnesToTheLaptopsSlash24AndLeaveOutLoopbackLinkLocalAndHostRoutes() {
        List<String> blocks = LocalSubnets.blocks(List.of(
                at("wlan0", "192.168.1.37", 24),
                at("eth0", "192.168.1.40", 24),
                at("eth1", "10.20.30.40", 8),
                at("eth2", "172.16.5.9", 23),
                at("lo", "127.0.0.1", 8),
                at("eth3", "169.254.10.1", 16),
                at("tun0", "10.8.0.6", 32)));

        assertThat(blocks).containsExactly("192.168.1.0/24", "10.20.30.0/24", "172.16.4.0/23");
    }

    @Test
    void everySuggestionIsAPlanTheScanAccepts() throws Exception {
        for (String b : LocalSubnets.blocks(List.of(at("a", "10.1.2.3", 22), at("b", "192.0.2.9", 30), at("c", "198.51.100.7", 1)))) {
            assertThat(ScanPlan.of(List.of(b), List.of(22), false).addressCount()).as(b).isBetween(2L, 1022L);
        }
    }

    @Test
    void thisLaptopsListNeverHoldsLoopback() {
        assertThat(LocalSubnets.ofThisLaptop()).noneMatch(b -> b.startsWith("127."));
    }
}

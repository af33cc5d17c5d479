package org.fleetflash.core.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Target syntax and the safety rules every scan passes through. */
class ScanPlanTest {

    private static List<String> all(ScanPlan plan) {
        List<String> out = new ArrayList<>();
        Iterator<Ipv4Address> it = plan.addresses();
        while (it.hasNext() && out.size() < 100_000) {
            out.add(it.next().toString());
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "127.168.1.0/24, 127.168.1.0, 127.168.1.255, 256",
        "127.168.1.10-20, 127.168.1.10, 127.168.1.20, 11",
        "127.168.1.250-127.168.2.5, 127.168.1.250, 127.168.2.5, 12",
        "127.0.0.7, 127.0.0.7, 127.0.0.7, 1",
        "127.0.0.0/16, 127.0.0.0, 127.0.255.255, 65536",
        "127.1.2.3/32, 127.1.2.3, 127.1.2.3, 1"})
    void parsesBlocksRangesAndSingleAddresses(String text, String first, String last, long size) {
        AddressRange r = AddressRange.parse(text);

        assertThat(r.first()).hasToString(first);
        assertThat(r.last()).hasToString(last);
        assertThat(r.size()).isEqualTo(size);
    }

    @ParameterizedTest
    @ValueSource(strings = {"router.lan", "127.168.1", "127.168.1.256", "127.168.1.0/33", "127.168.1.1/24",
        "127.168.1.20-10", "127.168.1.1-300", "fe80::1", "", "1.2.3.4/-1", "+1.2.3.4"})
    void refusesWhatIsNotAnIpv4TargetWithAHint(String text) {
        assertThatThrownBy(() -> ScanPlan.of(List.of(text), List.of(22), false))
                .isInstanceOf(ScanRefusedException.class)
                .hasMessageMatching("(?s).*(write|give|Names are not resolved|0-32|ends before).*");
    }

    @ParameterizedTest
    @ValueSource(strings = {"224.0.0.1", "239.255.255.250", "255.255.255.255", "0.0.0.0", "0.1.2.3",
        "240.0.0.1", "223.255.255.0-224.0.0.5", "192.0.0.0/2"})
    void refusesMulticastBroadcastAndUnspecifiedTargets(String text) {
        assertThatThrownBy(() -> ScanPlan.of(List.of(text), List.of(22), true))
                .isInstanceOf(ScanRefusedException.class)
                .hasMessageContaining("not a target");
    }

    @Test
    void allowsASlash16WithoutForceButNotMore() throws ScanRefusedException {
        assertThat(ScanPlan.of(List.of("127.0.0.0/16"), List.of(22), false).addressCount()).isEqualTo(65534);
        assertThat(ScanPlan.of(List.of("127.0.0.0-127.0.255.255"), List.of(22), false).addressCount()).isEqualTo(65536);
        assertThatThrownBy(() -> ScanPlan.of(List.of("127.0.0.0/15"), List.of(22), false))
                .isInstanceOf(ScanRefusedException.class).hasMessageContaining("--force");
        assertThatThrownBy(() -> ScanPlan.of(List.of("127.0.0.0/16", "127.5.0.0/16"), List.of(22), false))
                .isInstanceOf(ScanRefusedException.class).hasMessageContaining("--force");
    }

    @Test
    void forceLiftsTheSlash16LimitButNeverBeyondASlash8() throws ScanRefusedException {
        assertThat(ScanPlan.of(List.of("127.0.0.0/15"), List.of(22), true).addressCount()).isEqualTo(131070);
        assertThat(ScanPlan.of(List.of("127.0.0.0/8"), List.of(22), true).addressCount()).isEqualTo((1L << 24) - 2);
        assertThatThrownBy(() -> ScanPlan.of(List.of("126.0.0.0/7"), List.of(22), true))
                .isInstanceOf(ScanRefusedException.class).hasMessageContaining("even with --force");
    }

    @Test
    void skipsNetworkAndBroadcastOfABlockButNotWhenNamedOnTheirOwn() throws ScanRefusedException {
        assertThat(all(ScanPlan.of(List.of("127.168.7.0/30"), List.of(22), false))).containsExactly("127.168.7.1", "127.168.7.2");
        assertThat(all(ScanPlan.of(List.of("127.168.7.0/30", "127.168.7.3"), List.of(22), false)))
                .containsExactly("127.168.7.1", "127.168.7.2", "127.168.7.3");
        assertThat(all(ScanPlan.of(List.of("127.168.7.0/31"), List.of(22), false))).containsExactly("127.168.7.0", "127.168.7.1");
    }

    @Test
    void mergesOverlappingTargetsSoNoAddressIsTriedTwice() throws ScanRefusedException {
        ScanPlan plan = ScanPlan.of(List.of("127.0.0.5-10", "127.0.0.8-12", "127.0.0.11", "127.0.0.20"), List.of(22, 2222, 22), false);

        assertThat(all(plan)).containsExactly("127.0.0.5", "127.0.0.6", "127.0.0.7", "127.0.0.8", "127.0.0.9", "127.0.0.10",
                "127.0.0.11", "127.0.0.12", "127.0.0.20");
        assertThat(plan.ports()).containsExactly(22, 2222);
        assertThat(plan.probeCount()).isEqualTo(18);
        assertThat(plan.covers(Ipv4Address.parse("127.0.0.12"))).isTrue();
        assertThat(plan.covers(Ipv4Address.parse("127.0.0.13"))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 65536})
    void refusesPortsOutOfRange(int port) {
        assertThatThrownBy(() -> ScanPlan.of(List.of("127.0.0.1"), List.of(port), false))
                .isInstanceOf(ScanRefusedException.class).hasMessageContaining("1-65535");
    }

    @Test
    void refusesAnEmptyRequest() {
        assertThatThrownBy(() -> ScanPlan.of(List.of(), List.of(22), false)).isInstanceOf(ScanRefusedException.class);
        assertThatThrownBy(() -> ScanPlan.of(List.of("127.0.0.1"), List.of(), false)).isInstanceOf(ScanRefusedException.class);
    }

    @Test
    void descriptorLimitLowersConcurrencyOrRefusesWithAHint() throws ScanRefusedException {
        assertThat(ScanJob.clampToDescriptors(1024, 20_000)).isEqualTo(1024);
        assertThat(ScanJob.clampToDescriptors(1024, 1024)).isEqualTo((1024 - 128) / 2);
        assertThat(ScanJob.clampToDescriptors(1024, -1)).isEqualTo(1024);
        assertThatThrownBy(() -> ScanJob.clampToDescriptors(1024, 140))
                .isInstanceOf(ScanRefusedException.class).hasMessageContaining("ulimit -n");
    }

    @Test
    void readsTheSoftDescriptorLimitFromProcLimits() {
        List<String> limits = List.of("Limit                     Soft Limit           Hard Limit           Units",
                "Max processes             63419                63419                processes",
                "Max open files            1024                 524288               files");

        assertThat(LinuxDescriptors.softLimit(limits)).isEqualTo(1024);
        assertThat(LinuxDescriptors.softLimit(List.of("Max open files            unlimited            unlimited            files")))
                .isEqualTo(Long.MAX_VALUE);
        assertThat(LinuxDescriptors.softLimit(List.of("Max processes 1 1"))).isEqualTo(-1);
    }

    @Test
    void optionsRefuseUnboundedValues() {
        assertThatThrownBy(() -> ScanOptions.DEFAULTS.withConcurrency(0)).hasMessageContaining("1-8192");
        assertThatThrownBy(() -> ScanOptions.DEFAULTS.withConcurrency(100_000)).hasMessageContaining("1-8192");
        assertThatThrownBy(() -> ScanOptions.DEFAULTS.withConnectTimeout(java.time.Duration.ofMinutes(5))).hasMessageContaining("10-60000");
    }
}

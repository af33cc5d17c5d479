package org.fleetflash.core.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading this machine's real neighbour table, and the bounds on the listing tools. */
class NeighbourTableIT {

    @Test
    void readsThisMachinesTableWithoutSendingAnything() throws IOException {
        assumeTrue(Files.isReadable(Path.of("/proc/net/arp")), "Linux only");

        List<Neighbour> table = NeighbourTable.readLocal(Duration.ofSeconds(2));
        String raw = Files.readString(Path.of("/proc/net/arp"));

        assertThat(table).hasSize((int) raw.lines().skip(1).filter(l -> !l.isBlank()).count());
        assertThat(table).allSatisfy(n -> assertThat(n.ipv4()).isPresent());
    }

    @Test
    void parsesTheRealIpNeighOutputOfThisMachine() throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")) || Files.isExecutable(Path.of("/usr/bin/ip")),
                "iproute2 not installed");

        String out = NeighbourTable.run(List.of("ip", "neigh", "show"), Duration.ofSeconds(2));
        List<Neighbour> parsed = NeighbourTableFormat.IP_NEIGH.parse(out);

        assertThat(parsed).hasSize((int) out.lines().filter(l -> !l.isBlank()).count());
    }

    @Test
    void aListingToolThatHangsIsStoppedAtItsDeadline() {
        long start = System.nanoTime();

        assertThatThrownBy(() -> NeighbourTable.run(List.of("sh", "-c", "sleep 30"), Duration.ofMillis(300)))
                .isInstanceOf(IOException.class).hasMessageContaining("did not finish within 300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
}

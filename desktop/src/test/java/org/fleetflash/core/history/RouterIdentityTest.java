package org.fleetflash.core.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.fleetflash.core.settings.DataDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A router reached over the laptop's own link is recorded with its MAC address, which outlives a changed IP. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RouterIdentityTest {

    @TempDir
    Path dir;

    @Test
    void theMacAddressFromTheNeighbourTableIsRecordedWhenTheRouterIsProbedAndNotInventedOtherwise() throws Exception {
        DataDirectory data = DataDirectory.resolve(Optional.of(dir.resolve("data")), Map.of(), "Linux", dir);
        Path image = Files.write(dir.resolve("fw.bin"), new byte[] {1});
        HistoryWriter.MacLookup table = host -> "192.0.2.10".equals(host) ? Optional.of("f4:ec:38:01:02:03") : Optional.empty();
        try (History history = History.open(data, table)) {
            Instant t0 = Instant.parse("2026-11-30T09:00:00Z");
            AttemptEvents.succeeded(AttemptEvents.ref("a", "b", "192.0.2.10", 22), t0, image, dir).forEach(history.writer()::on);
            AttemptEvents.succeeded(AttemptEvents.ref("c", "b", "192.0.2.11", 22), t0, image, dir).forEach(history.writer()::on);
            assertThat(history.writer().awaitWritten(Duration.ofSeconds(20))).isTrue();
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.history()); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT host, mac FROM routers ORDER BY host")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(2)).isEqualTo("f4:ec:38:01:02:03");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("192.0.2.11");
            assertThat(rs.getString(2)).as("a router not in the table (another subnet, loopback) has no MAC").isNull();
        }
    }
}

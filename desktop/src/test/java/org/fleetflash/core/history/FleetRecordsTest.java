package org.fleetflash.core.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.fleetflash.core.device.SshTarget;
import org.fleetflash.core.settings.DataDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet list the window remembers across starts, in a real SQLite history: routers added, probed, upgraded and
 * removed, what each last reported, and a history from before the list existed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FleetRecordsTest {

    private static final Instant T0 = Instant.parse("2026-11-30T08:00:00Z");

    @TempDir
    Path dir;

    private DataDirectory data() {
        return DataDirectory.resolve(Optional.of(dir.resolve("data")), Map.of(), "Linux", dir);
    }

    @Test
    void aRouterAddedThenProbedIsListedWithWhatItReportedAndItsHostileTextEscaped() throws Exception {
        SshTarget added = new SshTarget("192.0.2.10", 22);
        SshTarget probed = new SshTarget("192.0.2.11", 2222);
        try (History history = History.open(data())) {
            history.fleet().remember(List.of(added, probed), T0);
            history.fleet().probed(probed, AttemptEvents.facts("TL-WDR3600\u001b[2J", "12.1-r5\u202e", "lab-\u0007ap"), T0.plusSeconds(5));
        }
        try (History again = History.open(data())) { // the next start
            List<FleetRecords.Listed> listed = again.fleet().listed();
            assertThat(listed).extracting(FleetRecords.Listed::target).containsExactly(added, probed);
            assertThat(listed.get(0).model()).isEmpty();
            assertThat(listed.get(0).lastOutcome()).as("never upgraded").isEmpty();
            FleetRecords.Listed p = listed.get(1);
            assertThat(p.hostname()).contains("lab-\\x07ap");
            assertThat(p.model()).contains("TL-WDR3600\\x1b[2J");
            assertThat(p.architecture()).contains("mips");
            assertThat(p.firmware()).contains("12.1-r5\\u202e");
        }
    }

    @Test
    void aRemovedRouterStaysInTheHistoryAndIsListedAgainOnceAddedOrUpgradedAgain() throws Exception {
        Path image = Files.write(dir.resolve("fw.bin"), new byte[] {1});
        SshTarget a = new SshTarget("192.0.2.20", 22);
        SshTarget b = new SshTarget("192.0.2.21", 22);
        try (History history = History.open(data())) {
            AttemptEvents.succeeded(AttemptEvents.ref("att-a", "batch-1", a.host(), a.port()), T0, image, dir).forEach(history.writer()::on);
            assertThat(history.writer().awaitWritten(Duration.ofSeconds(20))).isTrue();
            history.fleet().remember(List.of(b), T0.plusSeconds(60));
            assertThat(history.fleet().listed()).extracting(FleetRecords.Listed::target).containsExactly(a, b);
            FleetRecords.Listed upgraded = history.fleet().listed().get(0);
            assertThat(upgraded.lastOutcome()).contains("SUCCEEDED");
            assertThat(upgraded.firmware()).as("the version it came back with").contains("11.0-r200");

            history.fleet().remove(List.of(a, b), T0.plusSeconds(120));
            assertThat(history.fleet().listed()).isEmpty();
            assertThat(history.attempts(AttemptFilter.all())).extracting(AttemptRecord::attemptId).as("its upgrades stay")
                    .containsExactly("att-a");

            history.fleet().remember(List.of(b), T0.plusSeconds(180));
            assertThat(history.fleet().listed()).extracting(FleetRecords.Listed::target).containsExactly(b);
            AttemptEvents.succeeded(AttemptEvents.ref("att-a2", "batch-2", a.host(), a.port()), T0.plusSeconds(240), image, dir)
                    .forEach(history.writer()::on);
            assertThat(history.writer().awaitWritten(Duration.ofSeconds(20))).isTrue();
            assertThat(history.fleet().listed()).extracting(FleetRecords.Listed::target).as("upgraded again: listed again")
                    .containsExactly(a, b);
            assertThat(history.fleet().listed().get(0).model()).as("what it reported before is kept").isPresent();
        }
    }

    @Test
    void aHistoryFromBeforeTheListListsItsRoutersWithTheirLastAttempt() throws Exception {
        DataDirectory data = data();
        data.ensureExists();
        Database v3 = Database.openOrCreate(data.history());
        assertThat(v3.migrate("3")).isEqualTo("3");
        try (Connection c = v3.connect(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO routers (id, host, port, model, first_seen, last_seen) VALUES (7, '192.0.2.9', 22, 'TL-WDR3600', 1000, 2000)");
            st.execute("INSERT INTO routers (id, host, port, first_seen, last_seen) VALUES (8, '192.0.2.8', 22, 1100, 2100)");
            st.execute("INSERT INTO batches (id, started_at) VALUES ('b', 1000)");
            st.execute("INSERT INTO attempts (id, batch_id, router_id, started_at, ended_at, outcome, old_version, new_version) VALUES "
                    + "('ok', 'b', 7, 1500, 8000, 'SUCCEEDED', 'r1', 'r2')");
            st.execute("INSERT INTO attempts (id, batch_id, router_id, started_at, ended_at, outcome, old_version) VALUES "
                    + "('safe', 'b', 8, 1500, 8000, 'FAILED_SAFE', 'r1')");
            st.execute("INSERT INTO attempts (id, batch_id, router_id, started_at, outcome, old_version, interrupted_at) VALUES "
                    + "('killed', 'b', 8, 1600, NULL, 'r1', 9000)");
        }
        try (History history = History.open(data)) {
            List<FleetRecords.Listed> listed = history.fleet().listed();
            assertThat(listed).extracting(l -> l.target().hostPort() + " " + l.lastOutcome().orElse("") + " " + l.firmware().orElse(""))
                    .containsExactly("192.0.2.9:22 SUCCEEDED r2", "192.0.2.8:22 INTERRUPTED r1");
        }
    }
}

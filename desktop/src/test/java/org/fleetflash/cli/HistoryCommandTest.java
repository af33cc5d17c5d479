package org.fleetflash.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.fleetflash.core.device.HostKeys;
import org.fleetflash.core.device.SshTarget;
import org.fleetflash.core.history.AttemptEvents;
import org.fleetflash.core.history.History;
import org.fleetflash.core.settings.DataDirectory;
import org.fleetflash.core.upgrade.AttemptRef;
import org.fleetflash.core.upgrade.UpgradeEvent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleetflash history list} over a real history: filters, a terminal table with inert router text, JSON. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HistoryCommandTest {

    private static final Instant T0 = Instant.parse("2026-11-30T09:00:00Z");
    private static final String HOSTILE_VERSION = "11.0-r200\u001b[2J\u202eé";

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void recordTwoAttempts() throws Exception {
        Path image = Files.write(dir.resolve("fw.bin"), new byte[] {1, 2});
        DataDirectory data = DataDirectory.resolve(Optional.of(dir.resolve("data")), Map.of(), "Linux", dir);
        try (History history = History.open(data)) {
            AttemptRef ok = AttemptEvents.ref("att-ok", "batch-A", "192.0.2.10", 22);
            List<UpgradeEvent> events = new ArrayList<>();
            for (UpgradeEvent e : AttemptEvents.succeeded(ok, T0, image, dir)) {
                events.add(e instanceof UpgradeEvent.Returned r ? new UpgradeEvent.Returned(r.attempt(), r.at(), Optional.of(HOSTILE_VERSION))
                        : e);
            }
            events.forEach(history.writer()::on);
            AttemptEvents.failedInDownload(AttemptEvents.ref("att-bad", "batch-B", "192.0.2.11", 2222), T0.plus(Duration.ofDays(2)), image)
                    .forEach(history.writer()::on);
            assertThat(history.writer().awaitWritten(Duration.ofSeconds(20))).isTrue();
        }
    }

    private int run(String... args) {
        List<String> all = new ArrayList<>(List.of("history", "list", "--data-dir", dir.resolve("data").toString()));
        all.addAll(List.of(args));
        return FleetFlashCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(all.toArray(String[]::new));
    }

    @Test
    void theTableShowsEveryAttemptWithTheRoutersTextInert() {
        assertThat(run()).isZero();
        String text = out.toString();
        assertThat(text).contains("192.0.2.10:22", "SUCCEEDED", "11.0-r100 -> 11.0-r200", "192.0.2.11:2222", "FAILED_SAFE",
                "DOWNLOAD_FAILED", "2 attempt(s).");
        assertThat(text).doesNotContain("\u001b", "\u202e");
        assertThat(text.lines().filter(l -> l.contains("download")).findFirst()).isPresent();
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void aDataDirectoryThatIsAFileIsRefusedNotShownAsAnEmptyHistory() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        int status = FleetFlashCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute("history", "list", "--data-dir", file.toString());
        assertThat(status).isNotZero();
        assertThat(out.toString()).doesNotContain("No attempt recorded matches.");
        assertThat(err.toString()).contains("The data directory " + file + " is a file, not a directory: choose another with --data-dir");
        assertThat(Files.readString(file)).as("left as it was").isEqualTo("x");
    }

    @Test
    void aHistoryThatCannotBeWrittenIsStillListedAsItIsWithWhatToDo() throws Exception {
        // a full disk or a read-only mount fails where the lock is written first; a directory in the lock file's
        // place fails the same way on any machine, even for root
        Path lock = dir.resolve("data").resolve("instance.lock");
        Files.deleteIfExists(lock);
        Files.createDirectory(lock);

        assertThat(run()).as(err.toString()).isZero();

        assertThat(out.toString()).contains("192.0.2.10:22", "SUCCEEDED", "192.0.2.11:2222", "2 attempt(s).");
        assertThat(err.toString()).contains("the history cannot be written here", "it is read as it is",
                "Free disk space or fix the data directory's permissions").doesNotContain("Exception");
    }

    @Test
    void filtersNarrowTheList() {
        assertThat(run("--outcome", "failed_safe")).isZero();
        assertThat(out.toString()).contains("192.0.2.11:2222").doesNotContain("192.0.2.10:22");
        out.getBuffer().setLength(0);
        assertThat(run("--until", "2026-11-30T12:00:00Z")).isZero();
        assertThat(out.toString()).contains("192.0.2.10:22").doesNotContain("192.0.2.11");
        out.getBuffer().setLength(0);
        assertThat(run("--since", "2026-12-01T00:00:00Z", "--router", "192.0.2.11:2222", "--batch", "batch-B")).isZero();
        assertThat(out.toString()).contains("192.0.2.11:2222", "1 attempt(s).");
        out.getBuffer().setLength(0);
        assertThat(run("--router", "192.0.2.99")).isZero();
        assertThat(out.toString()).contains("No attempt recorded matches.");
    }

    @Test
    void jsonKeepsTheRoutersTextExactWithNonAsciiEscaped() throws Exception {
        assertThat(run("--json", "--batch", "batch-A")).isZero();
        String raw = out.toString();
        assertThat(raw.chars().allMatch(c -> c < 0x7f)).as("only ASCII on the wire: %s", raw).isTrue();
        JsonNode doc = new ObjectMapper().readTree(raw);
        assertThat(doc.get("attempts")).hasSize(1);
        JsonNode a = doc.get("attempts").get(0);
        assertThat(a.get("attempt").asText()).isEqualTo("att-ok");
        assertThat(a.get("router").asText()).isEqualTo("192.0.2.10:22");
        assertThat(a.get("outcome").asText()).isEqualTo("SUCCEEDED");
        assertThat(a.get("blocksWritten").asLong()).isEqualTo(10);
        assertThat(a.get("durationMs").asLong()).isPositive();
        assertThat(a.get("newVersion").asText()).as("stored escaped: no control or format character reaches a reader")
                .startsWith("11.0-r200").endsWith("é").doesNotContain("\u001b", "\u202e");
    }

    @Test
    void aMistypedDataDirectoryIsSaidAndNotMadeIntoAnEmptyHistory() {
        Path typo = dir.resolve("dta");
        int status = FleetFlashCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute("history", "list",
                "--data-dir", typo.toString());

        assertThat(status).isZero();
        assertThat(err.toString()).contains("there is no FleetFlash data directory at " + typo + ", so no history to read: check"
                + " --data-dir (or FLEETFLASH_DATA_DIR).");
        assertThat(typo).as("neither the directory nor a log file in it was made").doesNotExist();
    }

    @Test
    void aPeriodThatEndsBeforeItStartsIsABadCommandLineNotAnEmptyHistory() {
        assertThat(run("--since", "2026-12-05", "--until", "2026-12-01")).isEqualTo(2);
        assertThat(err.toString()).contains("--since 2026-12-05 is not before --until 2026-12-01: no attempt can match. Swap them?");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void aBadDateOrOutcomeIsABadCommandLine() {
        assertThat(run("--since", "yesterday")).isEqualTo(2);
        assertThat(err.toString()).contains("--since", "2026-12-01");
        assertThat(run("--outcome", "BROKEN")).isEqualTo(2);
        assertThat(err.toString()).contains("SUCCEEDED, FAILED_SAFE, NEEDS_ATTENTION, INTERRUPTED or RUNNING");
    }

    @Test
    void forgetHostKeyRemovesAPinKeepsItInTheHistoryAndSaysWhenThereWasNone() throws Exception {
        DataDirectory data = DataDirectory.resolve(Optional.of(dir.resolve("data")), Map.of(), "Linux", dir);
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
        g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        java.security.PublicKey key = g.generateKeyPair().getPublic();
        SshTarget router = SshTarget.parse("192.0.2.10:2222");
        try (History history = History.open(data)) {
            history.hostKeys().pinIfAbsent(router, key);
        }
        String[] forget = {"history", "forget-host-key", "192.0.2.10:2222", "--data-dir", dir.resolve("data").toString()};

        assertThat(FleetFlashCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(forget)).isZero();
        assertThat(out.toString()).contains("Forgot the host key of 192.0.2.10:2222", HostKeys.fingerprint(key), "--accept-new-host-key");
        try (History history = History.open(data)) {
            assertThat(history.hostKeys().pinned(router)).isEmpty();
            assertThat(history.hostKeys().keyHistory(router)).singleElement()
                    .satisfies(k -> assertThat(k.unpinnedBy()).contains("FORGOTTEN"));
        }
        out.getBuffer().setLength(0);
        assertThat(FleetFlashCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(forget)).isZero();
        assertThat(out.toString()).contains("No host key is pinned for 192.0.2.10:2222");

        try (History holder = History.open(data)) {
            assertThat(FleetFlashCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(forget))
                    .as("another FleetFlash holds the data directory").isEqualTo(1);
            assertThat(err.toString()).startsWith("fleetflash history forget-host-key: The data directory").contains("in use by another FleetFlash");
        }
        err.getBuffer().setLength(0);
        assertThat(FleetFlashCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute("history", "forget-host-key", "1.2.3.4.5", "--data-dir", dir.resolve("data").toString())).isEqualTo(2);
    }
}

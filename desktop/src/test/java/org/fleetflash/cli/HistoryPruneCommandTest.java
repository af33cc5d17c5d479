package org.fleetflash.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.fleetflash.core.history.AttemptEvents;
import org.fleetflash.core.history.History;
import org.fleetflash.core.settings.DataDirectory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleetflash history prune} as a technician runs it: first the list, then the deletion with --yes. */
class HistoryPruneCommandTest {

    private static final Instant T0 = Instant.parse("2026-11-30T09:00:00Z");

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final List<Path> backups = new ArrayList<>();

    private DataDirectory data() {
        return DataDirectory.resolve(Optional.of(dir.resolve("data")), Map.of(), "Linux", dir);
    }

    @BeforeEach
    void threeBackupsOfOneRouter() throws Exception {
        Path image = Files.write(dir.resolve("fw.bin"), new byte[] {1, 2});
        try (History history = History.open(data())) {
            for (int i = 0; i < 3; i++) {
                Path b = AttemptEvents.backupFiles(data().backups().resolve("r_192.0.2.10_att-" + i));
                backups.add(b);
                AttemptEvents.succeeded(AttemptEvents.ref("att-" + i, "batch-" + i, "192.0.2.10", 22), T0.plus(Duration.ofHours(i)),
                        image, b).forEach(history.writer()::on);
            }
            assertThat(history.writer().awaitWritten(Duration.ofSeconds(20))).isTrue();
        }
    }

    private int run(String... args) {
        List<String> all = new ArrayList<>(List.of("history", "prune", "--data-dir", dir.resolve("data").toString()));
        all.addAll(List.of(args));
        return FleetFlashCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(all.toArray(String[]::new));
    }

    @Test
    void aDataDirectoryThatIsAFileIsRefusedNotReportedAsHavingNoHistory() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        int status = FleetFlashCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute("history", "prune", "--data-dir", file.toString(), "--yes");
        assertThat(status).isNotZero();
        assertThat(out.toString()).doesNotContain("No history");
        assertThat(err.toString()).contains("The data directory " + file + " is a file, not a directory: choose another with --data-dir");
        assertThat(Files.readString(file)).as("left as it was").isEqualTo("x");
        assertThat(backups).allMatch(Files::isDirectory);
    }

    @Test
    void withoutYesItOnlyShowsWhatItWouldDelete() {
        assertThat(run("--keep", "1")).isZero();
        assertThat(out.toString()).contains("att-0", "att-1", "Would delete 2 backup(s)", "--yes").doesNotContain("att-2");
        assertThat(backups).allMatch(Files::isDirectory);
    }

    @Test
    void aFileSharedWithABackupThatStaysIsNotCountedAsFreed() throws Exception {
        // the newest backup links the oldest one's kernel (the same bytes, decision 0022): deleting the oldest frees nothing
        Files.delete(backups.get(2).resolve("kernel.bin"));
        Files.createLink(backups.get(2).resolve("kernel.bin"), backups.get(0).resolve("kernel.bin"));

        assertThat(run("--keep", "1")).isZero();

        assertThat(out.toString()).contains("Would delete 2 backup(s), 14 MiB", "it frees 13 MiB on disk, the rest is shared");
        assertThat(run("--keep", "1", "--yes")).isZero();
        assertThat(Files.size(backups.get(2).resolve("kernel.bin"))).isEqualTo(1 << 20);
    }

    @Test
    void aNewerBackupWithAFileGoneIsNotCountedAsKeptAndTheLastCompleteOneStays() throws Exception {
        // someone deleted a file of the newest backup by hand: it restores nothing, so the one before it must stay
        Files.delete(backups.get(2).resolve("rootfs.bin"));

        assertThat(run("--keep", "1", "--yes")).isZero();

        assertThat(backups.get(0)).doesNotExist();
        assertThat(backups.get(1)).as("now the router's newest complete backup").isDirectory();
        assertThat(backups.get(2)).as("the broken one is left for the technician to look at").isDirectory();
    }

    @Test
    void withYesItDeletesThemAndTheNewestStays() {
        assertThat(run("--keep", "1", "--yes")).isZero();
        assertThat(out.toString()).contains("Deleted 2 backup(s).");
        assertThat(backups.get(0)).doesNotExist();
        assertThat(backups.get(1)).doesNotExist();
        assertThat(backups.get(2)).isDirectory();
        out.getBuffer().setLength(0);
        assertThat(run("--keep", "1")).isZero();
        assertThat(out.toString()).contains("Nothing to delete: every backup is among the newest 1 of its router");
    }

    @Test
    void keepingNoneIsABadCommandLine() {
        assertThat(run("--keep", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--keep must be at least 1").doesNotContain("Exception");
        assertThat(backups).allMatch(Files::isDirectory);
    }
}

package org.fleetflash.core.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.fleetflash.core.settings.DataDirectory;
import org.fleetflash.core.upgrade.AttemptRef;
import org.fleetflash.core.upgrade.KnownBackup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Old partition backups go, a router's newest ones and those a restore may still need stay; on real files. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BackupRetentionTest {

    private static final Instant T0 = Instant.parse("2026-11-30T09:00:00Z");

    @TempDir
    Path dir;

    private DataDirectory data() {
        return DataDirectory.resolve(Optional.of(dir.resolve("data")), Map.of(), "Linux", dir);
    }

    /** Records a succeeded attempt of {@code host} whose backup is a real directory with a file in it. */
    private Path succeeded(HistoryWriter w, String id, String host, int minutes) throws Exception {
        Path backup = AttemptEvents.backupFiles(data().backups().resolve("r_" + host + "_" + id));
        AttemptRef ref = AttemptEvents.ref(id, "batch-" + id, host, 22);
        AttemptEvents.succeeded(ref, T0.plus(Duration.ofMinutes(minutes)), image(), backup).forEach(w::on);
        return backup;
    }

    private Path image() throws Exception {
        Path image = dir.resolve("fw.bin");
        return Files.exists(image) ? image : Files.write(image, new byte[] {1, 2, 3});
    }

    @Test
    void keepsTheNewestPerRouterAndTheBackupsARestoreMayNeed() throws Exception {
        data().ensureExists();
        Path a1;
        Path a2;
        Path a3;
        Path b1;
        Path attention;
        try (History history = History.open(data())) {
            HistoryWriter w = history.writer();
            a1 = succeeded(w, "a1", "192.0.2.1", 0);
            a2 = succeeded(w, "a2", "192.0.2.1", 10);
            a3 = succeeded(w, "a3", "192.0.2.1", 20);
            b1 = succeeded(w, "b1", "192.0.2.2", 5);
            attention = succeeded(w, "a0", "192.0.2.1", -10);
            assertThat(w.awaitWritten(Duration.ofSeconds(10))).isTrue();
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data().history()); Statement st = c.createStatement()) {
            st.execute("UPDATE attempts SET outcome = 'NEEDS_ATTENTION' WHERE id = 'a0'");
        }

        try (History history = History.open(data())) {
            BackupRetention retention = history.retention();
            List<BackupRetention.Candidate> old = retention.candidates(1);
            assertThat(old).extracting(BackupRetention.Candidate::attemptId).as("oldest first; a0 stays for a restore")
                    .containsExactly("a1", "a2");
            assertThat(old.get(0).bytes()).isEqualTo((1 << 20) + (6 << 20));
            assertThat(Files.exists(a1)).as("listing deletes nothing").isTrue();
            assertThat(retention.candidates(2)).extracting(BackupRetention.Candidate::attemptId).containsExactly("a1");

            BackupRetention.Pruned done = retention.prune(old);

            assertThat(done.deleted()).hasSize(2);
            assertThat(done.failed()).isEmpty();
            assertThat(a1).doesNotExist();
            assertThat(a2).doesNotExist();
            assertThat(a3).exists();
            assertThat(b1).as("a router's only backup is never deleted").exists();
            assertThat(attention).exists();
            assertThat(retention.candidates(1)).isEmpty();

            // what the next run may link (decision 0022): the files of the backups kept, newest recorded last
            assertThat(history.backupFiles(100)).extracting(k -> k.file().getParent())
                    .containsExactly(a3, a3, b1, b1, attention, attention);
            assertThat(history.backupFiles(100)).extracting(KnownBackup::sha256)
                    .containsExactly(AttemptEvents.SHA_KERNEL, AttemptEvents.SHA_ROOTFS, AttemptEvents.SHA_KERNEL, AttemptEvents.SHA_ROOTFS,
                            AttemptEvents.SHA_KERNEL, AttemptEvents.SHA_ROOTFS);
            assertThat(history.backupFiles(2)).as("the newest only").extracting(k -> k.file().getParent())
                    .containsExactly(attention, attention);
        }
    }

    @Test
    void aBackupDirectoryOutsideTheDataDirectoryIsNeverDeleted() throws Exception {
        data().ensureExists();
        Path elsewhere = Files.createDirectories(dir.resolve("precious"));
        Files.writeString(elsewhere.resolve("keep.txt"), "mine");
        try (History history = History.open(data())) {
            HistoryWriter w = history.writer();
            AttemptEvents.succeeded(AttemptEvents.ref("x1", "bx", "192.0.2.3", 22), T0, image(), elsewhere).forEach(w::on);
            succeeded(w, "x2", "192.0.2.3", 10);
            assertThat(w.awaitWritten(Duration.ofSeconds(10))).isTrue();

            assertThat(history.retention().candidates(1)).as("a history row pointing elsewhere is not trusted").isEmpty();
            BackupRetention.Pruned forced = history.retention().prune(List.of(new BackupRetention.Candidate("x1", "192.0.2.3:22", T0,
                    elsewhere, 4)));
            assertThat(forced.deleted()).isEmpty();
            assertThat(forced.failed()).hasSize(1);
            assertThat(elsewhere.resolve("keep.txt")).exists();
        }
    }

    @Test
    void keepingNoBackupIsRefused() throws Exception {
        try (History history = History.open(data())) {
            assertThatThrownBy(() -> history.retention().candidates(0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("at least 1");
        }
    }
}

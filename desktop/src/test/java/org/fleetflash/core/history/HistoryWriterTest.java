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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.fleetflash.core.batch.BatchEvent;
import org.fleetflash.core.batch.BatchSettings;
import org.fleetflash.core.batch.BatchTotals;
import org.fleetflash.core.settings.DataDirectory;
import org.fleetflash.core.upgrade.AttemptRef;
import org.fleetflash.core.upgrade.UpgradeEvent.BlockAction;
import org.fleetflash.core.upgrade.Phase;
import org.fleetflash.core.upgrade.UpgradeEvent;
import org.fleetflash.core.upgrade.UpgradeResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The history writer fed real event sequences, writing a real SQLite file that is read back after it closed. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HistoryWriterTest {

    private static final Instant T0 = Instant.parse("2026-11-30T09:00:00Z");

    @TempDir
    Path dir;

    private DataDirectory data() {
        return DataDirectory.resolve(Optional.of(dir.resolve("data")), Map.of(), "Linux", dir);
    }

    @Test
    void aBatchWithASuccessAndARetriedFailureIsInTheFileAfterTheHistoryClosed() throws Exception {
        Path image = Files.write(dir.resolve("fw-11.0-r200.bin"), new byte[] {1, 2, 3, 4});
        AttemptRef ok = AttemptEvents.ref("att-1", "batch-1", "192.0.2.10", 22);
        AttemptRef failed = AttemptEvents.ref("att-2", "batch-1", "192.0.2.11", 2222);
        AttemptRef retry = AttemptEvents.ref("att-3", "batch-1", "192.0.2.11", 2222);
        try (History history = History.open(data())) {
            HistoryWriter w = history.writer();
            w.onBatch(new BatchEvent.Started("batch-1", T0, List.of(ok.router(), failed.router()), BatchSettings.defaults().withRetries(1)));
            w.labelBatch("batch-1", "Dana", "Site 4", T0);
            List<UpgradeEvent> failure = AttemptEvents.failedInDownload(failed, T0.plusSeconds(1), image);
            failure.forEach(w::on);
            UpgradeResult firstResult = ((UpgradeEvent.Finished) failure.get(failure.size() - 1)).result();
            w.onBatch(new BatchEvent.Retrying("batch-1", T0.plusSeconds(20), failed.router(), 2, firstResult));
            AttemptEvents.succeeded(ok, T0.plusSeconds(2), image, dir.resolve("backup")).forEach(w::on);
            AttemptEvents.succeeded(retry, T0.plusSeconds(100), image, dir.resolve("backup2")).forEach(w::on);
            w.onBatch(new BatchEvent.Finished("batch-1", T0.plusSeconds(300), List.of(),
                    new BatchTotals(2, 2, 0, 1, 0, 0, 0, 3L << 20, 20, 12, Duration.ofSeconds(300), Optional.empty())));
            assertThat(w.awaitWritten(Duration.ofSeconds(20))).isTrue();
            assertThat(w.failedWrites()).isZero();
        }

        try (History history = History.open(data())) {
            List<AttemptRecord> all = history.attempts(AttemptFilter.all());
            assertThat(all).extracting(AttemptRecord::attemptId).containsExactly("att-2", "att-1", "att-3");
            AttemptRecord first = all.get(1);
            assertThat(first.router()).isEqualTo("192.0.2.10:22");
            assertThat(first.outcomeOrRunning()).isEqualTo("SUCCEEDED");
            assertThat(first.oldVersion()).contains("11.0-r100");
            assertThat(first.newVersion()).contains("11.0-r200");
            assertThat(first.model()).hasValueSatisfying(m -> assertThat(m).startsWith("TL-WDR3600").doesNotContain("\u202e"));
            assertThat(first.bytesDownloaded()).isEqualTo(1 << 20);
            assertThat(first.blocksWritten()).isEqualTo(10);
            assertThat(first.blocksUnchanged()).isEqualTo(6);
            assertThat(first.imageFile()).contains("fw-11.0-r200.bin");
            assertThat(first.imageSha256()).contains("9f64a747e1b97f131fabb6b447296c9b6f0201e79fb3c5356e6c77e89b6a806a");
            assertThat(first.tryNumber()).isEqualTo(1);

            AttemptRecord lost = all.get(0);
            assertThat(lost.outcomeOrRunning()).isEqualTo("FAILED_SAFE");
            assertThat(lost.failureCode()).contains("DOWNLOAD_FAILED");
            assertThat(lost.phase()).contains("DOWNLOAD");
            assertThat(lost.bytesDownloaded()).isEqualTo(1 << 18);
            assertThat(all.get(2).tryNumber()).as("the retry is the router's second try").isEqualTo(2);

            assertThat(history.attempts(new AttemptFilter(Optional.empty(), Optional.empty(), Optional.of("FAILED_SAFE"),
                    Optional.empty(), Optional.empty()))).extracting(AttemptRecord::attemptId).containsExactly("att-2");
            assertThat(history.attempts(new AttemptFilter(Optional.of(T0.plusSeconds(50)), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty()))).extracting(AttemptRecord::attemptId).containsExactly("att-3");
            assertThat(history.attempts(new AttemptFilter(Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.of("192.0.2.11"), Optional.of("batch-1")))).extracting(AttemptRecord::attemptId).containsExactly("att-2", "att-3");
            assertThat(history.attempts(new AttemptFilter(Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.of("192.0.2.11:22"), Optional.empty()))).as("another port is another router").isEmpty();
        }

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data().history()); Statement st = c.createStatement()) {
            assertThat(rows(st, "SELECT phase || '=' || duration_ms FROM phase_events WHERE attempt_id = 'att-1' ORDER BY id"))
                    .as("every phase of the attempt with its duration").hasSize(16)
                    .contains("CONNECT=1000", "DOWNLOAD=5000", "FLASH=17000", "VERIFIED=1000");
            assertThat(rows(st, "SELECT partition || ' ' || sha256 FROM partition_backups WHERE attempt_id = 'att-1' ORDER BY id"))
                    .containsExactly("kernel " + AttemptEvents.SHA_KERNEL, "rootfs " + AttemptEvents.SHA_ROOTFS);
            assertThat(rows(st, "SELECT level || ' ' || text FROM transcript_lines WHERE attempt_id = 'att-2'"))
                    .singleElement().satisfies(line -> assertThat(line).startsWith("WARNING download stopped").doesNotContain("\u001b"));
            assertThat(rows(st, "SELECT operator || '/' || site || '/' || concurrency || '/' || retries || '/' || (ended_at IS NOT NULL) "
                    + "FROM batches")).containsExactly("Dana/Site 4/8/1/1");
            assertThat(rows(st, "SELECT format || ' ' || version FROM images")).containsExactly("TPLINK 11.0-r200");
            assertThat(rows(st, "SELECT host_key_fingerprint FROM attempts WHERE id = 'att-1'")).containsExactly("ecdsa-sha2-nistp256 SHA256:abc");
        }
    }

    @Test
    void attemptsOfOneInstantAreListedInTheOrderTheyWereRecordedNotByTheirIds() throws Exception {
        // the routers of a halted batch that never started all end at the same instant, in the targets' order
        Path image = Files.write(dir.resolve("fw.bin"), new byte[] {1, 2, 3, 4});
        try (History history = History.open(data())) {
            HistoryWriter w = history.writer();
            for (String id : List.of("att-z", "att-m", "att-a")) {
                AttemptEvents.alreadyUpToDate(AttemptEvents.ref(id, "batch-o", "192.0.2." + (id.charAt(4) - 'a' + 1), 22), T0, image)
                        .forEach(w::on);
            }
            assertThat(w.awaitWritten(Duration.ofSeconds(20))).isTrue();

            assertThat(history.attempts(AttemptFilter.all())).extracting(AttemptRecord::attemptId).containsExactly("att-z", "att-m",
                    "att-a");
        }
    }

    @Test
    void aRouterAlreadyUpToDateIsRecordedOnItsVersionNotAnUnknownOne() throws Exception {
        Path image = Files.write(dir.resolve("fw-11.0-r200.bin"), new byte[] {1, 2, 3, 4});
        try (History history = History.open(data())) {
            HistoryWriter w = history.writer();
            AttemptEvents.alreadyUpToDate(AttemptEvents.ref("att-9", "batch-9", "192.0.2.12", 22), T0, image).forEach(w::on);
            assertThat(w.awaitWritten(Duration.ofSeconds(20))).isTrue();
            AttemptRecord same = history.attempts(AttemptFilter.all()).get(0);
            assertThat(same.failureCode()).contains("UP_TO_DATE");
            assertThat(same.oldVersion()).contains("11.0-r200");
            assertThat(same.newVersion()).as("the version it runs, for the reports' old -> new").contains("11.0-r200");
        }
    }

    @Test
    void theEngineNeverWaitsForTheFileEvenWhileAnotherWriterHoldsIt() throws Exception {
        Path image = Files.write(dir.resolve("fw.bin"), new byte[] {9});
        try (History history = History.open(data());
                Connection blocker = DriverManager.getConnection("jdbc:sqlite:" + history.file());
                Statement st = blocker.createStatement()) {
            st.execute("BEGIN IMMEDIATE"); // another writer holds the file: every commit of the history must wait
            HistoryWriter w = history.writer();
            List<UpgradeEvent> events = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                events.addAll(AttemptEvents.succeeded(AttemptEvents.ref("a" + i, "b", "192.0.2." + (i + 1), 22), T0, image, dir));
            }
            long start = System.nanoTime();
            events.forEach(w::on);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(tookMs).as("handing %d events to the writer", events.size()).isLessThan(2000);
            assertThat(w.awaitWritten(Duration.ofMillis(300))).as("nothing can be committed while the file is held").isFalse();
            st.execute("ROLLBACK");
            assertThat(w.awaitWritten(Duration.ofSeconds(30))).isTrue();
            assertThat(history.attempts(AttemptFilter.all())).hasSize(50)
                    .allSatisfy(a -> assertThat(a.outcomeOrRunning()).isEqualTo("SUCCEEDED"));
            assertThat(w.failedWrites()).isZero();
        }
    }

    /** An attempt's events up to its reroot (COMMIT): an attempt still running. */
    private static List<UpgradeEvent> untilCommit(List<UpgradeEvent> all) {
        int commit = 0;
        while (!(all.get(commit) instanceof UpgradeEvent.PhaseChanged p && p.to() == org.fleetflash.core.upgrade.Phase.COMMIT)) {
            commit++;
        }
        return all.subList(0, commit + 1);
    }

    /** Hands {@code events} to the writer while {@code other} holds the file, so that they queue up; then lets go. */
    private static HistoryWriter writeQueuedUp(History history, Statement other, List<UpgradeEvent> events) throws Exception {
        other.execute("BEGIN IMMEDIATE"); // the writer waits: everything queues up behind its first write
        HistoryWriter w = history.writer();
        events.forEach(w::on);
        other.execute("ROLLBACK");
        assertThat(w.awaitWritten(Duration.ofSeconds(30))).isTrue();
        return w;
    }

    @Test
    void writesThatQueueUpAreCommittedTogetherAndOneThatFailsLosesOnlyItself() throws Exception {
        Path image = Files.write(dir.resolve("fw.bin"), new byte[] {9});
        AttemptRef first = AttemptEvents.ref("att-a", "b-g", "192.0.2.60", 22);
        List<UpgradeEvent> events = new ArrayList<>(AttemptEvents.succeeded(first, T0, image, dir));
        // a note the file refuses (a trigger stands for a write that fails: a full disk, a constraint)
        events.add(events.size() - 1, new UpgradeEvent.Note(first, T0.plusSeconds(60), org.fleetflash.core.upgrade.Phase.READ_BACK,
                UpgradeEvent.Note.Level.INFO, "refused by the file"));
        events.addAll(AttemptEvents.succeeded(AttemptEvents.ref("att-b", "b-g", "192.0.2.61", 22), T0, image, dir));
        try (History history = History.open(data());
                Connection other = DriverManager.getConnection("jdbc:sqlite:" + history.file());
                Statement st = other.createStatement()) {
            st.execute("CREATE TRIGGER refuse BEFORE INSERT ON transcript_lines WHEN NEW.text = 'refused by the file' "
                    + "BEGIN SELECT RAISE(ABORT, 'refused'); END");
            HistoryWriter w = writeQueuedUp(history, st, events);

            assertThat(w.failedWrites()).as("the refused note alone").isEqualTo(1);
            assertThat(History.incomplete(w, 0)).as("what the command line and the window then say").isEqualTo("misses 1 record(s) of"
                    + " this run because an error the log describes: the outcomes shown are what happened. Free disk space; then"
                    + " 'fleetflash resume' (Resume in the window) records, from their flash, the routers whose attempt the history"
                    + " holds without an end.");
            assertThat(History.incomplete(w, 1)).as("failures before a batch are not that batch's").isEmpty();
            assertThat(history.attempts(AttemptFilter.all())).extracting(AttemptRecord::attemptId, AttemptRecord::outcomeOrRunning)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("att-a", "SUCCEEDED"),
                            org.assertj.core.groups.Tuple.tuple("att-b", "SUCCEEDED"));
            assertThat(rows(st, "SELECT count(*) FROM phase_events WHERE attempt_id = 'att-a'")).containsExactly("16");
            assertThat(rows(st, "SELECT text FROM transcript_lines WHERE attempt_id = 'att-a'"))
                    .contains("flash span matches the plan").doesNotContain("refused by the file");
        }
    }

    @Test
    void aFailedWriteIsNamedInAFewWordsFromSqlitesOwnMessage() {
        assertThat(HistoryWriter.why(new java.sql.SQLException("[SQLITE_FULL] Insertion failed because database is full (database or"
                + " disk is full)"))).isEqualTo("the disk is full");
        assertThat(HistoryWriter.why(new java.io.IOException("No space left on device"))).isEqualTo("the disk is full");
        assertThat(HistoryWriter.why(new java.sql.SQLException("[SQLITE_READONLY] Attempt to write a readonly database (attempt to"
                + " write a readonly database)"))).isEqualTo("the file cannot be written");
        assertThat(HistoryWriter.why(new java.sql.SQLException("[SQLITE_CORRUPT] The database disk image is malformed")))
                .isEqualTo("the file is damaged");
    }

    @Test
    void whatIsCountedBetweenWritesCommittedTogetherIsInTheFileEvenBeforeTheAttemptEnds() throws Exception {
        Path image = Files.write(dir.resolve("fw.bin"), new byte[] {9});
        List<UpgradeEvent> events = new ArrayList<>(AttemptEvents.succeeded(AttemptEvents.ref("att-d", "b-h", "192.0.2.70", 22), T0,
                image, dir));
        events.addAll(untilCommit(AttemptEvents.succeeded(AttemptEvents.ref("att-e", "b-h", "192.0.2.71", 22), T0, image, dir)));
        try (History history = History.open(data());
                Connection other = DriverManager.getConnection("jdbc:sqlite:" + history.file());
                Statement st = other.createStatement()) {
            HistoryWriter w = writeQueuedUp(history, st, events);

            AttemptRecord still = history.attempts(AttemptFilter.all()).stream().filter(a -> a.attemptId().equals("att-e"))
                    .findFirst().orElseThrow();
            assertThat(still.outcomeOrRunning()).isEqualTo("RUNNING");
            assertThat(still.bytesDownloaded()).as("its download, counted in the same group as its start").isEqualTo(1 << 20);
            assertThat(w.failedWrites()).isZero();
        }
    }

    @Test
    void blocksFlashedOneByOneAreCommittedAboutOnceASecondAndAllOfThemSoonAfterTheLast() throws Exception {
        Path image = Files.write(dir.resolve("fw.bin"), new byte[] {9});
        AttemptRef ref = AttemptEvents.ref("att-fl", "b-fl", "192.0.2.80", 22);
        List<UpgradeEvent> all = AttemptEvents.succeeded(ref, T0, image, dir);
        List<UpgradeEvent> commit = untilCommit(all);
        AttemptRef keyed = commit.get(commit.size() - 1).attempt();
        int blocks = 300;
        try (History history = History.open(data());
                Connection c = DriverManager.getConnection("jdbc:sqlite:" + history.file());
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE progress_commits (n INTEGER)");
            st.execute("CREATE TRIGGER count_progress AFTER UPDATE OF blocks_written ON attempts BEGIN "
                    + "INSERT INTO progress_commits VALUES (NEW.blocks_written); END");
            commit.forEach(history.writer()::on);
            assertThat(history.writer().awaitPhaseWritten("att-fl", Phase.COMMIT, Duration.ofSeconds(20))).isTrue();
            assertThat(history.writer().awaitWritten(Duration.ofSeconds(20))).isTrue();
            st.execute("DELETE FROM progress_commits"); // the download's counts, committed with the transitions

            // a flash as the router reports it: one block after another, each reaching a writer with nothing else to do
            long start = System.nanoTime();
            for (int b = 0; b < blocks; b++) {
                history.writer().on(new UpgradeEvent.BlockFlashed(keyed, T0.plusSeconds(60), b, blocks, BlockAction.WRITTEN));
                Thread.sleep(2);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (count(st, "SELECT blocks_written FROM attempts WHERE id = 'att-fl'") < blocks && System.nanoTime() < deadline) {
                Thread.sleep(50); // polling the file: the last count must arrive on its own, with no further event
            }
            assertThat(count(st, "SELECT blocks_written FROM attempts WHERE id = 'att-fl'")).as("every block, without another event")
                    .isEqualTo(blocks);
            assertThat(count(st, "SELECT count(*) FROM progress_commits")).as("commits of the counts while %d blocks took %.1f s", blocks,
                    seconds).isLessThanOrEqualTo((long) Math.ceil(seconds / HistoryWriter.PROGRESS_EVERY.toSeconds()) + 2);
            assertThat(history.writer().failedWrites()).isZero();
        }
    }

    @Test
    void routersSteppingAFewMillisecondsApartShareCommitsAndTheirStepsAreAllInTheFile() throws Exception {
        Path image = Files.write(dir.resolve("fw.bin"), new byte[] {9});
        List<List<UpgradeEvent>> routers = new ArrayList<>();
        for (int r = 0; r < 8; r++) {
            AttemptRef ref = AttemptEvents.ref("att-g" + r, "b-g", "192.0.2." + (100 + r), 22);
            routers.add(AttemptEvents.succeeded(ref, T0.plusSeconds(r), image, dir.resolve("backup-" + r)));
        }
        try (History history = History.open(data())) {
            HistoryWriter w = history.writer();
            long before = w.commits();
            int events = 0;
            // as a batch emits them: the routers' events interleaved, each reaching the writer 2 ms after the last
            for (int i = 0; routers.stream().anyMatch(l -> !l.isEmpty()); i++) {
                for (List<UpgradeEvent> l : routers) {
                    if (!l.isEmpty()) {
                        w.on(l.remove(0));
                        events++;
                        Thread.sleep(2);
                    }
                }
            }
            assertThat(w.awaitWritten(Duration.ofSeconds(20))).isTrue();
            long commits = w.commits() - before;
            // every step into COMMIT is committed on its own at once (8); the rest share commits of up to LINGER
            assertThat(commits).as("commits for %d events", events).isLessThan(events / 3);
            assertThat(w.failedWrites()).isZero();
        }
        try (History history = History.open(data())) {
            assertThat(history.attempts(AttemptFilter.all())).hasSize(8)
                    .allSatisfy(a -> assertThat(a.outcome()).hasValue("SUCCEEDED"));
        }
    }

    @Test
    void theStepIntoCommitAndAWaitedForWriteDoNotWaitForOthersToShareTheirCommit() throws Exception {
        Path image = Files.write(dir.resolve("fw.bin"), new byte[] {9});
        AttemptRef ref = AttemptEvents.ref("att-u", "b-u", "192.0.2.90", 22);
        List<UpgradeEvent> all = AttemptEvents.succeeded(ref, T0, image, dir);
        List<UpgradeEvent> commit = untilCommit(all);
        Path file = data().history();
        data().ensureExists();
        Database db = Database.openOrCreate(file);
        db.migrate(Database.LATEST_VERSION);
        // a writer whose transitions would wait a whole minute for company
        try (HistoryWriter w = new HistoryWriter(db, host -> Optional.empty(), Duration.ofMinutes(1))) {
            commit.forEach(w::on);
            assertThat(w.awaitPhaseWritten("att-u", Phase.COMMIT, Duration.ofSeconds(20))).as("the engine's wait before"
                    + " the reroot").isTrue();
            List<UpgradeEvent> rest = all.subList(commit.size(), all.size());
            rest.forEach(w::on);
            assertThat(w.awaitWritten(Duration.ofSeconds(20))).as("a caller's wait for what it handed over").isTrue();
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
                assertThat(count(st, "SELECT count(*) FROM attempts WHERE id = 'att-u' AND outcome = 'SUCCEEDED'"))
                        .as("read by another connection: in the file").isEqualTo(1);
            }
        }
    }

    private static long count(Statement st, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }

    @Test
    void anAttemptThatIsStillRunningIsListedAsRunningWithWhatItDidSoFar() throws Exception {
        Path image = Files.write(dir.resolve("fw.bin"), new byte[] {9});
        AttemptRef ref = AttemptEvents.ref("att-run", "b-run", "192.0.2.50", 22);
        List<UpgradeEvent> running = untilCommit(AttemptEvents.succeeded(ref, T0, image, dir));
        try (History history = History.open(data());
                Connection blocker = DriverManager.getConnection("jdbc:sqlite:" + history.file());
                Statement st = blocker.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
            running.forEach(history.writer()::on);
            assertThat(history.writer().awaitPhaseWritten("att-run", org.fleetflash.core.upgrade.Phase.COMMIT, Duration.ofMillis(200)))
                    .as("not in the file while another writer holds it").isFalse();
            st.execute("ROLLBACK");
            assertThat(history.writer().awaitPhaseWritten("att-run", org.fleetflash.core.upgrade.Phase.COMMIT, Duration.ofSeconds(20))).isTrue();
            try (ResultSet rs = st.executeQuery("SELECT phase FROM attempts WHERE id = 'att-run'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).as("read by another connection: in the file").isEqualTo("COMMIT");
            }
            AttemptRecord a = history.attempts(AttemptFilter.all()).get(0);
            assertThat(a.outcomeOrRunning()).isEqualTo("RUNNING");
            assertThat(a.phase()).as("the reroot is on record before it is sent").contains("COMMIT");
            assertThat(a.bytesDownloaded()).isEqualTo(1 << 20);
            assertThat(a.endedAt()).isEmpty();

            AttemptEvents.failedInDownload(AttemptEvents.ref("att-lost", "b-run", "192.0.2.51", 22), T0, image).forEach(history.writer()::on);
            long start = System.nanoTime();
            assertThat(history.writer().awaitPhaseWritten("att-lost", org.fleetflash.core.upgrade.Phase.COMMIT, Duration.ofSeconds(30)))
                    .as("an attempt that ended before COMMIT never gets there").isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }

    private static List<String> rows(Statement st, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}

package org.fleetflash.core.history;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.fleetflash.agent.image.ImageInfo;
import org.fleetflash.agent.protocol.DeviceFacts;
import org.fleetflash.core.batch.BatchEvent;
import org.fleetflash.core.batch.BatchListener;
import org.fleetflash.core.batch.BatchSettings;
import org.fleetflash.core.discovery.Ipv4Address;
import org.fleetflash.core.discovery.Neighbour;
import org.fleetflash.core.discovery.NeighbourCache;
import org.fleetflash.core.upgrade.AttemptRef;
import org.fleetflash.core.upgrade.FailureCode;
import org.fleetflash.core.upgrade.FileDigests;
import org.fleetflash.core.upgrade.Phase;
import org.fleetflash.core.upgrade.ResumeCheck;
import org.fleetflash.core.upgrade.UpgradeEvent;
import org.fleetflash.core.upgrade.UpgradeResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a batch's events into the history as they happen. As a {@link BatchListener} it only queues: every
 * event is written by the writer's own thread ({@value #THREAD_NAME}), each transition (start, phase change,
 * probe, plan, backup, return, note, end) in the order the engine emitted them. Transitions are committed in groups: one
 * waits at most {@link #LINGER} for those that follow it, so that they share one sync of the file. The step into
 * {@link Phase#COMMIT} and what {@link #awaitWritten} waits for are committed without waiting.
 * Progress (bytes moved, erase blocks flashed) is counted in memory and committed with the attempt's next
 * transition, or at most {@link #PROGRESS_EVERY} later; so a flash of thousands of blocks, or a batch of hundreds of
 * routers downloading at once, is not thousands of commits.
 *
 * <p>A write that fails (disk full, file damaged) is logged and counted ({@link #failedWrites()}); the upgrade
 * never waits for the history nor fails because of it.
 */
public final class HistoryWriter implements BatchListener, AutoCloseable {

    /** The writer thread's name. */
    public static final String THREAD_NAME = "fleetflash-history-writer";

    private static final Logger LOG = LoggerFactory.getLogger(HistoryWriter.class);
    private static final Duration CLOSE_DEADLINE = Duration.ofSeconds(30);
    /** Writes committed together at most, when they queue up behind each other (group commit). */
    static final int GROUP_MAX = 64;
    /** How long counted progress waits at most for a transition to be committed with, before it is committed alone. */
    static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);
    /**
     * How long a transition waits at most for others to share its commit: a batch's routers step through their phases
     * a few milliseconds apart, and each commit is a sync of the file. The step into {@link Phase#COMMIT}, which the
     * engine waits for before it reroots a router, and whatever a caller waits for ({@link #awaitWritten}), never wait.
     */
    static final Duration LINGER = Duration.ofMillis(100);

    private final Connection connection;
    /** The writer's statements on {@link #connection}, kept for its life. */
    private final Statements statements;
    private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final AtomicLong failures = new AtomicLong();
    /** Why the first write failed, in a few words, or null while none did. */
    private volatile String firstFailure;
    /** The last phase step of each attempt the writer handled, and whether it is in the file; guarded by itself. */
    private final Map<String, PhaseMark> marks = new HashMap<>();
    private volatile boolean closed;

    // Touched by the writer thread only.
    private final Map<String, Progress> progress = new HashMap<>();
    private final Map<String, Integer> nextTry = new HashMap<>();
    /** Whether some counted progress is not in the file yet, and when progress was last committed (System.nanoTime). */
    private boolean progressPending;
    private long progressCommittedAt = System.nanoTime();

    /** The MAC address of a router by its address, where this computer's neighbour table knows it. */
    @FunctionalInterface
    public interface MacLookup {
        Optional<String> macOf(String host);

        /** The local neighbour (ARP) table, read at most once a second. */
        static MacLookup local() {
            NeighbourCache cache = NeighbourCache.local(Duration.ofSeconds(1));
            return host -> {
                Ipv4Address ip = Ipv4Address.tryParse(host);
                return ip == null ? Optional.empty() : cache.find(ip).flatMap(Neighbour::mac).map(Object::toString);
            };
        }
    }

    private final MacLookup macs;
    private final long lingerNanos;
    /** A barrier or stop that came while a group lingered: the next item, once that group is committed. */
    private Item held;
    /** Transactions committed, for the tests of grouping. */
    private final AtomicLong commits = new AtomicLong();

    HistoryWriter(Database db, MacLookup macs) throws IOException {
        this(db, macs, LINGER);
    }

    HistoryWriter(Database db, MacLookup macs, Duration linger) throws IOException {
        this.macs = macs;
        this.lingerNanos = linger.toNanos();
        try {
            connection = db.connect();
            statements = new Statements(connection);
        } catch (SQLException e) {
            throw new IOException("Cannot open the history " + db.file() + " for writing: " + e.getMessage(), e);
        }
        thread = new Thread(this::run, THREAD_NAME);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void on(UpgradeEvent event) {
        if (event instanceof UpgradeEvent.Transfer || event instanceof UpgradeEvent.BlockFlashed) {
            enqueue(new Item.Count(event));
        } else {
            Phase phase = event instanceof UpgradeEvent.PhaseChanged p ? p.to() : null;
            enqueue(new Item.Write("upgrade event " + event.getClass().getSimpleName() + " of " + event.attempt().attemptId(),
                    c -> write(c, event), event.attempt().attemptId(), phase, event instanceof UpgradeEvent.Finished));
        }
    }

    @Override
    public void onBatch(BatchEvent event) {
        enqueue(new Item.Write("batch event " + event.getClass().getSimpleName() + " of " + event.batchId(), c -> write(c, event),
                null, null, false));
    }

    /** Records who ran a batch and where (both optional: null keeps what is recorded). */
    public void labelBatch(String batchId, String operator, String site, Instant at) {
        enqueue(new Item.Write("label of batch " + batchId, c -> {
            ensureBatch(c, batchId, at);
            statements.update("UPDATE batches SET operator = COALESCE(?, operator), site = COALESCE(?, site) WHERE id = ?",
                    operator, site, batchId);
        }, null, null, false));
    }

    /**
     * Records what {@code fleetflash resume} found on the router of an interrupted attempt: its outcome (the attempt
     * ends now, marked as resumed) and the evidence in its transcript; a finding without an outcome adds only the
     * transcript lines, and the attempt stays interrupted.
     */
    public void resumed(String attemptId, ResumeCheck.Finding finding, Instant at) {
        enqueue(new Item.Write("resume of " + attemptId, c -> {
            for (String line : finding.evidence()) {
                statements.update("INSERT INTO transcript_lines (attempt_id, at, phase, level, text) VALUES (?, ?, NULL, ?, ?)", attemptId, at,
                        finding.settled() ? "INFO" : "WARNING", Rows.routerText("resume: " + line));
            }
            if (finding.settled()) {
                boolean failed = !finding.code().success();
                statements.update("UPDATE attempts SET outcome = ?, failure_code = ?, failure_message = ?, new_version = COALESCE(?, "
                        + "new_version), ended_at = ?, resumed_at = ? WHERE id = ? AND outcome IS NULL", finding.outcome().get().name(),
                        finding.code().name(), failed ? Rows.routerText(finding.message()) : null,
                        failed ? null : Rows.routerText(finding.firmwareVersion().orElse(null)), at, at, attemptId);
            }
        }, null, null, false));
    }

    /**
     * Waits until everything queued before this call is committed to the file (or failed and was logged).
     *
     * @return false if {@code timeout} passed first, or the writer is closed
     */
    public boolean awaitWritten(Duration timeout) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        if (!enqueue(new Item.Barrier(done))) {
            return false;
        }
        return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Waits until the attempt's step into {@code phase} is committed to the file: for the engine, which must have
     * "committing" on record before it sends the reroot. Works whatever the event delivery's lag: it waits for that
     * event itself, not for the queue as it is now.
     *
     * @return true once it is committed; false if its write failed, the attempt ended without that phase, or
     *         {@code timeout} passed first
     */
    public boolean awaitPhaseWritten(String attemptId, Phase phase, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (marks) {
            while (true) {
                PhaseMark m = marks.get(attemptId);
                if (m != null && m.phase() != null && m.phase().compareTo(phase) >= 0) {
                    return m.written();
                }
                if (m != null && m.finished()) {
                    return false;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || closed && !thread.isAlive()) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(marks, left);
            }
        }
    }

    /** Why the first write that failed did, in a few words for the technician (empty while none failed). */
    public java.util.Optional<String> firstFailure() {
        return java.util.Optional.ofNullable(firstFailure);
    }

    /** A write's failure in a few words: SQLite's result code and the system's message are in the log. */
    static String why(Exception e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("SQLITE_FULL") || m.contains("No space left")) {
            return "the disk is full";
        }
        if (m.contains("SQLITE_READONLY") || m.contains("Read-only file system")) {
            return "the file cannot be written";
        }
        if (m.contains("SQLITE_CORRUPT") || m.contains("SQLITE_NOTADB")) {
            return "the file is damaged";
        }
        return "an error the log describes";
    }

    /** How many writes failed since the writer started (each was logged). */
    public long failedWrites() {
        return failures.get();
    }

    /** Writes what is queued (for at most 30 s), then stops the writer thread and closes its connection. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.add(new Item.Stop());
        try {
            thread.join(CLOSE_DEADLINE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.error("The history writer did not finish within {}; events still queued: {}", CLOSE_DEADLINE, queue.size());
            thread.interrupt();
        }
        synchronized (marks) {
            marks.notifyAll();
        }
    }

    private boolean enqueue(Item item) {
        if (closed) {
            LOG.warn("History writer closed: not recorded: {}", item);
            return false;
        }
        queue.add(item);
        return true;
    }

    private void run() {
        try {
            while (true) {
                Item item = next();
                if (item == null) {
                    flushProgress(); // counted progress waited its longest
                } else if (item instanceof Item.Stop) {
                    flushProgress();
                    break;
                } else if (item instanceof Item.Barrier b) {
                    flushProgress();
                    b.done().countDown();
                } else if (item instanceof Item.Count count) {
                    count(count.event());
                    if (queue.isEmpty() && progressDue()) {
                        flushProgress();
                    }
                } else if (item instanceof Item.Write w) {
                    writeGroup(w);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            statements.close();
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.warn("Closing the history writer's connection: {}", e.getMessage());
            }
        }
    }

    /** The next item to write, or null once counted progress has waited {@link #PROGRESS_EVERY} with nothing queued. */
    private Item next() throws InterruptedException {
        if (held != null) {
            Item h = held;
            held = null;
            return h;
        }
        if (!progressPending) {
            return queue.take();
        }
        long wait = progressCommittedAt + PROGRESS_EVERY.toNanos() - System.nanoTime();
        return wait <= 0 ? queue.poll() : queue.poll(wait, TimeUnit.NANOSECONDS);
    }

    private boolean progressDue() {
        return System.nanoTime() - progressCommittedAt >= PROGRESS_EVERY.toNanos();
    }

    /**
     * Writes {@code first} and the writes queued right behind it (with the counts between them, in their order) in one
     * transaction: group commit, one sync of the file for all of them, each still on disk before its mark is set. When
     * that transaction fails, the writer's memory is put back as it was before the group and each write is done in a
     * transaction of its own, as if they had come one by one, so that one bad write loses only itself.
     */
    private void writeGroup(Item.Write first) {
        List<Item> items = new ArrayList<>();
        items.add(first);
        int writes = 1;
        while (writes < GROUP_MAX && (queue.peek() instanceof Item.Write || queue.peek() instanceof Item.Count)) {
            Item next = queue.poll(); // this thread alone takes from the queue: it is the item just peeked
            items.add(next);
            writes += next instanceof Item.Write ? 1 : 0;
        }
        boolean urgent = items.stream().anyMatch(HistoryWriter::urgent);
        long until = System.nanoTime() + lingerNanos;
        while (!urgent && writes < GROUP_MAX) {
            Item next;
            try {
                long left = until - System.nanoTime();
                next = left <= 0 ? null : queue.poll(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // closing past its deadline: commit what is here, then stop
                break;
            }
            if (next == null) {
                break;
            }
            if (next instanceof Item.Write || next instanceof Item.Count) {
                items.add(next);
                writes += next instanceof Item.Write ? 1 : 0;
                urgent = urgent(next);
            } else {
                held = next; // a barrier or the stop: after this group
                break;
            }
        }
        if (writes > 1) {
            Map<String, Integer> tries = new HashMap<>(nextTry);
            Map<String, Progress> counted = new HashMap<>();
            progress.forEach((id, p) -> counted.put(id, p.copy()));
            try {
                Rows.inTransaction(connection, c -> {
                    for (Item item : items) {
                        if (item instanceof Item.Count count) {
                            count(count.event());
                        } else {
                            writeProgress(c);
                            ((Item.Write) item).step().run(c);
                        }
                    }
                    writeProgress(c);
                    return null;
                });
                commits.incrementAndGet();
                progressCommitted();
                items.stream().filter(Item.Write.class::isInstance).forEach(w -> markIfPhase((Item.Write) w, true));
                return;
            } catch (SQLException | IOException | RuntimeException e) {
                LOG.debug("A group of {} history writes failed ({}): writing them one by one", writes, e.getMessage());
            }
            nextTry.clear();
            nextTry.putAll(tries); // as before the group: its items run again one by one
            progress.clear();
            progress.putAll(counted);
        }
        for (Item item : items) {
            if (item instanceof Item.Count count) {
                count(count.event());
                continue;
            }
            Item.Write w = (Item.Write) item;
            boolean ok = transaction(w.what(), c -> {
                writeProgress(c);
                w.step().run(c);
            });
            if (ok) {
                progressCommitted();
            }
            markIfPhase(w, ok);
        }
        if (queue.isEmpty() && progressDue()) {
            flushProgress();
        }
    }

    /** A write the engine waits for: the step into {@link Phase#COMMIT}, which must be on disk before the reroot. */
    private static boolean urgent(Item item) {
        return item instanceof Item.Write w && w.phase() == Phase.COMMIT;
    }

    /** How many transactions the writer committed so far. */
    long commits() {
        return commits.get();
    }

    private void markIfPhase(Item.Write w, boolean ok) {
        if (w.attemptId() != null && (w.phase() != null || w.finishes())) {
            mark(w, ok);
        }
    }

    private boolean transaction(String what, Step step) {
        try {
            Rows.inTransaction(connection, c -> {
                step.run(c);
                return null;
            });
            commits.incrementAndGet();
            return true;
        } catch (SQLException | IOException | RuntimeException e) {
            if (failures.incrementAndGet() == 1) {
                firstFailure = why(e);
            }
            LOG.error("Could not record {} in the history: {}", what, e.getMessage(), e);
            return false;
        }
    }

    private void mark(Item.Write w, boolean ok) {
        synchronized (marks) {
            PhaseMark before = marks.get(w.attemptId());
            if (w.finishes()) {
                marks.put(w.attemptId(), new PhaseMark(before == null ? null : before.phase(), before != null && before.written(), true));
            } else {
                marks.put(w.attemptId(), new PhaseMark(w.phase(), ok, false));
            }
            marks.notifyAll();
        }
    }

    /** An attempt's last phase step as the writer handled it. */
    private record PhaseMark(Phase phase, boolean written, boolean finished) {
    }

    private void flushProgress() {
        if (!progressPending) {
            return;
        }
        if (transaction("progress", this::writeProgress)) {
            progressCommitted();
        } else {
            // not tried again on its own (a full disk would be retried every second): the counts stay dirty and go
            // with the attempt's next write or count
            progressPending = false;
            progressCommittedAt = System.nanoTime();
        }
    }

    private void progressCommitted() {
        progress.values().forEach(p -> p.dirty = false);
        progressPending = false;
        progressCommittedAt = System.nanoTime();
    }

    private void writeProgress(Connection c) throws SQLException {
        for (Map.Entry<String, Progress> e : progress.entrySet()) {
            Progress p = e.getValue();
            if (p.dirty) {
                statements.update("UPDATE attempts SET bytes_downloaded = ?, blocks_written = ?, blocks_unchanged = ?, blocks_failed = ? "
                        + "WHERE id = ?", p.bytesDownloaded, p.written, p.same, p.failed, e.getKey());
            }
        }
    }

    private void count(UpgradeEvent event) {
        Progress p = progress.computeIfAbsent(event.attempt().attemptId(), k -> new Progress());
        if (event instanceof UpgradeEvent.Transfer t && t.phase() == Phase.DOWNLOAD) {
            p.bytesDownloaded = Math.max(p.bytesDownloaded, t.bytes());
            p.dirty = true;
            progressPending = true;
        } else if (event instanceof UpgradeEvent.BlockFlashed b) {
            switch (b.action()) {
                case WRITTEN -> p.written++;
                case SAME -> p.same++;
                case FAILED -> p.failed++;
                default -> throw new IllegalStateException("unknown block action " + b.action());
            }
            p.dirty = true;
            progressPending = true;
        }
    }

    private void write(Connection c, UpgradeEvent event) throws SQLException, IOException {
        AttemptRef ref = event.attempt();
        String id = ref.attemptId();
        if (event instanceof UpgradeEvent.Started s) {
            startAttempt(c, s);
            return;
        }
        ensureAttempt(c, ref, event.at());
        if (event instanceof UpgradeEvent.PhaseChanged p) {
            closePhase(c, id, p.at());
            statements.update("INSERT INTO phase_events (attempt_id, phase, entered_at) VALUES (?, ?, ?)", id, p.to().name(), p.at());
            statements.update("UPDATE attempts SET phase = ? WHERE id = ?", p.to().name(), id);
        } else if (event instanceof UpgradeEvent.Probed p) {
            DeviceFacts f = p.facts();
            statements.update("UPDATE routers SET hostname = ?, model = ?, architecture = ?, firmware = COALESCE(?, firmware) WHERE id = "
                    + "(SELECT router_id FROM attempts WHERE id = ?)", Rows.routerText(f.hostname()), Rows.routerText(f.model()),
                    Rows.routerText(FleetRecords.architectureOf(f)), Rows.routerText(f.firmwareVersion().orElse(null)), id);
            statements.update("UPDATE attempts SET old_version = ? WHERE id = ?", Rows.routerText(f.firmwareVersion().orElse(null)), id);
            // just reached over the LAN: the neighbour table knows its MAC now, if it is on this computer's link
            Optional<String> mac = macOf(ref.router().host());
            if (mac.isPresent()) {
                statements.update("UPDATE routers SET mac = ? WHERE id = (SELECT router_id FROM attempts WHERE id = ?)", mac.get(), id);
            }
        } else if (event instanceof UpgradeEvent.Planned p) {
            statements.update("UPDATE attempts SET image_forced = ? WHERE id = ?", p.imageForced(), id);
            p.image().ifPresent(info -> describeImage(c, id, info));
        } else if (event instanceof UpgradeEvent.BackedUp b) {
            statements.update("UPDATE attempts SET backup_dir = ? WHERE id = ?", b.directory().toString(), id);
            for (UpgradeEvent.PartitionBackup part : b.partitions()) {
                statements.update("INSERT INTO partition_backups (attempt_id, partition, file, size, sha256) VALUES (?, ?, ?, ?, ?)",
                        id, Rows.routerText(part.partition()), part.file().toString(), part.size(), part.sha256());
            }
        } else if (event instanceof UpgradeEvent.Returned r) {
            String found = Rows.routerText(r.firmwareVersion().orElse(null));
            statements.update("UPDATE attempts SET new_version = ? WHERE id = ?", found, id);
            statements.update("UPDATE routers SET firmware = COALESCE(?, firmware) WHERE id = (SELECT router_id FROM attempts WHERE id = ?)",
                    found, id);
        } else if (event instanceof UpgradeEvent.Note n) {
            statements.update("INSERT INTO transcript_lines (attempt_id, at, phase, level, text) VALUES (?, ?, ?, ?, ?)", id, n.at(),
                    n.phase() == null ? null : n.phase().name(), n.level().name(), Rows.routerText(n.text()));
        } else if (event instanceof UpgradeEvent.Finished f) {
            finishAttempt(c, f);
        }
    }

    private Optional<String> macOf(String host) {
        try {
            return macs.macOf(host);
        } catch (RuntimeException e) {
            LOG.debug("No MAC address for {}: {}", host, e.getMessage());
            return Optional.empty();
        }
    }

    private void startAttempt(Connection c, UpgradeEvent.Started s) throws SQLException {
        AttemptRef ref = s.attempt();
        ensureBatch(c, ref.batchId(), s.at());
        long router = Rows.routerId(c, ref.router().host(), ref.router().port(), s.at());
        Long image = imageId(c, s.image(), s.at());
        Integer tryNumber = nextTry.remove(ref.batchId() + " " + ref.router().hostPort());
        statements.update("INSERT INTO attempts (id, batch_id, router_id, image_id, image_path, layout, started_at, try_number, "
                + "host_key_fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING", ref.attemptId(), ref.batchId(),
                router, image, s.image().toString(), String.join(",", s.layout()), s.at(), tryNumber == null ? 1 : tryNumber,
                ref.router().hostKey().orElse(null));
    }

    /** An event of an attempt whose start was not seen (the writer joined late): the attempt is recorded from it. */
    private void ensureAttempt(Connection c, AttemptRef ref, Instant at) throws SQLException {
        PreparedStatement known = statements.prepared("SELECT 1 FROM attempts WHERE id = ?");
        known.setString(1, ref.attemptId());
        try (ResultSet rs = known.executeQuery()) {
            if (rs.next()) {
                return;
            }
        }
        ensureBatch(c, ref.batchId(), at);
        long router = Rows.routerId(c, ref.router().host(), ref.router().port(), at);
        statements.update("INSERT INTO attempts (id, batch_id, router_id, started_at) VALUES (?, ?, ?, ?)", ref.attemptId(),
                ref.batchId(), router, at);
    }

    private void ensureBatch(Connection c, String batchId, Instant at) throws SQLException {
        statements.update("INSERT INTO batches (id, started_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING", batchId, at);
    }

    private void closePhase(Connection c, String attemptId, Instant at) throws SQLException {
        statements.update("UPDATE phase_events SET left_at = ?, duration_ms = MAX(0, ? - entered_at) WHERE attempt_id = ? AND left_at IS NULL",
                at, at.toEpochMilli(), attemptId);
    }

    private void finishAttempt(Connection c, UpgradeEvent.Finished f) throws SQLException {
        UpgradeResult r = f.result();
        String id = f.attempt().attemptId();
        closePhase(c, id, f.at());
        Progress p = progress.remove(id);
        long written = r.written() >= 0 ? r.written() : p == null ? 0 : p.written;
        long same = r.same() >= 0 ? r.same() : p == null ? 0 : p.same;
        long bytes = Math.max(r.bytesDownloaded(), p == null ? 0 : p.bytesDownloaded);
        boolean failed = !r.code().success();
        statements.update("UPDATE attempts SET ended_at = ?, phase = COALESCE(?, phase), outcome = ?, failure_code = ?, failure_message = ?, "
                + "bytes_downloaded = ?, blocks_written = ?, blocks_unchanged = ?, blocks_failed = ?, image_forced = ?, "
                + "host_key_fingerprint = COALESCE(?, host_key_fingerprint), backup_dir = COALESCE(?, backup_dir), duration_ms = ?, "
                // a router already up to date runs the image's version: its new version is its old one, not unknown
                + "new_version = CASE WHEN ? THEN COALESCE(new_version, old_version) ELSE new_version END "
                + "WHERE id = ?", f.at(), r.phase() == null ? null : r.phase().name(), r.outcome().name(), r.code().name(),
                failed ? Rows.routerText(r.message()) : null, bytes, written, same, p == null ? 0 : p.failed, r.imageForced(),
                r.attempt().router().hostKey().orElse(null), r.backup().map(Path::toString).orElse(null), r.elapsed().toMillis(),
                r.code() == FailureCode.UP_TO_DATE, id);
        if (r.image().isPresent()) {
            describeImage(c, id, r.image().get());
        }
    }

    private void describeImage(Connection c, String attemptId, ImageInfo info) {
        try {
            statements.update("UPDATE images SET format = ?, version = COALESCE(?, version) WHERE id = (SELECT image_id FROM attempts WHERE id = ?)",
                    info.format().name(), Rows.routerText(info.version().orElse(null)), attemptId);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot record the image's format: " + e.getMessage(), e);
        }
    }

    /**
     * The image file's row (by SHA-256), or null when the file cannot be read any more. The digest is the one the window
     * or the command line took when the image was chosen, unless the file changed since ({@link FileDigests}).
     */
    private Long imageId(Connection c, Path image, Instant at) throws SQLException {
        FileDigests.Digest d;
        try {
            d = FileDigests.of(image);
        } catch (IOException e) {
            LOG.warn("Cannot read the image {} to record its digest: {}", image, e.getMessage());
            return null;
        }
        statements.update("INSERT INTO images (file_name, size, sha256, first_used) VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
                String.valueOf(image.getFileName()), d.size(), d.sha256(), at);
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM images WHERE sha256 = ?")) {
            ps.setString(1, d.sha256());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private void write(Connection c, BatchEvent event) throws SQLException {
        String id = event.batchId();
        ensureBatch(c, id, event.at());
        if (event instanceof BatchEvent.Started s) {
            BatchSettings b = s.settings();
            statements.update("UPDATE batches SET started_at = ?, router_count = ?, concurrency = ?, canary = ?, max_failures = ?, "
                    + "stage_all_first = ?, retries = ?, staging_deadline_s = ? WHERE id = ?", s.at(), s.routers().size(), b.concurrency(),
                    b.canary(), b.maxFailures(), b.stageAllFirst(), b.retries(), b.stagingDeadline().toSeconds(), id);
        } else if (event instanceof BatchEvent.Halted h) {
            statements.update("UPDATE batches SET halted_reason = ? WHERE id = ?", Rows.routerText(h.reason()), id);
        } else if (event instanceof BatchEvent.Retrying r) {
            nextTry.put(id + " " + r.router().hostPort(), r.attempt());
        } else if (event instanceof BatchEvent.Finished f) {
            statements.update("UPDATE batches SET ended_at = ? WHERE id = ?", f.at(), id);
        }
    }

    /** A database step of one transaction. */
    @FunctionalInterface
    private interface Step {
        void run(Connection c) throws SQLException, IOException;
    }

    /** What the writer thread takes from its queue. */
    private sealed interface Item {
        /** A transition: one transaction; {@code phase} when it is an attempt's step into a phase. */
        record Write(String what, Step step, String attemptId, Phase phase, boolean finishes) implements Item {
        }

        /** Progress, counted in memory. */
        record Count(UpgradeEvent event) implements Item {
        }

        /** Everything before it is written: release the waiter. */
        record Barrier(CountDownLatch done) implements Item {
        }

        /** Write the rest and stop. */
        record Stop() implements Item {
        }
    }

    /** An attempt's progress not yet committed. */
    private static final class Progress {
        long bytesDownloaded;
        long written;
        long same;
        long failed;
        boolean dirty;

        Progress copy() {
            Progress p = new Progress();
            p.bytesDownloaded = bytesDownloaded;
            p.written = written;
            p.same = same;
            p.failed = failed;
            p.dirty = dirty;
            return p;
        }
    }
}

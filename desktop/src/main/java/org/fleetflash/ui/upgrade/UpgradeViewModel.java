package org.fleetflash.ui.upgrade;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import org.fleetflash.core.batch.BatchEvent;
import org.fleetflash.core.batch.BatchListener;
import org.fleetflash.core.batch.BatchResult;
import org.fleetflash.core.batch.BatchRunner;
import org.fleetflash.core.batch.BatchSettings;
import org.fleetflash.core.batch.BatchTotals;
import org.fleetflash.core.device.Credentials;
import org.fleetflash.core.text.Sanitize;
import org.fleetflash.core.upgrade.FailureCode;
import org.fleetflash.core.upgrade.ImageFile;
import org.fleetflash.core.upgrade.InterruptedAttempt;
import org.fleetflash.core.upgrade.Outcome;
import org.fleetflash.core.upgrade.Preflight;
import org.fleetflash.core.upgrade.ResumeCheck;
import org.fleetflash.core.upgrade.RouterId;
import org.fleetflash.core.upgrade.UpgradeEvent;
import org.fleetflash.core.upgrade.UpgradeRequest;
import org.fleetflash.core.upgrade.UpgradeResult;
import org.fleetflash.ui.batch.BatchLine;
import org.fleetflash.ui.batch.ServerThroughput;
import org.fleetflash.ui.fleet.FleetViewModel;
import org.fleetflash.ui.fleet.RouterRow;
import org.fleetflash.ui.layout.BlockProgress;
import org.fleetflash.ui.support.Background;
import org.fleetflash.ui.support.UiEventPump;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The window's upgrades: the chosen image, the pre-flight of the routers about to be upgraded, one batch at a time
 * with its live progress on the fleet rows, cancel, retry of the routers that failed safe, and the check of attempts
 * a crash interrupted. The engine runs on this model's own background threads; its events reach the rows through an
 * {@link UiEventPump} (a few redraws a second per router). Call on the FX thread.
 */
public final class UpgradeViewModel implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UpgradeViewModel.class);
    /** Pre-flights and resume checks at once: each is one SSH session to a different router. */
    static final int PARALLEL_CHECKS = 6;

    private final Upgrades engine;
    private final FleetViewModel fleet;
    private final Background batchThread = Background.threads("fleetflash-batch", 1);
    private final Background checks = Background.threads("fleetflash-check", PARALLEL_CHECKS);
    private final ReadOnlyObjectWrapper<ImageFile> image = new ReadOnlyObjectWrapper<>(this, "image");
    private final ReadOnlyBooleanWrapper readingImage = new ReadOnlyBooleanWrapper(this, "readingImage");
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(this, "running");
    private final ReadOnlyBooleanWrapper resuming = new ReadOnlyBooleanWrapper(this, "resuming");
    /**
     * The rows whose router a batch or a resume check is working on now (FX thread only): another action on that
     * router (a probe, an identify, a second check) would race it on the router itself.
     */
    private final java.util.Set<RouterRow> busy = new java.util.HashSet<>();
    private final ReadOnlyStringWrapper totals = new ReadOnlyStringWrapper(this, "totals", "");
    private final UiEventPump<RouterRow, RouterProgress.Snapshot> pump = new UiEventPump<>(this::apply);
    private final ServerThroughput throughput = new ServerThroughput();
    private final Map<RouterRow, BlockProgress> blocks = new HashMap<>();
    private final Map<RouterRow, RouterLog> logs = new HashMap<>();
    /** Per router ({@code host:port}), the image bytes it still has to download; routers not yet there count a whole image. */
    private final Map<String, Long> toDownload = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile BatchTotals lastTotals;
    private volatile BatchRunner runner;
    private List<RouterRow> lastBatch = List.of();
    /** The history's failed writes when the running batch started: more at its end are this batch's. */
    private long historyFailuresBefore;
    private final Map<RouterRow, UpgradeResult> lastResults = new HashMap<>();
    private Runnable afterBatch = () -> { };
    /** How long the end of a batch waits at most for its last events to reach the history writer. */
    private static final java.time.Duration RECORD_FLUSH = java.time.Duration.ofSeconds(5);
    private BiConsumer<RouterRow, UpgradeResult> onEnded = (row, r) -> { };

    public UpgradeViewModel(Upgrades engine, FleetViewModel fleet) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.fleet = Objects.requireNonNull(fleet, "fleet");
        pump.start(UiEventPump.DEFAULT_PERIOD);
    }

    /** The image the next upgrade writes, once read and recognised; null before one was chosen. */
    public ReadOnlyObjectProperty<ImageFile> imageProperty() {
        return image.getReadOnlyProperty();
    }

    /** Whether a chosen image is being read (size, SHA-256, format). */
    public ReadOnlyBooleanProperty readingImageProperty() {
        return readingImage.getReadOnlyProperty();
    }

    /** Whether a batch runs now. */
    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    /** Whether Resume is checking interrupted upgrades now. */
    public ReadOnlyBooleanProperty resumingProperty() {
        return resuming.getReadOnlyProperty();
    }

    /** Whether a running batch or a resume check is working on {@code row}'s router now (until its end). */
    public boolean busy(RouterRow row) {
        return busy.contains(row);
    }

    /** The running batch's totals for the status bar ({@code 2 of 3 done · 2 ✓ · 0 ⚠ · 1 untouched · ETA 12 s}), or empty. */
    public ReadOnlyStringProperty totalsProperty() {
        return totals.getReadOnlyProperty();
    }

    /** Called on the FX thread after a batch or a resume ended (the History tab refreshes). */
    public void setAfterBatch(Runnable r) {
        this.afterBatch = Objects.requireNonNull(r, "r");
    }

    /** Called on the FX thread when a router's upgrade ended (a notification). */
    public void setOnEnded(BiConsumer<RouterRow, UpgradeResult> ended) {
        this.onEnded = Objects.requireNonNull(ended, "ended");
    }

    /** Reads {@code file} in the background; it becomes the image when it can be read, else the status bar says why. */
    public void chooseImage(Path file) {
        readingImage.set(true);
        fleet.tell("Reading " + Sanitize.line(file.getFileName().toString(), 120) + "…");
        checks.supply(() -> ImageFile.read(file)).whenCompleteAsync((read, failure) -> {
            readingImage.set(false);
            if (failure != null) {
                Throwable cause = Background.unwrap(failure);
                LOG.warn("Cannot read the image {}", file, cause);
                fleet.tell("Cannot use " + Sanitize.line(file.toString(), 160) + ": " + Sanitize.line(String.valueOf(cause.getMessage()), 200)
                        + (cause instanceof java.nio.file.NoSuchFileException || cause instanceof java.nio.file.AccessDeniedException
                                ? " (it does not exist or cannot be read)." : ""));
                return;
            }
            image.set(read);
            fleet.tell("Image " + Sanitize.line(file.getFileName().toString(), 120) + ": " + describe(read)
                    + (read.recognised() ? ". Check the routers to upgrade and press Upgrade." : ". FleetFlash does not recognise it as"
                            + " firmware, so every router will refuse it."));
        }, Platform::runLater);
    }

    /** {@code 7.6 MB · U-Boot kernel + root file system, kernel 'x' for mips, version 12.1}. */
    public static String describe(ImageFile f) {
        return org.fleetflash.ui.support.ByteSizes.human(f.size()) + " · " + Sanitize.line(f.describe(), 200);
    }

    /** The request for {@code row} with the chosen image and the session's login. */
    UpgradeRequest request(RouterRow row, ImageFile with) {
        Credentials c = fleet.credentialsFor(row);
        return engine.request(row.target(), c, fleet.trustNewHostKeys(), with.path());
    }

    /** Checks {@code row} for {@code with} in the background: the upgrade's own checks, nothing changed on the router. */
    public java.util.concurrent.CompletableFuture<Preflight> preflight(RouterRow row, ImageFile with) {
        UpgradeRequest r = request(row, with);
        return checks.supply(() -> engine.preflight(r));
    }

    /**
     * Starts upgrading {@code rows} with {@code with} under {@code settings}; each row shows its phase, progress and
     * safety until it ends, then its outcome. Refused (with a sentence) while a batch runs.
     */
    public void start(List<RouterRow> rows, ImageFile with, BatchSettings settings) {
        if (running.get()) {
            fleet.tell("A batch is running: wait for it to end, or cancel it, before starting another.");
            return;
        }
        if (resuming.get()) {
            fleet.tell("Interrupted upgrades are being checked: start the batch once Resume has ended.");
            return;
        }
        if (rows.isEmpty()) {
            fleet.tell("No router to upgrade: check the routers first.");
            return;
        }
        Map<String, RouterRow> byRouter = new LinkedHashMap<>();
        Map<String, BlockProgress> blocksOf = new HashMap<>();
        Map<String, RouterLog> logOf = new HashMap<>();
        List<UpgradeRequest> requests = new ArrayList<>();
        toDownload.clear();
        lastTotals = null;
        for (RouterRow row : rows) {
            byRouter.put(row.address(), row);
            blocks.put(row, new BlockProgress());
            logs.put(row, new RouterLog());
            blocksOf.put(row.address(), blocks.get(row));
            logOf.put(row.address(), logs.get(row));
            toDownload.put(row.address(), with.size());
            requests.add(request(row, with));
            row.progressProperty().set(0);
            row.statusProperty().set("waiting to start");
            row.safetyProperty().set("safe to cancel");
            row.problemProperty().set("");
        }
        busy.addAll(rows);
        historyFailuresBefore = engine.failedHistoryWrites();
        BatchRunner r = engine.batch(requests, settings, new Shown(Map.copyOf(byRouter), Map.copyOf(blocksOf), Map.copyOf(logOf)));
        runner = r;
        lastBatch = List.copyOf(rows);
        lastResults.clear();
        running.set(true);
        totals.set("Batch of " + rows.size() + " starting…");
        fleet.tell("Upgrading " + rows.size() + (rows.size() == 1 ? " router" : " routers") + " with " + with.path().getFileName()
                + ". Each row says whether it is still safe to cancel.");
        batchThread.supply(() -> {
            BatchResult result = r.run();
            // what the window then says, and the History tab then reads, is in the file
            r.flushEvents(RECORD_FLUSH);
            engine.awaitRecorded();
            return result;
        }).whenCompleteAsync((result, failure) -> ended(result, failure), Platform::runLater);
    }

    /** What the engine says while the batch runs, carried to the rows. Called on the engine's event thread. */
    private final class Shown implements BatchListener {
        private final Map<String, RouterRow> rows;
        private final Map<String, BlockProgress> blocksOf;
        private final Map<String, RouterLog> logOf;
        private final Map<String, RouterProgress> progress = new HashMap<>();

        Shown(Map<String, RouterRow> rows, Map<String, BlockProgress> blocksOf, Map<String, RouterLog> logOf) {
            this.rows = rows;
            this.blocksOf = blocksOf;
            this.logOf = logOf;
        }

        @Override
        public void on(UpgradeEvent e) {
            RouterRow row = rows.get(e.router());
            if (row == null) {
                return;
            }
            blocksOf.get(e.router()).accept(e);
            logOf.get(e.router()).add(e);
            throughput.accept(e);
            if (e instanceof UpgradeEvent.Transfer t && t.phase() == org.fleetflash.core.upgrade.Phase.DOWNLOAD) {
                toDownload.put(e.router(), Math.max(0, t.total() - t.bytes()));
            } else if (e instanceof UpgradeEvent.PhaseChanged p && p.to().compareTo(org.fleetflash.core.upgrade.Phase.DOWNLOAD) > 0
                    || e instanceof UpgradeEvent.Finished) {
                toDownload.put(e.router(), 0L);
            }
            progress.computeIfAbsent(e.router(), k -> new RouterProgress()).on(e).ifPresent(s -> pump.offer(row, s));
            if (e instanceof UpgradeEvent.Probed p) {
                Platform.runLater(() -> fleet.showFacts(row, p.facts())); // the upgrade's own probe is the newest reading
            }
            if (e instanceof UpgradeEvent.Finished f) {
                Platform.runLater(() -> {
                    busy.remove(row);
                    lastResults.put(row, f.result());
                    onEnded.accept(row, f.result());
                });
            }
        }

        @Override
        public void onBatch(BatchEvent e) {
            if (e instanceof BatchEvent.Totals t) {
                lastTotals = t.totals();
                String line = totalsLine(t.totals());
                Platform.runLater(() -> totals.set(line));
            } else if (e instanceof BatchEvent.Halted h) {
                String why = Sanitize.line(h.reason(), 300) + ": " + h.forTheRunning() + ".";
                Platform.runLater(() -> fleet.tell("Batch halted: " + why));
            }
        }
    }

    /** The status bar's line: {@code 2/3 done · 2 ✓ 1 ⚠ 0 ✗ · 1.2 MB/s · ETA 12 s} (see {@link BatchLine}). */
    private String totalsLine(BatchTotals t) {
        long left = toDownload.values().stream().mapToLong(Long::longValue).sum();
        return BatchLine.line(t, throughput.total(java.time.Instant.now()), left);
    }

    /** The image server's summed download rate now, in bytes per second (the throughput chart samples it). */
    public long throughputNow() {
        return throughput.total(java.time.Instant.now());
    }

    /** Refreshes the totals line with the current download rate (the window calls it while a batch runs). */
    public void refreshTotals() {
        BatchTotals t = lastTotals;
        if (t != null && running.get()) {
            totals.set(totalsLine(t));
        }
    }

    /** The erase blocks of {@code row}'s upgrade in this session, if it had one. */
    public java.util.Optional<BlockProgress> blocksOf(RouterRow row) {
        return java.util.Optional.ofNullable(blocks.get(row));
    }

    /** The log lines of {@code row}'s upgrade in this session (empty without one) and a version that changes with them. */
    public java.util.Map.Entry<Long, List<String>> logOf(RouterRow row) {
        RouterLog log = logs.get(row);
        return log == null ? java.util.Map.entry(-1L, List.of()) : java.util.Map.entry(log.version(), log.lines());
    }

    /** The row's problem first: the status cell reads it as its tooltip when the status changes. */
    private void apply(RouterRow row, RouterProgress.Snapshot s) {
        if (s.outcome().isPresent()) {
            row.problemProperty().set(s.outcome().get() == Outcome.SUCCEEDED ? "" : Sanitize.line(s.message(), 600));
            row.lastOutcomeProperty().set(s.outcome().get().name());
            s.firmware().ifPresent(v -> row.firmwareProperty().set(Sanitize.line(v, 120)));
        }
        row.progressProperty().set(s.fraction());
        row.safetyProperty().set(s.safety());
        row.statusProperty().set(Sanitize.line(s.detail(), 200));
    }

    private void ended(BatchResult result, Throwable failure) {
        pump.drain();
        running.set(false);
        runner = null;
        busy.clear();
        if (failure != null) {
            LOG.error("The batch failed unexpectedly", Background.unwrap(failure));
            fleet.tell("The batch stopped unexpectedly; details are in the log file. Check the routers' rows, then Resume interrupted.");
        } else {
            BatchTotals t = result.totals();
            totals.set("Last batch: " + BatchLine.words(t));
            fleet.tell(t.needsAttention() > 0 ? t.needsAttention() + " router(s) need attention: point at their status to see what to do."
                    : t.failedSafe() > 0 ? t.failedSafe() + " router(s) were left untouched (see their status); Retry failed tries them again."
                    : "Every router of the batch is upgraded.");
        }
        String missed = engine.historyIncomplete(historyFailuresBefore);
        if (!missed.isEmpty()) {
            fleet.tell("The history " + missed);
        }
        afterBatch.run();
    }

    /** Cancels the running batch: routers before their reroot are undone, the ones past it finish on their own. */
    public void cancel() {
        BatchRunner r = runner;
        if (r == null) {
            fleet.tell("No batch is running.");
            return;
        }
        fleet.tell("Cancelling: undoing what was made on the routers before their reroot…");
        checks.supply(r::cancel).whenCompleteAsync((answer, failure) -> {
            if (failure != null) {
                LOG.error("Cancel failed", Background.unwrap(failure));
                return;
            }
            int past = answer.pastPointOfNoReturn().size();
            fleet.tell("Cancelling " + answer.undoing() + " router(s) before the reroot (they are left as they were)"
                    + (answer.notStarted() > 0 ? ", " + answer.notStarted() + " not started" : "")
                    + (past > 0 ? "; " + past + " past the point of no return finish on their own: do not power them off." : "."));
        }, Platform::runLater);
    }

    /**
     * Cancels the running batch and runs {@code then} on the FX thread once only routers past their reroot are left
     * (those finish on their own) and the history holds what happened, or after {@link #CLOSE_WAIT} at most.
     */
    public void cancelThen(Runnable then) {
        BatchRunner r = runner;
        if (r == null) {
            then.run();
            return;
        }
        fleet.tell("Cancelling the batch before closing: undoing what was made on the routers before their reroot…");
        checks.supply(() -> {
            r.cancel();
            r.awaitOnlyPastPointOfNoReturn(CLOSE_WAIT);
            r.flushEvents(java.time.Duration.ofSeconds(5));
            return engine.awaitRecorded();
        }).whenCompleteAsync((recorded, failure) -> {
            if (failure != null) {
                LOG.error("Cancelling before closing failed", Background.unwrap(failure));
            }
            pump.drain(); // the rows show how their routers were left before the window goes
            then.run();
        }, Platform::runLater);
    }

    /** The longest a close waits for the cancelled routers to be undone. */
    static final java.time.Duration CLOSE_WAIT = java.time.Duration.ofSeconds(90);

    /**
     * The rows of the last batch that ended FAILED_SAFE for a reason that may pass (not an up-to-date one) and are still
     * listed: one removed from the list since would be upgraded out of sight.
     */
    public List<RouterRow> failedRows() {
        return lastBatch.stream().filter(fleet::lists).filter(r -> {
            UpgradeResult res = lastResults.get(r);
            return res != null && res.outcome() == Outcome.FAILED_SAFE && res.code() != FailureCode.UP_TO_DATE;
        }).toList();
    }

    /**
     * Checks every attempt a crash left without an end on its router (as {@code fleetflash resume} does) and records what
     * it found; the rows of those routers show it.
     */
    public void resumeInterrupted() {
        if (running.get()) {
            fleet.tell("A batch is running: Resume checks the interrupted upgrades once it has ended.");
            return;
        }
        if (resuming.get()) {
            fleet.tell("Resume is checking the interrupted upgrades already: see the routers' status.");
            return;
        }
        if (fleet.login().isEmpty()) {
            fleet.tell("Give the login first (Probe asks for it), then Resume interrupted.");
            return;
        }
        boolean trust = fleet.trustNewHostKeys();
        fleet.tell("Looking for interrupted upgrades…");
        resuming.set(true);
        checks.supply(engine::interrupted).whenCompleteAsync((todo, failure) -> {
            if (failure != null) {
                LOG.warn("Cannot read the interrupted attempts", Background.unwrap(failure));
                fleet.tell("The history could not be read; details are in the log file.");
                resuming.set(false);
                return;
            }
            if (todo.isEmpty()) {
                fleet.tell("No interrupted upgrade to check.");
                resuming.set(false);
                return;
            }
            fleet.tell("Checking " + todo.size() + " interrupted upgrade(s)…");
            java.util.Collection<List<InterruptedAttempt>> perRouter = InterruptedAttempt.perRouter(todo);
            int[] left = {perRouter.size()};
            for (List<InterruptedAttempt> attempts : perRouter) {
                RouterId router = attempts.get(0).router();
                RouterRow row = fleet.rowFor(new org.fleetflash.core.device.SshTarget(router.host(), router.port()));
                Credentials c = fleet.credentialsFor(row);
                busy.add(row);
                row.statusProperty().set("checking the interrupted upgrade…");
                checks.supply(() -> {
                    ResumeCheck.Finding last = null;
                    for (InterruptedAttempt a : attempts) {
                        last = engine.resume(a, id -> c, trust, why -> Platform.runLater(() -> row.statusProperty().set(
                                "checking the interrupted upgrade: " + Sanitize.line(why, 300)))); // the row shows the newest finding
                    }
                    engine.awaitRecorded(); // "checked" in the window: the finding is in the history
                    return last;
                }).whenCompleteAsync((f, fail) -> {
                    busy.remove(row);
                    resumed(row, f, fail);
                    if (--left[0] == 0) {
                        resuming.set(false);
                        fleet.tell("Checked " + todo.size() + " interrupted upgrade(s): see each router's status.");
                        afterBatch.run();
                    }
                }, Platform::runLater);
            }
        }, Platform::runLater);
    }

    private void resumed(RouterRow row, ResumeCheck.Finding f, Throwable failure) {
        if (failure != null) {
            LOG.error("Resume check of {} failed", row.address(), Background.unwrap(failure));
            row.statusProperty().set("check failed");
            row.problemProperty().set("The check failed unexpectedly; details are in the log file. Try Resume interrupted again.");
            return;
        }
        String word = f.outcome().map(Outcome::name).orElse("INTERRUPTED");
        row.problemProperty().set(Sanitize.line(f.message(), 600));
        row.lastOutcomeProperty().set(word);
        row.statusProperty().set(word + " (checked after the interruption)");
        f.firmwareVersion().ifPresent(v -> row.firmwareProperty().set(Sanitize.line(v, 120)));
    }

    @Override
    public void close() {
        BatchRunner r = runner;
        if (r != null) {
            r.cancel();
        }
        pump.close();
        checks.close();
        batchThread.close();
    }
}

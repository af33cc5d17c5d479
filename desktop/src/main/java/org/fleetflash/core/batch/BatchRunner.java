package org.fleetflash.core.batch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.fleetflash.core.upgrade.AttemptRef;
import org.fleetflash.core.upgrade.EventDelivery;
import org.fleetflash.core.upgrade.FailureCode;
import org.fleetflash.core.upgrade.Outcome;
import org.fleetflash.core.upgrade.Phase;
import org.fleetflash.core.upgrade.RouterId;
import org.fleetflash.core.upgrade.RouterUpgrade;
import org.fleetflash.core.upgrade.UpgradeEvent;
import org.fleetflash.core.upgrade.UpgradeRequest;
import org.fleetflash.core.upgrade.UpgradeResult;
import org.fleetflash.core.upgrade.UpgradeServices;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upgrades a chosen set of routers with one image and layout: at most {@link BatchSettings#concurrency()} at once,
 * each on its own thread so that one stuck router never holds up the rest; an optional canary wave, failure budget,
 * stage-all-first and retries of passing failures. {@link #cancel()} stops every router before its reroot (each is
 * undone) and lets the ones past it finish. Every router ends with a result: the ones that never started say why.
 */
public final class BatchRunner {

    private static final Logger LOG = LoggerFactory.getLogger(BatchRunner.class);
    /** How often the totals are sent while bytes and blocks move. */
    private static final Duration TOTALS_EVERY = Duration.ofMillis(500);

    private final UpgradeServices services;
    private final List<UpgradeRequest> requests;
    private final BatchSettings settings;
    private final BatchListener listener;
    private final EventDelivery delivery;
    private final String batchId = RouterUpgrade.newId();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Deque<Item> queue = new ArrayDeque<>();
    private final Map<Integer, RouterUpgrade> running = new HashMap<>();
    private final UpgradeResult[] results;
    private final Semaphore permits;
    private int canariesLeft;
    private int failures;
    private int held;
    /** Routers taken from the queue and not yet running (or recorded as not started): guarded by the lock. */
    private int dispatching;
    private boolean go;
    private boolean anyStagingFailed;
    /** The first router that failed before its reroot, and how: what a stage-all-first halt names. */
    private String firstStagingFailure;
    private String haltReason;
    private FailureCode haltCode;
    private Instant started;

    private final Map<String, Long> downloaded = new ConcurrentHashMap<>();
    private final AtomicLong blocksWritten = new AtomicLong();
    private final AtomicLong blocksSame = new AtomicLong();
    private volatile Instant lastTotals = Instant.EPOCH;
    private volatile RouterUpgrade.CommitJournal journal = ref -> true;

    /** One router's place in the queue. */
    /** A router to start; {@code notBefore} ({@link System#nanoTime()}) holds back a retry until its delay passed. */
    private record Item(int index, UpgradeRequest request, int tries, boolean canary, long notBefore) {
    }

    /** The answer to {@link #cancel()}. */
    public record CancelSummary(int undoing, int notStarted, List<RouterId> pastPointOfNoReturn) {
        public CancelSummary {
            pastPointOfNoReturn = List.copyOf(pastPointOfNoReturn);
        }
    }

    public BatchRunner(UpgradeServices services, List<UpgradeRequest> requests, BatchSettings settings,
            BatchListener listener) {
        this.services = Objects.requireNonNull(services, "services");
        this.requests = List.copyOf(requests);
        this.settings = Objects.requireNonNull(settings, "settings");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.delivery = services.delivery();
        if (this.requests.isEmpty()) {
            throw new IllegalArgumentException("A batch needs at least one router");
        }
        this.results = new UpgradeResult[this.requests.size()];
        this.permits = new Semaphore(settings.concurrency());
        this.canariesLeft = Math.min(settings.canary(), this.requests.size());
        for (int i = 0; i < this.requests.size(); i++) {
            queue.add(new Item(i, this.requests.get(i), 0, i < canariesLeft, System.nanoTime()));
        }
    }

    public String batchId() {
        return batchId;
    }

    /** Every router of the batch waits, before its commit is sent, until {@code j} has its COMMIT on record. */
    public BatchRunner journalBeforeCommit(RouterUpgrade.CommitJournal j) {
        this.journal = Objects.requireNonNull(j, "j");
        return this;
    }

    /** Runs the batch to its end; returns one result per router, in the order given. Never throws. */
    public BatchResult run() {
        started = services.clock().instant();
        emitBatch(new BatchEvent.Started(batchId, started, requests.stream().map(r -> RouterId.of(r.target())).toList(),
                settings));
        ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fleetflash-batch-deadlines");
            t.setDaemon(true);
            return t;
        });
        try {
            Item item;
            while ((item = next()) != null) {
                permits.acquireUninterruptibly();
                if (!startOrSkip(item, deadlines)) {
                    permits.release();
                }
            }
        } finally {
            deadlines.shutdownNow();
        }
        BatchTotals totals = totals();
        List<UpgradeResult> list = List.of(results);
        emitBatch(new BatchEvent.Finished(batchId, now(), list, totals));
        delivery.drain(Duration.ofSeconds(30));
        return new BatchResult(batchId, requests, list, totals);
    }

    /**
     * Stops the batch: no new router starts, every router before its reroot is stopped and undone, the ones past
     * it finish on their own and are reported. Safe from any thread, any number of times.
     */
    public CancelSummary cancel() {
        lock.lock();
        try {
            halt(FailureCode.CANCELLED, "The batch was cancelled by the technician");
            int undoing = 0;
            List<RouterId> past = new ArrayList<>();
            for (RouterUpgrade u : running.values()) {
                if (u.cancel().accepted()) {
                    undoing++;
                } else {
                    past.add(u.attempt().router());
                }
            }
            go = true;
            changed.signalAll();
            return new CancelSummary(undoing, queue.size(), past);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until every router still running is past its point of no return (the others ended), at most
     * {@code limit}; after a {@link #cancel()}, that is when every cancelled router was undone.
     */
    public boolean awaitOnlyPastPointOfNoReturn(Duration limit) {
        long end = System.nanoTime() + limit.toNanos();
        lock.lock();
        try {
            while (running.values().stream().anyMatch(u -> u.phase() == null || !u.phase().pastPointOfNoReturn())
                    || !queue.isEmpty() && haltReason == null) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** The results of the routers that ended so far. */
    public List<UpgradeResult> resultsSoFar() {
        lock.lock();
        try {
            return java.util.Arrays.stream(results).filter(Objects::nonNull).toList();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until every event emitted so far reached the listener, at most {@code limit}. */
    public boolean flushEvents(Duration limit) {
        return delivery.drain(limit);
    }

    /** Where the batch stands now. */
    public BatchTotals totals() {
        lock.lock();
        try {
            int succeeded = 0;
            int upToDate = 0;
            int safe = 0;
            int attention = 0;
            for (UpgradeResult r : results) {
                if (r == null) {
                    continue;
                }
                switch (r.outcome()) {
                    case SUCCEEDED -> {
                        succeeded++;
                        upToDate += r.code() == FailureCode.UP_TO_DATE ? 1 : 0;
                    }
                    case FAILED_SAFE -> safe++;
                    case NEEDS_ATTENTION -> attention++;
                }
            }
            int finished = succeeded + safe + attention;
            Duration elapsed = started == null ? Duration.ZERO : Duration.between(started, now());
            Optional<Duration> eta = finished == 0 || finished == results.length ? Optional.empty()
                    : Optional.of(elapsed.multipliedBy(results.length - finished).dividedBy(finished));
            long bytes = downloaded.values().stream().mapToLong(Long::longValue).sum();
            return new BatchTotals(results.length, succeeded, upToDate, safe, attention, running.size(), queue.size(), bytes,
                    blocksWritten.get(), blocksSame.get(), elapsed, eta);
        } finally {
            lock.unlock();
        }
    }

    // ---- the queue ------------------------------------------------------------------------------------

    /** The next router to start, waiting while the canary wave runs; null when every router has ended. */
    private Item next() {
        boolean interrupted = false;
        lock.lock();
        try {
            while (true) {
                // the first router in queue order whose retry delay has passed (all of them once the batch halted)
                long now = System.nanoTime();
                Item ready = null;
                long soonest = Long.MAX_VALUE;
                for (Item i : queue) {
                    if (haltReason != null || i.notBefore() - now <= 0) {
                        ready = i;
                        break;
                    }
                    soonest = Math.min(soonest, i.notBefore() - now);
                }
                if (ready != null && (haltReason != null || ready.canary() || canariesLeft == 0)) {
                    dispatching++;
                    queue.remove(ready);
                    return ready;
                }
                if (queue.isEmpty() && running.isEmpty()) {
                    return null;
                }
                if (ready == null && soonest != Long.MAX_VALUE) {
                    try {
                        changed.awaitNanos(soonest); // a retry's delay ends, or something changes meanwhile
                    } catch (InterruptedException e) {
                        interrupted = true; // as the untimed wait below: the batch goes on; the flag is set again at the end
                    }
                } else {
                    changed.awaitUninterruptibly();
                }
            }
        } finally {
            lock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts the item on its own thread, or records why it does not start; false when it did not start. */
    private boolean startOrSkip(Item item, ScheduledExecutorService deadlines) {
        RouterUpgrade upgrade;
        lock.lock();
        try {
            dispatching--;
            if (haltReason != null) {
                notStarted(item);
                return false;
            }
            upgrade = new RouterUpgrade(item.request(), services, batchId, this::onUpgradeEvent).journalBeforeCommit(journal);
            if (settings.stageAllFirst() && !item.canary()) {
                upgrade.holdBeforeCommit(() -> holdAtStaged(upgrade));
            }
            running.put(item.index(), upgrade);
        } finally {
            lock.unlock();
        }
        Thread t = new Thread(() -> work(item, upgrade, deadlines), "fleetflash-upgrade-" + item.request().target().hostPort());
        t.setDaemon(true);
        t.start();
        emitTotals();
        return true;
    }

    private void work(Item item, RouterUpgrade upgrade, ScheduledExecutorService deadlines) {
        ScheduledFuture<?> deadline = deadlines.schedule(() -> {
            Phase p = upgrade.phase();
            if (p == null || p.compareTo(Phase.STAGED) < 0) {
                Duration d = settings.stagingDeadline();
                upgrade.stop(FailureCode.DEADLINE, "Not staged within " + (d.toSeconds() < 120 ? d.toSeconds() + " s"
                        : d.toMinutes() + " min") + " (the batch's staging deadline): the router answers too slowly, or hangs;"
                        + " stopped");
            }
        }, settings.stagingDeadline().toMillis(), TimeUnit.MILLISECONDS);
        UpgradeResult result = null;
        try {
            result = upgrade.run();
        } catch (RuntimeException | Error e) {
            LOG.error("The upgrade of {} ended abnormally", item.request().target(), e);
        } finally {
            deadline.cancel(false);
            // a router whose thread died still ends, so the batch never waits for it
            ended(item, upgrade, result != null ? result : abnormal(upgrade));
        }
    }

    private void ended(Item item, RouterUpgrade upgrade, UpgradeResult result) {
        boolean retry;
        lock.lock();
        try {
            running.remove(item.index());
            retry = haltReason == null && result.outcome() == Outcome.FAILED_SAFE && result.code().passing()
                    && item.tries() < settings.retries();
            if (retry) {
                queue.addLast(new Item(item.index(), item.request(), item.tries() + 1, item.canary(),
                        System.nanoTime() + settings.retryDelay().multipliedBy(item.tries() + 1).toNanos()));
            } else {
                results[item.index()] = result;
                tally(item, result);
            }
            if (retry) {
                emitBatch(new BatchEvent.Retrying(batchId, now(), upgrade.attempt().router(), item.tries() + 2, result));
            }
            // queued under the lock, so they are delivered before the batch's Finished, which waits for the lock
            emitTotals();
            changed.signalAll();
        } finally {
            lock.unlock();
            permits.release();
        }
    }

    /** Counts a final result against the canary wave and the failure budget (under the lock). */
    private void tally(Item item, UpgradeResult result) {
        boolean failed = result.outcome() != Outcome.SUCCEEDED && result.code() != FailureCode.CANCELLED
                && result.code() != FailureCode.BATCH_HALTED && result.code() != FailureCode.NOT_STARTED;
        if (failed) {
            failures++;
            if (result.phase() == null || !result.phase().pastPointOfNoReturn()) {
                if (!anyStagingFailed) {
                    firstStagingFailure = result.router() + " ended " + result.outcome() + " (" + result.code() + ")";
                }
                anyStagingFailed = true;
            }
        }
        if (item.canary()) {
            if (result.outcome() == Outcome.SUCCEEDED) {
                canariesLeft--;
            } else {
                halt(FailureCode.NOT_STARTED, "The canary wave failed: " + result.router() + " ended " + result.outcome()
                        + " (" + result.code() + ")");
            }
        }
        if (settings.maxFailures() > 0 && failures >= settings.maxFailures()) {
            halt(FailureCode.NOT_STARTED, "The failure budget of " + settings.maxFailures() + " was reached");
        }
    }

    /** No new router starts any more (under the lock); the first reason is kept. */
    private void halt(FailureCode code, String reason) {
        if (haltReason != null) {
            return;
        }
        haltReason = reason;
        haltCode = code;
        LOG.info("Batch {} halted: {}", batchId, reason);
        emitBatch(new BatchEvent.Halted(batchId, now(), code, reason));
        changed.signalAll();
    }

    /** The result of an attempt whose thread died without one (a defect, or the JVM out of memory). */
    private UpgradeResult abnormal(RouterUpgrade upgrade) {
        Phase p = upgrade.phase();
        boolean past = p != null && p.pastPointOfNoReturn();
        return new UpgradeResult(upgrade.attempt(), past ? Outcome.NEEDS_ATTENTION : Outcome.FAILED_SAFE, p, FailureCode.INTERNAL,
                "FleetFlash failed unexpectedly in " + p + (past ? "; the router was already rerooting: check it."
                        : "; run 'fleetflash cleanup " + upgrade.attempt().router().hostPort() + "' to remove what it may have"
                        + " staged."), Optional.empty(), Optional.empty(), -1, -1, Optional.empty(), false, 0, Duration.ZERO);
    }

    /** Records why a router never started (under the lock). */
    private void notStarted(Item item) {
        RouterId id = RouterId.of(item.request().target());
        String message = "Not started: " + haltReason
                + ". Nothing was changed on the router.";
        UpgradeResult r = new UpgradeResult(new AttemptRef(RouterUpgrade.newId(), batchId, id), Outcome.FAILED_SAFE, null,
                haltCode, message, Optional.empty(), Optional.empty(), -1, -1, Optional.empty(), false, 0, Duration.ZERO);
        results[item.index()] = r;
        delivery.deliver(listener, new UpgradeEvent.Finished(r.attempt(), now(), r));
        changed.signalAll();
    }

    // ---- stage-all-first --------------------------------------------------------------------------------

    /**
     * A router is staged: it gives its slot back and waits until every router of the batch is staged or has ended.
     * If any could not be staged, or the batch halted, none reroots: each waiting one is stopped and undone.
     */
    private void holdAtStaged(RouterUpgrade upgrade) {
        permits.release();
        lock.lock();
        try {
            held++;
            changed.signalAll();
            while (!go) {
                if (queue.isEmpty() && dispatching == 0 && held == running.size()) {
                    go = true;
                    if (anyStagingFailed || haltReason != null) {
                        String why = haltReason != null ? haltReason : "A router of the batch could not be staged: "
                                + firstStagingFailure;
                        halt(FailureCode.BATCH_HALTED, why);
                        for (RouterUpgrade u : running.values()) {
                            u.stop(FailureCode.BATCH_HALTED, "Stage-all-first: " + why + ", so no router of the batch"
                                    + " reroots; stopped");
                        }
                    }
                    changed.signalAll();
                    break;
                }
                changed.awaitUninterruptibly();
            }
            held--;
        } finally {
            lock.unlock();
        }
        permits.acquireUninterruptibly();
    }

    // ---- events -----------------------------------------------------------------------------------------

    /** Every attempt event, on the event thread: passed on, and counted into the totals. */
    private void onUpgradeEvent(UpgradeEvent e) {
        listener.on(e);
        if (e instanceof UpgradeEvent.Transfer t && t.phase() == Phase.DOWNLOAD) {
            downloaded.put(e.attempt().attemptId(), t.bytes());
        } else if (e instanceof UpgradeEvent.BlockFlashed b) {
            (b.action() == UpgradeEvent.BlockAction.WRITTEN ? blocksWritten : blocksSame)
                    .addAndGet(b.action() == UpgradeEvent.BlockAction.FAILED ? 0 : 1);
        } else {
            return;
        }
        Instant now = now();
        if (Duration.between(lastTotals, now).compareTo(TOTALS_EVERY) >= 0) {
            lastTotals = now;
            listener.onBatch(new BatchEvent.Totals(batchId, now, totals()));
        }
    }

    private void emitTotals() {
        lastTotals = now();
        emitBatch(new BatchEvent.Totals(batchId, lastTotals, totals()));
    }

    private void emitBatch(BatchEvent e) {
        delivery.deliver(() -> listener.onBatch(e), e.getClass().getSimpleName());
    }

    private Instant now() {
        return services.clock().instant();
    }
}

package org.fleetflash.core.upgrade;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's one event thread: every upgrade event reaches its listener here, in the order it was emitted,
 * so that no listener ever runs on an I/O thread and none needs to be thread-safe. Emitting never blocks: the
 * queue is unbounded (events are small, and a window coalesces them).
 */
public final class EventDelivery implements AutoCloseable {

    /** The name of the delivering thread. */
    public static final String THREAD_NAME = "fleetflash-events";

    private static final Logger LOG = LoggerFactory.getLogger(EventDelivery.class);

    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, THREAD_NAME);
        t.setDaemon(true);
        return t;
    });

    /** Queues {@code event} for {@code listener}; returns at once. */
    public void deliver(UpgradeListener listener, UpgradeEvent event) {
        deliver(() -> listener.on(event), event.getClass().getSimpleName());
    }

    /**
     * Queues a call to a listener (a batch's own events), after every event queued before it; returns at once.
     *
     * @param what names the event for the log, should the listener fail
     */
    public void deliver(Runnable call, String what) {
        try {
            thread.execute(() -> {
                try {
                    call.run();
                } catch (RuntimeException | AssertionError | LinkageError e) {
                    // a broken listener is logged; the thread goes on delivering everybody else's events
                    LOG.warn("An event listener failed on {}", what, e);
                }
            });
        } catch (RejectedExecutionException closed) {
            LOG.debug("Event after the engine closed, dropped: {}", what);
        }
    }

    /**
     * Waits until every event queued before this call was delivered, at most {@code limit}.
     *
     * @return false when the limit passed first (a listener is stuck)
     */
    public boolean drain(Duration limit) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            thread.execute(() -> done.complete(null));
            done.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (RejectedExecutionException e) {
            return true;
        } catch (TimeoutException e) {
            LOG.warn("Upgrade event listeners did not keep up within {}", limit);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return false;
        }
    }

    /** Whether the caller is the event thread. */
    public boolean onEventThread() {
        return THREAD_NAME.equals(Thread.currentThread().getName());
    }

    /** Delivers what is queued (at most a few seconds), then stops the thread. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            thread.shutdownNow();
        }
    }
}

package org.fleetflash.core.upgrade;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
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

    private final LinkedBlockingQueue<Runnable> queued = new LinkedBlockingQueue<>();
    private final ExecutorService thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, queued, r -> {
        Thread t = new Thread(r, THREAD_NAME);
        t.setDaemon(true);
        return t;
    });
    /** Run on the event thread whenever it has delivered everything queued. */
    private final List<Runnable> idleHooks = new CopyOnWriteArrayList<>();
    /** Whether an event was delivered since the idle hooks last ran (touched on the event thread only). */
    private boolean delivered;

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
            run(call, what, true);
        } catch (RejectedExecutionException closed) {
            LOG.debug("Event after the engine closed, dropped: {}", what);
        }
    }

    /**
     * Queues {@code call} on the event thread. {@code event}: it delivers an event, after which the idle hooks run if
     * nothing else is queued; else it is a drain's mark, which runs after them, so that a drain also waits for them.
     */
    private void run(Runnable call, String what, boolean event) {
        thread.execute(() -> {
            if (event) {
                try {
                    call.run();
                } catch (RuntimeException | AssertionError | LinkageError e) {
                    // a broken listener is logged; the thread goes on delivering everybody else's events
                    LOG.warn("An event listener failed on {}", what, e);
                }
                delivered = true;
            }
            if (delivered && queued.isEmpty()) {
                delivered = false;
                idle();
            }
            if (!event) {
                call.run();
            }
        });
    }

    /**
     * Runs {@code hook} on the event thread each time it has delivered every event queued so far: where a listener
     * buffers what it writes (one system call per burst of events, not one per event), the hook flushes it.
     */
    public void whenIdle(Runnable hook) {
        idleHooks.add(hook);
    }

    private void idle() {
        for (Runnable hook : idleHooks) {
            try {
                hook.run();
            } catch (RuntimeException e) {
                LOG.warn("An event listener's idle hook failed", e);
            }
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
            run(() -> done.complete(null), "drain", false);
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

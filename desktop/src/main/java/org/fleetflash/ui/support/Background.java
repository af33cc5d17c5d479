package org.fleetflash.ui.support;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the window's slow work runs (SSH, SQLite, files): a few named daemon threads owned by the window, never the
 * FX thread. Results come back as {@link CompletableFuture}s that the view models finish on the FX thread.
 */
public final class Background implements AutoCloseable {

    private final ExecutorService executor;

    private Background(ExecutorService executor) {
        this.executor = executor;
    }

    /** A pool of {@code threads} daemon threads named {@code prefix-N}. */
    public static Background threads(String prefix, int threads) {
        AtomicInteger count = new AtomicInteger();
        return new Background(Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, prefix + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }));
    }

    /** Runs {@code work} on a background thread. */
    public <T> CompletableFuture<T> supply(Callable<T> work) {
        Objects.requireNonNull(work, "work");
        return CompletableFuture.supplyAsync(() -> {
            try {
                return work.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, executor);
    }

    /** The cause behind a {@link CompletableFuture}'s wrapping. */
    public static Throwable unwrap(Throwable t) {
        Throwable c = t;
        for (int i = 0; i < 8 && c instanceof CompletionException && c.getCause() != null; i++) {
            c = c.getCause();
        }
        return c;
    }

    /** Stops taking work and gives running work a moment to finish. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package org.fleetflash.core.discovery;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reverse DNS names, only when the user asks (each lookup sends a query to the configured resolver), on a
 * small pool of named threads, each answer bounded by a deadline.
 */
public final class ReverseNames implements AutoCloseable {

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final ExecutorService pool;
    private final Duration timeout;

    public ReverseNames(int threads, Duration timeout) {
        if (threads < 1 || threads > 32) {
            throw new IllegalArgumentException("Give 1-32 lookup threads, not " + threads);
        }
        this.timeout = timeout;
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "fleetflash-rdns-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The name the resolver gives for the address; empty when it has none or does not answer in time. */
    public CompletableFuture<Optional<String>> lookup(Ipv4Address address) {
        return CompletableFuture.supplyAsync(() -> {
            String name = address.toInetAddress().getCanonicalHostName();
            return name.equals(address.toString()) ? Optional.<String>empty() : Optional.of(name);
        }, pool).completeOnTimeout(Optional.empty(), timeout.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(e -> Optional.empty());
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}

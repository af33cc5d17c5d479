package org.fleetflash.core.discovery;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running active scan: a TCP connect scan on a single thread with one NIO {@link Selector}, a bounded
 * number of non-blocking connects in flight, a deadline per connect, and on every open port a short read
 * of the identification line. Nothing is ever written to a target. Results stream to the
 * {@link ScanListener}; {@link #cancel()} stops it at once.
 */
public final class ScanJob implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ScanJob.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    /** Descriptors left for everything else in the process (logs, jars, the UI). */
    private static final long DESCRIPTOR_RESERVE = 128;
    private static final long PROGRESS_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final Duration CANCEL_WAIT = Duration.ofSeconds(2);

    private final ScanPlan plan;
    private final ScanOptions options;
    private final ScanListener listener;
    private final Selector selector;
    private final int concurrency;
    private final CompletableFuture<ScanSummary> completion = new CompletableFuture<>();
    private final AtomicLong finished = new AtomicLong();
    private final Thread thread;
    private volatile boolean cancelled;

    private ScanJob(ScanPlan plan, ScanOptions options, ScanListener listener, Selector selector, int concurrency) {
        this.plan = plan;
        this.options = options;
        this.listener = listener;
        this.selector = selector;
        this.concurrency = concurrency;
        this.thread = new Thread(this::run, "fleetflash-scan-" + THREADS.incrementAndGet());
        this.thread.setDaemon(true);
    }

    /**
     * Starts the scan on its own thread and returns at once.
     *
     * @throws ScanRefusedException when the process has too few free file descriptors to scan at all
     * @throws IOException when no selector can be opened
     */
    public static ScanJob start(ScanPlan plan, ScanOptions options, ScanListener listener) throws ScanRefusedException, IOException {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(listener, "listener");
        int c = clampToDescriptors(options.concurrency(), freeDescriptors());
        if (plan.probeCount() < c) {
            c = (int) Math.max(1, plan.probeCount());
        }
        ScanJob job = new ScanJob(plan, options, listener, Selector.open(), c);
        LOG.info("Scan started: {}, {} in flight, connect timeout {} ms, banner timeout {} ms", plan.describe(), c,
                options.connectTimeout().toMillis(), options.bannerTimeout().toMillis());
        job.thread.start();
        return job;
    }

    /** Free descriptors of this process, or -1 when the platform does not say. */
    static long freeDescriptors() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount();
        }
        return -1;
    }

    /**
     * The concurrency the descriptor limit allows: each attempt holds one descriptor, and a closed one is
     * released only at the next selection, so up to two per slot.
     */
    static int clampToDescriptors(int wanted, long free) throws ScanRefusedException {
        if (free < 0) {
            return wanted;
        }
        long usable = (free - DESCRIPTOR_RESERVE) / 2;
        if (usable < 8) {
            throw new ScanRefusedException("Only " + free + " file descriptors are free in this process, too few to scan. "
                    + "Raise the limit (e.g. 'ulimit -n 4096') and start FleetFlash again.");
        }
        if (usable < wanted) {
            LOG.warn("Concurrency lowered from {} to {}: only {} file descriptors are free (raise 'ulimit -n' for more)",
                    wanted, usable, free);
            return (int) usable;
        }
        return wanted;
    }

    /** Connection attempts in flight at most (the asked concurrency, clamped to the descriptor limit and the plan). */
    public int concurrency() {
        return concurrency;
    }

    public ScanPlan plan() {
        return plan;
    }

    /** Connection attempts finished so far. */
    public long done() {
        return finished.get();
    }

    /** Completes with the summary when the scan ends (finished, cancelled or out of time). */
    public CompletableFuture<ScanSummary> completion() {
        return completion;
    }

    /** Waits for the end of the scan. */
    public ScanSummary await(Duration timeout) throws InterruptedException, TimeoutException, IOException {
        try {
            return completion.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("The scan failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Stops the scan at once: no new connects, every open socket closed, no listener call after this returns
     * (unless called from the listener itself, which then simply gets no further calls).
     */
    public void cancel() {
        cancelled = true;
        selector.wakeup();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(CANCEL_WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                LOG.warn("Scan thread {} did not stop within {}", thread.getName(), CANCEL_WAIT);
            }
        }
    }

    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public void close() {
        if (!completion.isDone()) {
            cancel();
        }
    }

    /** One connection attempt. */
    private static final class Attempt {
        final SocketChannel channel;
        final Ipv4Address address;
        final int port;
        final long startNanos;
        long deadline;
        boolean reading;
        boolean done;
        long connectedNanos;
        ByteBuffer received;
        SelectionKey key;

        Attempt(SocketChannel channel, Ipv4Address address, int port, long startNanos) {
            this.channel = channel;
            this.address = address;
            this.port = port;
            this.startNanos = startNanos;
        }
    }

    private final int[] ports() {
        return plan.ports().stream().mapToInt(Integer::intValue).toArray();
    }

    // Counters, touched by the scan thread only.
    private long addressesTried;
    private long connects;
    private long open;
    private long timedOut;
    private long errors;
    private int inFlight;

    private void run() {
        long start = System.nanoTime();
        long hardDeadline = start + options.maxDuration().toNanos();
        boolean deadlineReached = false;
        ArrayDeque<Attempt> connecting = new ArrayDeque<>();
        ArrayDeque<Attempt> reading = new ArrayDeque<>();
        int[] ports = ports();
        Iterator<Ipv4Address> addresses = plan.addresses();
        Ipv4Address current = addresses.hasNext() ? addresses.next() : null;
        int portIndex = 0;
        int limit = concurrency;
        long total = plan.probeCount();
        long lastProgress = start;
        try {
            while (!cancelled) {
                long now = System.nanoTime();
                if (now - hardDeadline >= 0) {
                    deadlineReached = true;
                    LOG.warn("Scan stopped at its overall deadline of {} after {} connects", options.maxDuration(), connects);
                    break;
                }
                while (current != null && inFlight < limit && !cancelled) {
                    SocketChannel ch;
                    try {
                        ch = SocketChannel.open();
                    } catch (IOException e) {
                        if (inFlight == 0) {
                            throw new IOException("Cannot open a socket even with none in flight (" + e.getMessage()
                                    + "); raise the file descriptor limit ('ulimit -n') and try again", e);
                        }
                        limit = inFlight;
                        LOG.warn("Cannot open more sockets ({}); continuing with {} in flight", e.getMessage(), limit);
                        break;
                    }
                    if (portIndex == 0) {
                        addressesTried++;
                    }
                    launch(ch, current, ports[portIndex], now, connecting, reading);
                    portIndex++;
                    if (portIndex == ports.length) {
                        portIndex = 0;
                        current = addresses.hasNext() ? addresses.next() : null;
                    }
                }
                if (current == null && inFlight == 0) {
                    break;
                }
                long nextDeadline = Long.MAX_VALUE;
                Attempt head = firstLive(connecting, false);
                if (head != null) {
                    nextDeadline = head.deadline;
                }
                head = firstLive(reading, true);
                if (head != null && head.deadline - nextDeadline < 0) {
                    nextDeadline = head.deadline;
                }
                long waitMillis = nextDeadline == Long.MAX_VALUE ? 100
                        : Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(nextDeadline - now) + 1));
                selector.select(waitMillis);
                now = System.nanoTime();
                for (SelectionKey key : selector.selectedKeys()) {
                    handle((Attempt) key.attachment(), key, now, reading);
                }
                selector.selectedKeys().clear();
                expire(connecting, reading, now);
                if (now - lastProgress >= PROGRESS_EVERY_NANOS) {
                    lastProgress = now;
                    progress(total);
                }
            }
            progress(total);
            closeAll();
            ScanSummary s = new ScanSummary(addressesTried, connects, open, timedOut, errors,
                    Duration.ofNanos(System.nanoTime() - start), cancelled, deadlineReached, concurrency);
            LOG.info("Scan ended: {} addresses, {} connects, {} open, {} timed out, {} errors in {} ms{}", addressesTried, connects,
                    open, timedOut, errors, s.elapsed().toMillis(), cancelled ? " (cancelled)" : deadlineReached ? " (deadline)" : "");
            completion.complete(s);
        } catch (IOException | RuntimeException e) {
            LOG.error("Scan failed after {} connects: {}", connects, e.toString());
            closeAll();
            completion.completeExceptionally(e);
        }
    }

    private void progress(long total) {
        try {
            listener.onProgress(finished.get(), total);
        } catch (RuntimeException e) {
            LOG.warn("Scan listener failed on progress: {}", e.toString());
        }
    }

    private static Attempt firstLive(ArrayDeque<Attempt> queue, boolean readingQueue) {
        for (Attempt a : queue) {
            if (!a.done && a.reading == readingQueue) {
                return a;
            }
        }
        return null;
    }

    private void launch(SocketChannel ch, Ipv4Address address, int port, long now,
            ArrayDeque<Attempt> connecting, ArrayDeque<Attempt> reading) {
        connects++;
        Attempt a = new Attempt(ch, address, port, now);
        inFlight++;
        try {
            ch.configureBlocking(false);
            if (ch.connect(new InetSocketAddress(address.toInetAddress(), port))) {
                startReading(a, now, reading);
            } else {
                a.deadline = now + options.connectTimeout().toNanos();
                a.key = ch.register(selector, SelectionKey.OP_CONNECT, a);
                connecting.addLast(a);
            }
        } catch (ConnectException e) {
            finishClosed(a);
        } catch (IOException e) {
            LOG.debug("Connect to {}:{} failed: {}", address, port, e.toString());
            errors++;
            finishClosed(a);
        }
    }

    private void startReading(Attempt a, long now, ArrayDeque<Attempt> reading) throws IOException {
        a.reading = true;
        a.connectedNanos = now;
        a.deadline = now + options.bannerTimeout().toNanos();
        a.received = ByteBuffer.allocate(SshIdentification.MAX_LINE);
        if (a.key == null) {
            a.key = a.channel.register(selector, SelectionKey.OP_READ, a);
        } else {
            a.key.interestOps(SelectionKey.OP_READ);
        }
        reading.addLast(a);
    }

    private void handle(Attempt a, SelectionKey key, long now, ArrayDeque<Attempt> reading) {
        if (a.done || !key.isValid()) {
            return;
        }
        if (!a.reading) {
            try {
                if (key.isConnectable() && a.channel.finishConnect()) {
                    startReading(a, now, reading);
                }
            } catch (ConnectException e) {
                finishClosed(a);
            } catch (IOException e) {
                LOG.debug("Connect to {}:{} failed: {}", a.address, a.port, e.toString());
                errors++;
                finishClosed(a);
            }
            return;
        }
        if (!key.isReadable()) {
            return;
        }
        try {
            int n = a.channel.read(a.received);
            if (n < 0 || !a.received.hasRemaining() || hasLineEnd(a.received)) {
                finishOpen(a);
            }
        } catch (IOException e) {
            // Reset while we listened: it was open, report what it sent.
            finishOpen(a);
        }
    }

    private static boolean hasLineEnd(ByteBuffer b) {
        for (int i = 0; i < b.position(); i++) {
            if (b.get(i) == '\n') {
                return true;
            }
        }
        return false;
    }

    private void expire(ArrayDeque<Attempt> connecting, ArrayDeque<Attempt> reading, long now) {
        while (!connecting.isEmpty()) {
            Attempt a = connecting.peekFirst();
            if (a.done || a.reading) {
                connecting.pollFirst();
            } else if (now - a.deadline >= 0) {
                connecting.pollFirst();
                timedOut++;
                finishClosed(a);
            } else {
                break;
            }
        }
        while (!reading.isEmpty()) {
            Attempt a = reading.peekFirst();
            if (a.done) {
                reading.pollFirst();
            } else if (now - a.deadline >= 0) {
                reading.pollFirst();
                finishOpen(a);
            } else {
                break;
            }
        }
    }

    private void finishClosed(Attempt a) {
        a.done = true;
        inFlight--;
        finished.incrementAndGet();
        closeQuietly(a);
    }

    private void finishOpen(Attempt a) {
        a.done = true;
        inFlight--;
        finished.incrementAndGet();
        closeQuietly(a);
        open++;
        SshIdentification.Verdict v = SshIdentification.classify(a.received.array(), a.received.position());
        ScanHit hit = new ScanHit(a.address, a.port, v.banner(), v.guess(), v.detail(),
                Duration.ofNanos(a.connectedNanos - a.startNanos));
        if (cancelled) {
            return;
        }
        try {
            listener.onHit(hit);
        } catch (RuntimeException e) {
            LOG.warn("Scan listener failed on {}: {}", hit.hostPort(), e.toString());
        }
    }

    private static void closeQuietly(Attempt a) {
        if (a.key != null) {
            a.key.cancel();
        }
        try {
            a.channel.close();
        } catch (IOException e) {
            LOG.debug("Closing {}:{}: {}", a.address, a.port, e.toString());
        }
    }

    private void closeAll() {
        try {
            for (SelectionKey key : selector.keys()) {
                Object att = key.attachment();
                if (att instanceof Attempt a && !a.done) {
                    a.done = true;
                    inFlight--;
                    closeQuietly(a);
                }
            }
            selector.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("Closing the scan selector: {}", e.toString());
        }
    }
}

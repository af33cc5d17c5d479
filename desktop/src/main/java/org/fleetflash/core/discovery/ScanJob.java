package org.fleetflash.core.discovery;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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
 * One running active scan: a TCP connect scan with NIO {@link Selector}s, a bounded number of non-blocking
 * connects in flight, a deadline per connect, and on every open port a short read of the identification
 * line. Nothing is ever written to a target. Large scans are split over a few lanes (one thread and one
 * selector each, sharing the in-flight bound) so that the kernel's connect work uses every core.
 * Results stream to the {@link ScanListener}; {@link #cancel()} stops it at once.
 */
public final class ScanJob implements AutoCloseable {

    /**
     * The logger, created on first use: a scan logs only what goes wrong (its {@link ScanSummary} is the
     * record of what it did), so a clean scan from the command line never pays the ~150 ms of setting up
     * logging, which is longer than a whole scan of a /24.
     */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(ScanJob.class);
    }
    private static final AtomicInteger JOBS = new AtomicInteger();
    /** Descriptors left for everything else in the process (logs, jars, the UI). */
    private static final long DESCRIPTOR_RESERVE = 128;
    private static final long PROGRESS_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final Duration CANCEL_WAIT = Duration.ofSeconds(2);
    /** Below this many connects one lane is enough. */
    private static final long PROBES_PER_EXTRA_LANE = 4096;
    private static final int MAX_LANES = 4;
    /** Probes a lane takes from the shared cursor at a time. */
    private static final int BATCH = 32;

    private final ScanPlan plan;
    private final ScanOptions options;
    private final ScanListener listener;
    private final int concurrency;
    private final CompletableFuture<ScanSummary> completion = new CompletableFuture<>();
    private final AtomicLong finished = new AtomicLong();
    private final List<Lane> lanes = new ArrayList<>();
    private final AtomicInteger running = new AtomicInteger();
    private final Object listenerLock = new Object();
    private final ProbeCursor cursor;
    private final long startNanos = System.nanoTime();
    private volatile boolean cancelled;
    private volatile boolean deadlineReached;

    private ScanJob(ScanPlan plan, ScanOptions options, ScanListener listener, int concurrency, int laneCount) throws IOException {
        this.plan = plan;
        this.options = options;
        this.listener = listener;
        this.concurrency = concurrency;
        this.cursor = new ProbeCursor(plan);
        int job = JOBS.incrementAndGet();
        for (int i = 0; i < laneCount; i++) {
            int share = concurrency / laneCount + (i < concurrency % laneCount ? 1 : 0);
            Selector selector;
            try {
                selector = Selector.open();
            } catch (IOException e) {
                lanes.forEach(l -> closeSelector(l.selector));
                throw e;
            }
            lanes.add(new Lane(i, share, selector, "fleetflash-scan-" + job + (laneCount > 1 ? "-" + i : "")));
        }
    }

    /**
     * Starts the scan on its own thread(s) and returns at once.
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
        int laneCount = (int) Math.max(1, Math.min(Math.min(MAX_LANES, Runtime.getRuntime().availableProcessors()),
                Math.min(c, plan.probeCount() / PROBES_PER_EXTRA_LANE)));
        ScanJob job = new ScanJob(plan, options, listener, c, laneCount);
        job.running.set(laneCount);
        for (Lane l : job.lanes) {
            l.thread.start();
        }
        return job;
    }

    /**
     * Free descriptors of this process, or -1 when the platform does not say. On Linux from {@code /proc}
     * (the management beans cost about 90 ms to set up), elsewhere from the operating system bean.
     */
    static long freeDescriptors() {
        long linux = LinuxDescriptors.free();
        if (linux >= 0) {
            return linux;
        }
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount();
        }
        return -1;
    }

    /**
     * The concurrency the descriptor limit allows: each attempt holds one descriptor, and a closed one may be
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
            Log.LOG.warn("Concurrency lowered from {} to {}: only {} file descriptors are free (raise 'ulimit -n' for more)",
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
        for (Lane l : lanes) {
            l.selector.wakeup();
        }
        long until = System.nanoTime() + CANCEL_WAIT.toNanos();
        for (Lane l : lanes) {
            if (Thread.currentThread() == l.thread) {
                continue;
            }
            try {
                l.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (l.thread.isAlive()) {
                Log.LOG.warn("Scan thread {} did not stop within {}", l.thread.getName(), CANCEL_WAIT);
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

    private void deliver(ScanHit hit) {
        synchronized (listenerLock) {
            if (cancelled) {
                return;
            }
            try {
                listener.onHit(hit);
            } catch (RuntimeException e) {
                Log.LOG.warn("Scan listener failed on {}: {}", hit.hostPort(), e.toString());
            }
        }
    }

    private void progress() {
        synchronized (listenerLock) {
            try {
                listener.onProgress(finished.get(), plan.probeCount());
            } catch (RuntimeException e) {
                Log.LOG.warn("Scan listener failed on progress: {}", e.toString());
            }
        }
    }

    private void laneEnded(Throwable failure) {
        if (failure != null && !completion.isDone()) {
            cancelled = true;
            lanes.forEach(l -> l.selector.wakeup());
            completion.completeExceptionally(failure);
        }
        if (running.decrementAndGet() > 0) {
            return;
        }
        if (completion.isDone()) {
            return;
        }
        progress();
        long addresses = 0;
        long connects = 0;
        long open = 0;
        long timedOut = 0;
        long errors = 0;
        for (Lane l : lanes) {
            addresses += l.addressesTried;
            connects += l.connects;
            open += l.open;
            timedOut += l.timedOut;
            errors += l.errors;
        }
        ScanSummary s = new ScanSummary(addresses, connects, open, timedOut, errors,
                Duration.ofNanos(System.nanoTime() - startNanos), cancelled, deadlineReached, concurrency);
        completion.complete(s);
    }

    private static void closeSelector(Selector s) {
        try {
            s.close();
        } catch (IOException e) {
            Log.LOG.debug("Closing a scan selector: {}", e.toString());
        }
    }

    /** Hands out (address, port) pairs in order, a batch at a time, to every lane. */
    private static final class ProbeCursor {
        private final Iterator<Ipv4Address> addresses;
        private final int[] ports;
        private Ipv4Address current;
        private int portIndex;

        ProbeCursor(ScanPlan plan) {
            this.addresses = plan.addresses();
            this.ports = plan.ports().stream().mapToInt(Integer::intValue).toArray();
            this.current = addresses.hasNext() ? addresses.next() : null;
        }

        /** Fills the arrays with up to max probes; returns how many. {@code first[i]} marks a new address. */
        synchronized int take(Ipv4Address[] addr, int[] port, boolean[] first, int max) {
            int n = 0;
            while (n < max && current != null) {
                addr[n] = current;
                port[n] = ports[portIndex];
                first[n] = portIndex == 0;
                n++;
                portIndex++;
                if (portIndex == ports.length) {
                    portIndex = 0;
                    current = addresses.hasNext() ? addresses.next() : null;
                }
            }
            return n;
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

    /** One thread with one selector and its share of the in-flight bound. */
    private final class Lane {
        final int index;
        final Selector selector;
        final Thread thread;
        int limit;
        final ArrayDeque<Attempt> connecting = new ArrayDeque<>();
        final ArrayDeque<Attempt> reading = new ArrayDeque<>();
        final Ipv4Address[] batchAddr = new Ipv4Address[BATCH];
        final int[] batchPort = new int[BATCH];
        final boolean[] batchFirst = new boolean[BATCH];
        int batchNext;
        int batchSize;
        boolean exhausted;
        long addressesTried;
        long connects;
        long open;
        long timedOut;
        long errors;
        int inFlight;

        Lane(int index, int limit, Selector selector, String name) {
            this.index = index;
            this.limit = Math.max(1, limit);
            this.selector = selector;
            this.thread = new Thread(this::run, name);
            this.thread.setDaemon(true);
        }

        private boolean hasNextProbe() {
            if (batchNext < batchSize) {
                return true;
            }
            if (exhausted) {
                return false;
            }
            batchSize = cursor.take(batchAddr, batchPort, batchFirst, BATCH);
            batchNext = 0;
            exhausted = batchSize == 0;
            return batchSize > 0;
        }

        private void run() {
            long hardDeadline = startNanos + options.maxDuration().toNanos();
            long lastProgress = System.nanoTime();
            Throwable failure = null;
            try {
                while (!cancelled) {
                    long now = System.nanoTime();
                    if (now - hardDeadline >= 0) {
                        deadlineReached = true;
                        Log.LOG.warn("Scan stopped at its overall deadline of {}", options.maxDuration());
                        break;
                    }
                    while (inFlight < limit && !cancelled && hasNextProbe()) {
                        SocketChannel ch;
                        try {
                            ch = SocketChannel.open(StandardProtocolFamily.INET);
                        } catch (IOException e) {
                            if (inFlight == 0) {
                                throw new IOException("Cannot open a socket even with none in flight (" + e.getMessage()
                                        + "); raise the file descriptor limit ('ulimit -n') and try again", e);
                            }
                            limit = inFlight;
                            Log.LOG.warn("Cannot open more sockets ({}); continuing with {} in flight", e.getMessage(), limit);
                            break;
                        }
                        int i = batchNext++;
                        if (batchFirst[i]) {
                            addressesTried++;
                        }
                        launch(ch, batchAddr[i], batchPort[i], now);
                    }
                    if (inFlight == 0 && !hasNextProbe()) {
                        break;
                    }
                    long nextDeadline = Long.MAX_VALUE;
                    Attempt head = firstLive(connecting, false);
                    if (head != null) {
                        nextDeadline = head.deadline;
                    }
                    head = firstLive(reading, true);
                    if (head != null && (nextDeadline == Long.MAX_VALUE || head.deadline - nextDeadline < 0)) {
                        nextDeadline = head.deadline;
                    }
                    if (inFlight > 0) {
                        long waitMillis = nextDeadline == Long.MAX_VALUE ? 100
                                : Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(nextDeadline - now) + 1));
                        selector.select(waitMillis);
                    } else {
                        selector.selectNow();
                    }
                    now = System.nanoTime();
                    for (SelectionKey key : selector.selectedKeys()) {
                        handle((Attempt) key.attachment(), key, now);
                    }
                    selector.selectedKeys().clear();
                    expire(now);
                    if (index == 0 && now - lastProgress >= PROGRESS_EVERY_NANOS) {
                        lastProgress = now;
                        progress();
                    }
                }
            } catch (IOException | RuntimeException e) {
                Log.LOG.error("Scan lane {} failed after {} connects: {}", index, connects, e.toString());
                failure = e;
            } finally {
                closeAll();
                laneEnded(failure);
            }
        }

        private Attempt firstLive(ArrayDeque<Attempt> queue, boolean readingQueue) {
            for (Attempt a : queue) {
                if (!a.done && a.reading == readingQueue) {
                    return a;
                }
            }
            return null;
        }

        private void launch(SocketChannel ch, Ipv4Address address, int port, long now) {
            connects++;
            Attempt a = new Attempt(ch, address, port, now);
            inFlight++;
            try {
                ch.configureBlocking(false);
                // A refusal or an accept on a near host is often known by the time connect returns: ask once
                // before paying for a selector registration.
                if (ch.connect(new InetSocketAddress(address.toInetAddress(), port)) || ch.finishConnect()) {
                    startReading(a, now);
                } else {
                    a.deadline = now + options.connectTimeout().toNanos();
                    a.key = ch.register(selector, SelectionKey.OP_CONNECT, a);
                    connecting.addLast(a);
                }
            } catch (ConnectException e) {
                finishClosed(a);
            } catch (IOException e) {
                Log.LOG.debug("Connect to {}:{} failed: {}", address, port, e.toString());
                errors++;
                finishClosed(a);
            }
        }

        private void startReading(Attempt a, long now) throws IOException {
            a.reading = true;
            a.connectedNanos = System.nanoTime();
            a.deadline = now + options.bannerTimeout().toNanos();
            a.received = ByteBuffer.allocate(SshIdentification.MAX_LINE);
            if (a.key == null) {
                a.key = a.channel.register(selector, SelectionKey.OP_READ, a);
            } else {
                a.key.interestOps(SelectionKey.OP_READ);
            }
            reading.addLast(a);
        }

        private void handle(Attempt a, SelectionKey key, long now) {
            if (a.done || !key.isValid()) {
                return;
            }
            if (!a.reading) {
                try {
                    if (key.isConnectable() && a.channel.finishConnect()) {
                        startReading(a, now);
                    }
                } catch (ConnectException e) {
                    finishClosed(a);
                } catch (IOException e) {
                    Log.LOG.debug("Connect to {}:{} failed: {}", a.address, a.port, e.toString());
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

        private void expire(long now) {
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
            deliver(new ScanHit(a.address, a.port, v.banner(), v.guess(), v.detail(),
                    Duration.ofNanos(a.connectedNanos - a.startNanos)));
        }

        private void closeAll() {
            try {
                for (SelectionKey key : selector.keys()) {
                    if (key.attachment() instanceof Attempt a && !a.done) {
                        a.done = true;
                        inFlight--;
                        closeQuietly(a);
                    }
                }
            } catch (RuntimeException e) {
                Log.LOG.debug("Closing scan lane {}: {}", index, e.toString());
            }
            closeSelector(selector);
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

    private static void closeQuietly(Attempt a) {
        if (a.key != null) {
            a.key.cancel();
        }
        try {
            a.channel.close();
        } catch (IOException e) {
            Log.LOG.debug("Closing {}:{}: {}", a.address, a.port, e.toString());
        }
    }
}

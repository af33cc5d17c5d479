package org.fleetflash.server.telemetry;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives the UDP telemetry that routers send after the reroot (with {@code nc -u} or
 * {@code logger -h}), keyed by a random token per router. Unknown tokens, malformed and oversize
 * datagrams are dropped and counted; sequence numbers make loss, duplicates and reordering harmless.
 */
public final class TelemetryReceiver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TelemetryReceiver.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Default number of undelivered events kept per router before events are dropped. */
    public static final int DEFAULT_QUEUE_CAPACITY = 1024;

    private final DatagramSocket socket;
    private final int queueCapacity;
    private final Map<String, Registration> byToken = new ConcurrentHashMap<>();
    private final ExecutorService delivery;
    private final Thread receiverThread;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong unknownToken = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong oversize = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();

    private TelemetryReceiver(DatagramSocket socket, int queueCapacity) {
        this.socket = socket;
        this.queueCapacity = queueCapacity;
        String name = "ff-telemetry-" + socket.getLocalPort();
        this.delivery = Executors.newCachedThreadPool(named(name + "-deliver"));
        this.receiverThread = new Thread(this::receiveLoop, name + "-rx");
        receiverThread.setDaemon(true);
        receiverThread.start();
    }

    /** Starts a receiver on {@code bindAddress:port} ({@code port} 0 = any free port). */
    public static TelemetryReceiver start(InetAddress bindAddress, int port) throws TelemetryException {
        return start(bindAddress, port, DEFAULT_QUEUE_CAPACITY);
    }

    /**
     * Starts a receiver with a given per-router event queue capacity.
     *
     * @throws TelemetryException if the port cannot be bound
     */
    public static TelemetryReceiver start(InetAddress bindAddress, int port, int queueCapacity)
            throws TelemetryException {
        Objects.requireNonNull(bindAddress, "bindAddress");
        if (bindAddress.isAnyLocalAddress() || bindAddress.isMulticastAddress()) {
            throw new IllegalArgumentException("Bind address " + bindAddress.getHostAddress()
                    + " is not one interface: choose the address of the interface the routers can reach");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity must be at least 1, was " + queueCapacity);
        }
        try {
            DatagramSocket socket = new DatagramSocket(new InetSocketAddress(bindAddress, port));
            TelemetryReceiver receiver = new TelemetryReceiver(socket, queueCapacity);
            LOG.info("Telemetry receiver listening on udp {}:{}", bindAddress.getHostAddress(), socket.getLocalPort());
            return receiver;
        } catch (SocketException e) {
            throw new TelemetryException("Cannot receive telemetry on udp " + bindAddress.getHostAddress() + ":" + port
                    + " (" + e.getMessage() + "). Choose another port, or the address of an interface this computer has.",
                    e);
        }
    }

    /** The UDP port really bound. */
    public int port() {
        return socket.getLocalPort();
    }

    /** The address routers send to. */
    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** Registers a router without a listener (poll {@link #status}). */
    public TelemetryToken register(String routerId) {
        return register(routerId, null);
    }

    /** Registers a router with a fresh random token; its events go to {@code listener} (may be null). */
    public TelemetryToken register(String routerId, TelemetryListener listener) {
        Objects.requireNonNull(routerId, "routerId");
        if (closed.get()) {
            throw new IllegalStateException("The telemetry receiver is closed");
        }
        while (true) {
            byte[] random = new byte[16];
            RANDOM.nextBytes(random);
            TelemetryToken token = new TelemetryToken(routerId, HexFormat.of().formatHex(random));
            if (byToken.putIfAbsent(token.value(), new Registration(token, listener)) == null) {
                return token;
            }
        }
    }

    /** Forgets a router: its datagrams count as unknown from now on; queued events are discarded. */
    public void unregister(TelemetryToken token) {
        Registration registration = byToken.remove(token.value());
        if (registration != null) {
            registration.queue.clear();
        }
    }

    /** What has been received for a registered router. */
    public TelemetryStatus status(TelemetryToken token) {
        Registration registration = byToken.get(token.value());
        if (registration == null) {
            throw new IllegalArgumentException("Router " + token.routerId() + " is not registered");
        }
        return registration.status();
    }

    public TelemetryCounters counters() {
        return new TelemetryCounters(accepted.get(), unknownToken.get(), malformed.get(), oversize.get());
    }

    /** Stops receiving; pending events are delivered for at most two seconds. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        socket.close();
        try {
            receiverThread.join(TimeUnit.SECONDS.toMillis(2));
            delivery.shutdown();
            if (!delivery.awaitTermination(2, TimeUnit.SECONDS)) {
                delivery.shutdownNow();
            }
        } catch (InterruptedException e) {
            delivery.shutdownNow();
            Thread.currentThread().interrupt();
        }
        LOG.info("Telemetry receiver on udp port {} stopped ({})", socket.getLocalPort(), counters());
    }

    private void receiveLoop() {
        byte[] buffer = new byte[TelemetryParser.MAX_DATAGRAM + 1];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        while (!closed.get()) {
            try {
                packet.setLength(buffer.length);
                socket.receive(packet);
            } catch (IOException e) {
                if (!closed.get()) {
                    LOG.warn("Telemetry socket failed; receiver stops", e);
                }
                return;
            }
            InetSocketAddress source = (InetSocketAddress) packet.getSocketAddress();
            // a datagram that filled the buffer may have been cut: it is longer than the limit
            handle(TelemetryParser.parse(buffer, packet.getLength()), source);
        }
    }

    private void handle(TelemetryParser.Result result, InetSocketAddress source) {
        if (result instanceof TelemetryParser.Oversize oversized) {
            oversize.incrementAndGet();
            LOG.debug("Dropped oversize datagram ({} bytes) from {}", oversized.length(), source);
        } else if (result instanceof TelemetryParser.Malformed bad) {
            malformed.incrementAndGet();
            LOG.debug("Dropped malformed datagram from {}: {}", source, bad.reason());
        } else if (result instanceof TelemetryParser.Accepted ok) {
            TelemetryMessage message = ok.message();
            Registration registration = byToken.get(message.token());
            if (registration == null) {
                unknownToken.incrementAndGet();
                LOG.debug("Dropped datagram with unknown token from {}", source);
                return;
            }
            accepted.incrementAndGet();
            TelemetryEvent event = registration.record(message, source, Instant.now());
            if (event != null) {
                registration.deliver(event);
            }
        }
    }

    /** One router's state and delivery queue. */
    private final class Registration {
        private final TelemetryToken token;
        private final TelemetryListener listener;
        private final BlockingQueue<TelemetryEvent> queue;
        private final AtomicBoolean draining = new AtomicBoolean();
        private final BitSet seen = new BitSet();
        private long lastSeq;
        private long received;
        private long duplicates;
        private long highestBlock;
        private long blocks;
        private TelemetryKind lastKind;
        private Instant lastHeard;
        private final AtomicLong listenerDropped = new AtomicLong();

        Registration(TelemetryToken token, TelemetryListener listener) {
            this.token = token;
            this.listener = listener;
            this.queue = new ArrayBlockingQueue<>(queueCapacity);
        }

        /** Updates the state; returns the event to deliver, or null for a duplicate. */
        synchronized TelemetryEvent record(TelemetryMessage message, InetSocketAddress source, Instant now) {
            lastHeard = now;
            int seq = (int) message.seq();
            if (seen.get(seq)) {
                duplicates++;
                return null;
            }
            seen.set(seq);
            received++;
            boolean late = seq < lastSeq;
            if (!late) {
                lastSeq = seq;
                lastKind = message.kind();
            }
            if (message.kind() == TelemetryKind.PROGRESS) {
                highestBlock = Math.max(highestBlock, Long.parseLong(message.fields().get("block")));
            }
            String total = message.fields().get("blocks");
            if (total != null && (message.kind() == TelemetryKind.BEGIN || message.kind() == TelemetryKind.PROGRESS)) {
                blocks = Long.parseLong(total);
            }
            return new TelemetryEvent(token.routerId(), seq, message.kind(), message.fields(), late, source, now);
        }

        synchronized TelemetryStatus status() {
            return new TelemetryStatus(token.routerId(), lastSeq, received, duplicates, lastSeq - seen.cardinality(),
                    highestBlock, blocks, lastKind, lastHeard, listenerDropped.get());
        }

        void deliver(TelemetryEvent event) {
            if (listener == null) {
                return;
            }
            if (!queue.offer(event)) {
                listenerDropped.incrementAndGet();
                LOG.warn("Telemetry listener of {} is too slow; dropped event {}", token.routerId(), event.seq());
                return;
            }
            schedule();
        }

        private void schedule() {
            if (draining.compareAndSet(false, true)) {
                try {
                    delivery.execute(this::drain);
                } catch (RejectedExecutionException e) {
                    draining.set(false);
                }
            }
        }

        private void drain() {
            try {
                TelemetryEvent next;
                while ((next = queue.poll()) != null) {
                    try {
                        listener.onEvent(next);
                    } catch (RuntimeException e) {
                        LOG.warn("Telemetry listener of {} failed on {}", token.routerId(), next, e);
                    }
                }
            } finally {
                draining.set(false);
            }
            // an event offered after the last poll but before the flag was cleared
            if (!queue.isEmpty()) {
                schedule();
            }
        }
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}

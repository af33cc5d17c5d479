package org.fleetflash.agent.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.common.util.threads.CloseableExecutorService;
import org.apache.sshd.common.util.threads.ThreadUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The race at an SSH service's stop, provoked for real and every time: a channel group over MINA SSHD's no-close
 * executor, that executor stopped, then a byte arrives for a pending read. The group's internal thread dies of the
 * refusal; only where it started matters.
 */
class SshIoThreadsTest {

    private static final String LOOPBACK = "127.0.61.1";

    private final BlockingQueue<Throwable> uncaught = new LinkedBlockingQueue<>();
    private Thread.UncaughtExceptionHandler before;

    @BeforeEach
    void recordUncaught() {
        before = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> uncaught.add(failure));
    }

    @AfterEach
    void restore() {
        Thread.setDefaultUncaughtExceptionHandler(before);
    }

    @Test
    void elsewhereTheRefusalReachesTheLastResortHandler() throws Exception {
        Race race = Race.start(Thread.currentThread().getThreadGroup());
        try {
            race.readAfterTheExecutorStopped();
            Throwable failure = uncaught.poll(30, TimeUnit.SECONDS);
            assertThat(failure).as("the application would report this one as a failure of its own")
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("shut down");
            assertThat(SshIoThreads.isLateCompletion(failure)).as("recognised from its real stack").isTrue();
        } finally {
            race.close();
        }
    }

    @Test
    void startedThroughSshIoThreadsTheRefusalStaysInTheDebugLog() throws Exception {
        AtomicReference<Race> started = new AtomicReference<>();
        SshIoThreads.start(() -> started.set(Race.start(SshIoThreads.group())));
        Race race = started.get();
        try {
            assertThat(race.internalThreads).as("the JDK's internal thread belongs to the SSH I/O group").isNotEmpty()
                    .allSatisfy(t -> assertThat(t.getThreadGroup()).isSameAs(SshIoThreads.group()));
            race.readAfterTheExecutorStopped();
            // the thread that took the event dies of the refusal; its uncaught exception is dispatched before it ends
            for (Thread t : race.internalThreads) {
                t.join(TimeUnit.SECONDS.toMillis(30));
                assertThat(t.isAlive()).as("the internal thread took the event").isFalse();
            }
            assertThat(uncaught).isEmpty();
        } finally {
            race.close();
        }
    }

    @Test
    void otherUncaughtExceptionsOfItsThreadsAreReportedAsUsual() throws Exception {
        AtomicReference<Thread> worker = new AtomicReference<>();
        SshIoThreads.start(() -> {
            Thread t = new Thread(() -> {
                throw new IllegalStateException("Executor has been shut down");
            }, "not-the-race");
            worker.set(t);
            t.start();
        });
        worker.get().join(TimeUnit.SECONDS.toMillis(30));
        assertThat(uncaught.poll(30, TimeUnit.SECONDS)).as("same message, but not from the channel group")
                .hasMessage("Executor has been shut down");
    }

    @Test
    void theStartsFailureIsThrownToItsCaller() {
        assertThatThrownBy(() -> SshIoThreads.start(() -> {
            throw new IOException("Address already in use");
        })).isInstanceOf(IOException.class).hasMessage("Address already in use");
        assertThatThrownBy(() -> SshIoThreads.start(() -> {
            throw new IllegalArgumentException("no host key");
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("no host key");
    }

    /** A channel group as MINA SSHD's NIO2 transport makes it, with one accepted connection and a read pending. */
    private static final class Race implements AutoCloseable {
        private final CloseableExecutorService pool;
        private final CloseableExecutorService noClose;
        private final AsynchronousChannelGroup group;
        private final AsynchronousServerSocketChannel server;
        private final Socket client;
        private final AsynchronousSocketChannel accepted;
        final List<Thread> internalThreads;

        private Race(CloseableExecutorService pool, CloseableExecutorService noClose, AsynchronousChannelGroup group,
                AsynchronousServerSocketChannel server, Socket client, AsynchronousSocketChannel accepted,
                List<Thread> internalThreads) {
            this.pool = pool;
            this.noClose = noClose;
            this.group = group;
            this.server = server;
            this.client = client;
            this.accepted = accepted;
            this.internalThreads = internalThreads;
        }

        static Race start(ThreadGroup threadsIn) throws IOException {
            Set<Thread> earlier = threadsOf(threadsIn);
            CloseableExecutorService pool = ThreadUtils.newFixedThreadPool("ssh-io-test", 1);
            CloseableExecutorService noClose = ThreadUtils.noClose(pool);
            AsynchronousChannelGroup group = AsynchronousChannelGroup.withThreadPool(noClose);
            List<Thread> internal = threadsOf(threadsIn).stream().filter(t -> !earlier.contains(t))
                    .filter(t -> !t.getName().startsWith("ssh-io-test")).toList();
            AsynchronousServerSocketChannel server = AsynchronousServerSocketChannel.open(group)
                    .bind(new InetSocketAddress(LOOPBACK, 0));
            Socket client = new Socket();
            try {
                client.connect(server.getLocalAddress(), 10_000);
                AsynchronousSocketChannel accepted = server.accept().get(10, TimeUnit.SECONDS);
                return new Race(pool, noClose, group, server, client, accepted, internal);
            } catch (Exception e) {
                client.close();
                server.close();
                group.shutdownNow();
                pool.shutdownNow();
                throw new IOException(e);
            }
        }

        /** Stops the executor as a service's stop does, then makes the pending read complete. */
        void readAfterTheExecutorStopped() throws IOException {
            accepted.read(ByteBuffer.allocate(16), null, new CompletionHandler<Integer, Void>() {
                @Override
                public void completed(Integer result, Void attachment) {
                }

                @Override
                public void failed(Throwable exc, Void attachment) {
                }
            });
            noClose.shutdown();
            OutputStream out = client.getOutputStream();
            out.write(1);
            out.flush();
        }

        @Override
        public void close() throws IOException {
            client.close();
            accepted.close();
            server.close();
            group.shutdownNow();
            pool.shutdownNow();
        }

        private static Set<Thread> threadsOf(ThreadGroup group) {
            Thread[] threads = new Thread[group.activeCount() + 64];
            int n = group.enumerate(threads, true);
            return new HashSet<>(Arrays.asList(threads).subList(0, n));
        }
    }
}

package org.fleetflash.agent.ssh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.AsynchronousChannelGroup;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.io.IoConnector;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.IoServiceFactory;
import org.apache.sshd.common.io.nio2.Nio2Connector;
import org.apache.sshd.common.io.nio2.Nio2ServiceFactory;
import org.apache.sshd.common.io.nio2.Nio2ServiceFactoryFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MINA SSHD's NIO2 transport for an SSH client, with connections on a channel group whose threads take the socket
 * events themselves (decision 0024).
 *
 * <p>MINA SSHD builds its channel group over an executor of its own. The JDK then runs one internal thread that waits
 * for every socket event and hands each completion to that executor: for every packet read, a thread wakes another.
 * A group made with {@link AsynchronousChannelGroup#withFixedThreadPool} has no such hand-over: its thread waits for
 * events and runs the completion itself. The connectors this factory creates use such a group; everything
 * else (sessions, the executor that resumes suspended reads) is MINA SSHD's own.
 */
public final class DirectIoServiceFactory extends Nio2ServiceFactory {

    private static final Logger LOG = LoggerFactory.getLogger(DirectIoServiceFactory.class);

    /**
     * One thread (decision 0028). The JDK's group hands the wait for the next socket event to another of its threads
     * whenever one is idle, a thread wake-up at every event; with one thread there is no other to wake. Nothing run on it
     * may wait on a disk or on the network: the host-key check reads and records the pinned keys on the connecting
     * thread, not here.
     */
    static final int THREADS = 1;

    private final AsynchronousChannelGroup direct;
    private final ExecutorService resuming;

    private DirectIoServiceFactory(FactoryManager manager, int threads) throws IOException {
        super(manager, null, null);
        String name = manager + "-io-";
        direct = AsynchronousChannelGroup.withFixedThreadPool(threads, daemons(name));
        resuming = Executors.newCachedThreadPool(daemons(manager + "-resume-"));
    }

    /** The factory of such factories, for {@code SshClient.setIoServiceFactoryFactory}. */
    public static Nio2ServiceFactoryFactory factory() {
        return new Nio2ServiceFactoryFactory() {
            @Override
            public IoServiceFactory create(FactoryManager manager) {
                try {
                    return new DirectIoServiceFactory(manager, THREADS);
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot start the SSH client's network threads: " + e.getMessage(), e);
                }
            }
        };
    }

    @Override
    public IoConnector createConnector(IoHandler handler) {
        return autowireCreatedService(new Nio2Connector(this, getFactoryManager(), handler, direct, resuming));
    }

    @Override
    protected void doCloseImmediately() {
        try {
            direct.shutdownNow();
            resuming.shutdownNow();
            if (!direct.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.debug("The SSH client's network threads did not all end within 5 s");
            }
        } catch (IOException e) {
            LOG.debug("Closing the SSH client's channel group: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            super.doCloseImmediately();
        }
    }

    private static ThreadFactory daemons(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}

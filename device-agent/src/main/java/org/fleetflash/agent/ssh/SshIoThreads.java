package org.fleetflash.agent.ssh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where Apache MINA SSHD's I/O threads live, the laptop's SSH client and the simulated routers' SSH servers alike
 * (decision 0021).
 *
 * <p>MINA SSHD's NIO2 transport runs a JDK asynchronous channel group over an executor of its own that refuses work,
 * with an {@link IllegalStateException}, once it has been shut down. When an SSH client or server stops while a socket
 * event is already in the hands of the group's internal thread, that thread hands the completion to the stopped
 * executor and dies of the refusal, an exception nobody catches (known upstream: apache/mina-sshd#409). The
 * completion belongs to a connection the stop has just closed, so nothing is lost, but the exception would reach the
 * application's last-resort handler, which tells the user the program failed.
 *
 * <p>The JDK creates that internal thread in the thread group of the thread that starts the service. {@link #start}
 * runs the start on a thread of this class's group, whose handler logs exactly that refusal at debug level and passes
 * every other uncaught exception on, unchanged, to the usual handler.
 */
public final class SshIoThreads {

    private static final Logger LOG = LoggerFactory.getLogger(SshIoThreads.class);

    private static final ThreadGroup GROUP = new LateCompletions();

    /** A start that may fail with an {@link IOException} ({@code SshServer::start}, {@code SshClient::start}). */
    @FunctionalInterface
    public interface Start {
        void run() throws IOException;
    }

    private SshIoThreads() {
    }

    /**
     * Runs {@code start} on a thread of the SSH I/O thread group and waits for it, so that the threads it creates
     * belong to that group; its failure is thrown here as it was thrown there.
     */
    public static void start(Start start) throws IOException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread starter = new Thread(GROUP, () -> {
            try {
                start.run();
            } catch (IOException | RuntimeException | Error e) {
                failure.set(e);
            }
        }, "ff-ssh-start");
        starter.start();
        joinUninterruptibly(starter);
        Throwable e = failure.get();
        if (e instanceof IOException io) {
            throw io;
        }
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e instanceof Error err) {
            throw err;
        }
    }

    /** {@link #start} for a start that cannot fail with an {@link IOException} (a client's). */
    public static void startUnchecked(Start start) {
        try {
            start(start);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The group the threads of a service started by {@link #start} belong to. */
    static ThreadGroup group() {
        return GROUP;
    }

    /**
     * True for the refusal described above: an {@link IllegalStateException} from MINA SSHD's no-close executor,
     * handed a completion by the JDK's channel group.
     */
    static boolean isLateCompletion(Throwable failure) {
        if (!(failure instanceof IllegalStateException)) {
            return false;
        }
        boolean refused = false;
        boolean handedByGroup = false;
        for (StackTraceElement frame : failure.getStackTrace()) {
            refused |= frame.getClassName().equals("org.apache.sshd.common.util.threads.NoCloseExecutor")
                    && frame.getMethodName().equals("execute");
            handedByGroup |= frame.getClassName().equals("sun.nio.ch.AsynchronousChannelGroupImpl")
                    && frame.getMethodName().equals("executeOnPooledThread");
        }
        return refused && handedByGroup;
    }

    private static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class LateCompletions extends ThreadGroup {

        LateCompletions() {
            super("ff-ssh-io");
        }

        @Override
        public void uncaughtException(Thread thread, Throwable failure) {
            if (isLateCompletion(failure)) {
                LOG.debug("SSH I/O: a completion for a connection closed by a stop was dropped ({})", thread.getName(), failure);
                return;
            }
            super.uncaughtException(thread, failure);
        }
    }
}

package org.fleetflash.testsupport;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Turn to use the demo fleet's fixed addresses and port (127.0.3.1 and up, port 2222), which tests that run the demo
 * exactly as a user starts it cannot move elsewhere.
 *
 * <p>Failsafe runs the integration test classes in two JVMs side by side, and other builds of this project (other
 * checkouts) may run at the same time, so a lock inside one JVM is not enough. An operating-system file lock on one
 * fixed file in {@code /tmp} (not in {@code java.io.tmpdir}, which the build points into each checkout's {@code target})
 * is held by at most one process on the machine, whatever the JVM or checkout, and the system drops it when that
 * process dies, so a crashed test never leaves it stuck. Every test that starts the demo fleet on port 2222 holds it
 * from before the fleet starts until after it stopped.
 */
public final class DemoPortLock implements AutoCloseable {

    /** The lock file: machine-wide, since the port is. */
    static final Path FILE = Path.of("/tmp", "fleetflash-demo-port-2222.lock");

    private final FileChannel channel;
    private final FileLock lock;

    private DemoPortLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Waits until no other process holds the demo port's turn, at most {@code patience}, and takes it.
     *
     * @throws IOException when the wait is over and another test still holds it
     */
    public static DemoPortLock acquire(Duration patience) throws IOException, InterruptedException {
        FileChannel channel = FileChannel.open(FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        ExecutorService waiter = Executors.newSingleThreadExecutor(r -> new Thread(r, "demo-port-lock"));
        try {
            // FileChannel.lock() blocks until the lock is free; it is interruptible, so a bounded wait cancels it.
            Future<FileLock> taking = waiter.submit(() -> channel.lock());
            try {
                return new DemoPortLock(channel, taking.get(patience.toMillis(), TimeUnit.MILLISECONDS));
            } catch (TimeoutException e) {
                taking.cancel(true);
                channel.close();
                throw new IOException("Another test held the demo fleet's port 2222 (lock " + FILE + ") for more than "
                        + patience.toSeconds() + " s; it may hang: find it with ss -tlnp 'sport = :2222'.", e);
            } catch (ExecutionException e) {
                channel.close();
                throw new IOException("Cannot lock " + FILE + ": " + e.getCause().getMessage(), e.getCause());
            }
        } finally {
            waiter.shutdownNow();
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}

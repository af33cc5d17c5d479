package org.fleetflash.core.history;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.fleetflash.core.settings.DataDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One FleetFlash per data directory: an operating-system lock on {@code instance.lock} in the directory, held as
 * long as the history is open, the file telling who holds it ({@code pid=} and {@code since=} lines). The system
 * drops the lock when the process ends, however it ends, so a crashed FleetFlash never blocks the next one.
 */
public final class InstanceLock implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InstanceLock.class);
    /**
     * Lock files this JVM holds. A second lock attempt from the same JVM must not even open the file: on POSIX
     * systems closing any descriptor of a file drops every lock the process holds on it.
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();
    private static final int MAX_HOLDER_TEXT = 4096;

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final Instant since;

    private InstanceLock(Path file, FileChannel channel, FileLock lock, Instant since) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.since = since;
    }

    /**
     * Takes the lock of {@code data} (which must exist) or says who has it.
     *
     * @throws InstanceLockedException another process, or this one, holds it; the lock file is left as it was
     */
    public static InstanceLock acquire(DataDirectory data) throws IOException {
        Path dataDirectory = data.path();
        Path file = data.instanceLock().toAbsolutePath().normalize();
        if (!HELD.add(file)) {
            throw new InstanceLockedException(dataDirectory, data.howToChooseAnother(), OptionalLong.of(ProcessHandle.current().pid()),
                    Optional.empty());
        }
        boolean ok = false;
        try {
            DataDirectory.ownerOnlyFile(file);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            try {
                FileLock lock = tryLock(channel);
                if (lock == null) {
                    String holder = readHolder(channel);
                    throw new InstanceLockedException(dataDirectory, data.howToChooseAnother(), pidOf(holder), sinceOf(holder));
                }
                Instant since = Instant.now();
                byte[] text = ("pid=" + ProcessHandle.current().pid() + "\nsince=" + since + "\n").getBytes(StandardCharsets.US_ASCII);
                channel.truncate(0);
                channel.write(ByteBuffer.wrap(text), 0);
                channel.force(true);
                LOG.info("Took the lock of data directory {}", dataDirectory);
                ok = true;
                return new InstanceLock(file, channel, lock, since);
            } finally {
                if (!ok) {
                    channel.close();
                }
            }
        } finally {
            if (!ok) {
                HELD.remove(file);
            }
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    private static String readHolder(FileChannel channel) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(MAX_HOLDER_TEXT);
        int n = channel.read(buf, 0);
        return n <= 0 ? "" : new String(buf.array(), 0, n, StandardCharsets.US_ASCII);
    }

    private static String field(String holder, String name) {
        for (String line : holder.split("\n")) {
            if (line.startsWith(name + "=")) {
                return line.substring(name.length() + 1).strip();
            }
        }
        return "";
    }

    static OptionalLong pidOf(String holder) {
        try {
            return OptionalLong.of(Long.parseLong(field(holder, "pid")));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    static Optional<Instant> sinceOf(String holder) {
        try {
            return Optional.of(Instant.parse(field(holder, "since")));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** The lock file. */
    public Path file() {
        return file;
    }

    /** When this process took the lock. */
    public Instant since() {
        return since;
    }

    /** Lets the next FleetFlash in; the file stays (an empty holder text marks it free). */
    @Override
    public void close() throws IOException {
        try {
            if (lock.isValid()) {
                channel.truncate(0);
                lock.release();
            }
        } finally {
            channel.close();
            HELD.remove(file);
        }
    }
}

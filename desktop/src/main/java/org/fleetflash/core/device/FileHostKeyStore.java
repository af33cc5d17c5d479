package org.fleetflash.core.device;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.fleetflash.core.settings.DataDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Host keys pinned in a known_hosts-like text file: one {@code HOST KEYTYPE BASE64} line per router, HOST
 * written as {@code [host]:port} (or bare for port 22, as OpenSSH does). Safe for many threads, and for
 * several processes sharing the file (a lock file next to it); lines it does not understand are kept. The file is
 * written with mode 600 (only its owner may read or change which keys are trusted).
 *
 * <p>The format of earlier versions' {@code known_hosts}; the commands now keep their pins in the history, which
 * takes this file over once. It never re-pins a changed key. Kept for tests and tools that need a store without
 * a history.
 */
public final class FileHostKeyStore implements HostKeyStore {

    private static final Logger LOG = LoggerFactory.getLogger(FileHostKeyStore.class);
    private static final Map<Path, Object> JVM_LOCKS = new ConcurrentHashMap<>();
    private static final String HEADER = "# FleetFlash pinned SSH host keys: HOST KEYTYPE KEY (remove a line to forget a router)";

    private final Path file;
    private final Object jvmLock;

    /** A store backed by {@code file}; the file and its directory are created on the first pin. */
    public FileHostKeyStore(Path file) {
        this.file = file.toAbsolutePath().normalize();
        this.jvmLock = JVM_LOCKS.computeIfAbsent(this.file, f -> new Object());
    }

    /** The backing file. */
    public Path file() {
        return file;
    }

    @Override
    public Optional<PublicKey> pinned(SshTarget target) throws IOException {
        return locked(() -> find(readLines(), target));
    }

    @Override
    public PublicKey pinIfAbsent(SshTarget target, PublicKey key) throws IOException {
        return locked(() -> {
            List<String> lines = readLines();
            Optional<PublicKey> existing = find(lines, target);
            if (existing.isPresent()) {
                return existing.get();
            }
            if (lines.isEmpty()) {
                lines.add(HEADER);
            }
            lines.add(hostField(target) + " " + PublicKeyEntry.toString(key));
            write(lines);
            return key;
        });
    }

    @Override
    public boolean forget(SshTarget target) throws IOException {
        return locked(() -> {
            List<String> lines = readLines();
            String host = hostField(target);
            boolean removed = lines.removeIf(l -> host.equals(firstField(l)));
            if (removed) {
                write(lines);
            }
            return removed;
        });
    }

    @Override
    public String howToForget(SshTarget target) {
        return "delete the line starting with " + hostField(target) + " in " + file;
    }

    /** The HOST field of a line for this router, as OpenSSH writes it. */
    static String hostField(SshTarget target) {
        return target.port() == SshTarget.DEFAULT_PORT ? target.host() : "[" + target.host() + "]:" + target.port();
    }

    private Optional<PublicKey> find(List<String> lines, SshTarget target) throws IOException {
        String host = hostField(target);
        for (String line : lines) {
            if (!host.equals(firstField(line))) {
                continue;
            }
            String keyPart = line.strip().substring(host.length()).strip();
            try {
                return Optional.of(PublicKeyEntry.parsePublicKeyEntry(keyPart).resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING));
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new IOException("The pinned host key of " + target + " in " + file + " is damaged (" + e.getMessage()
                        + "): " + howToForget(target) + ", then verify the router and pin it again.", e);
            }
        }
        return Optional.empty();
    }

    private static String firstField(String line) {
        String s = line.strip();
        if (s.isEmpty() || s.startsWith("#")) {
            return "";
        }
        int space = s.indexOf(' ');
        int tab = s.indexOf('\t');
        int end = space < 0 ? tab : tab < 0 ? space : Math.min(space, tab);
        return end < 0 ? s : s.substring(0, end);
    }

    private List<String> readLines() throws IOException {
        try {
            return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return new ArrayList<>();
        }
    }

    private void write(List<String> lines) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp); // left by a crash; recreated owner-only below
        DataDirectory.createOwnerOnlyFile(tmp);
        Files.write(tmp, lines, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        LOG.debug("Wrote {} lines to {}", lines.size(), file);
    }

    /**
     * Runs {@code action} holding the JVM-wide lock of this file and then an OS lock on {@code <file>.lock}
     * (other processes); the OS lock alone would not do, as it is held per process.
     */
    private <T> T locked(IoAction<T> action) throws IOException {
        synchronized (jvmLock) {
            if (!Files.isDirectory(file.getParent())) {
                DataDirectory.ownerOnlyDirectory(file.getParent());
            }
            Path lockFile = DataDirectory.ownerOnlyFile(file.resolveSibling(file.getFileName() + ".lock"));
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
                FileLock lock = channel.lock();
                try {
                    return action.run();
                } finally {
                    lock.release();
                }
            }
        }
    }

    /** A step on the file that may fail with an IOException. */
    @FunctionalInterface
    private interface IoAction<T> {
        T run() throws IOException;
    }
}

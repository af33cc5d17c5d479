package org.fleetflash.core.settings;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files and directories only their owner can read: backups (they hold the router's configuration, with
 * password hashes and keys), the history, the host keys. Created with the permissions from the start, so
 * there is no moment in which another user could open them. Where the file system has no POSIX
 * permissions (Windows), the user's profile directory already protects them and plain creation is used.
 */
public final class OwnerOnly {

    private static final Logger LOG = LoggerFactory.getLogger(OwnerOnly.class);
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private OwnerOnly() {
    }

    /** Creates {@code dir} and any missing parents as 700 (existing ones are left as they are). */
    public static Path createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return dir;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        try {
            return createDirectory(dir);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            if (Files.isDirectory(dir)) {
                return dir; // made by someone else meanwhile
            }
            throw e;
        }
    }

    /** Creates the new directory {@code dir} as 700; fails if it exists. */
    public static Path createDirectory(Path dir) throws IOException {
        return POSIX ? Files.createDirectory(dir, attribute(DIR)) : Files.createDirectory(dir);
    }

    /** Opens the new file {@code file} (created 600, failing if it exists) for writing. */
    public static OutputStream newOutputStream(Path file) throws IOException {
        if (POSIX) {
            Files.createFile(file, attribute(FILE));
            return Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        }
        return Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    /** Deletes {@code dir} and everything in it; logs what could not be deleted, never throws. */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not delete {}: {}", dir, e.getMessage());
        }
    }

    private static FileAttribute<Set<PosixFilePermission>> attribute(Set<PosixFilePermission> perms) {
        return PosixFilePermissions.asFileAttribute(perms);
    }
}

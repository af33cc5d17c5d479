package org.fleetflash.core.device;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.fleetflash.core.settings.DataDirectory;

/**
 * The rule for files that hold secrets (private keys, password files), as OpenSSH applies it to private keys: only
 * their owner may have any access to them. On a file system without POSIX permissions there is nothing to check.
 */
public final class SecretFiles {

    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private SecretFiles() {
    }

    /**
     * Why {@code file} must not be used as a secret, or empty when it is private to its owner (or the file system has
     * no POSIX permissions). The sentence names the exact fix.
     *
     * @param what "The private key file", "The password file"
     */
    public static Optional<String> exposure(Path file, String what) throws IOException {
        if (!DataDirectory.supportsPosix(file)) {
            return Optional.empty();
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
        Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
        open.addAll(mode);
        open.retainAll(OTHERS);
        if (open.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(what + " " + file + " is open to other users of this computer (permissions "
                + PosixFilePermissions.toString(mode) + "), so its secret may already be known: make it private with "
                + "chmod 600 " + file + " and try again.");
    }
}

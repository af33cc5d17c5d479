package org.fleetflash.core.upgrade;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The SHA-256 of an image file, read once per version of the file in this process: the window reads it when the
 * technician chooses the image, and the history records it again when the batch starts (hashing 8 MB takes this
 * client-compiled Java about 60 ms of CPU, which the window's first frames of the batch had to share). A version is the
 * file's size, modification time and file key; a file changed while it was read is not remembered.
 */
public final class FileDigests {

    /** A file's digest as of one version of it. */
    public record Digest(long size, String sha256) {
        public Digest {
            Objects.requireNonNull(sha256, "sha256");
        }
    }

    private record Version(long size, FileTime modified, Object fileKey) {
        static Version of(Path file) throws IOException {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new Version(a.size(), a.lastModifiedTime(), a.fileKey());
        }
    }

    private record Known(Version version, Digest digest) {
    }

    /** How many files are remembered (the least recently used goes first): a technician's few images. */
    static final int KEPT = 16;

    private static final Map<Path, Known> KNOWN = new LinkedHashMap<>(KEPT, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, Known> eldest) {
            return size() > KEPT;
        }
    };

    private FileDigests() {
    }

    /** The file's size and SHA-256: remembered when this version of it was read before, else read now. */
    public static Digest of(Path file) throws IOException {
        Path key = file.toAbsolutePath().normalize();
        Version before = Version.of(key);
        synchronized (KNOWN) {
            Known known = KNOWN.get(key);
            if (known != null && known.version().equals(before)) {
                return known.digest();
            }
        }
        Digest digest = Digests.read(key);
        if (Version.of(key).equals(before) && before.size() == digest.size()) {
            synchronized (KNOWN) {
                KNOWN.put(key, new Known(before, digest));
            }
        }
        return digest;
    }
}

package org.fleetflash.core.upgrade;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256, which every Java runtime has. */
final class Digests {

    private Digests() {
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This Java runtime has no SHA-256", e);
        }
    }

    /** The SHA-256 of a file's bytes, in lowercase hex. */
    static String sha256Hex(Path file) throws IOException {
        return read(file).sha256();
    }

    /** Reads a file through: how many bytes it had, and their SHA-256 in lowercase hex. */
    static FileDigests.Digest read(Path file) throws IOException {
        MessageDigest md = sha256();
        long total = 0;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                md.update(buffer, 0, n);
                total += n;
            }
        }
        return new FileDigests.Digest(total, HexFormat.of().formatHex(md.digest()));
    }
}

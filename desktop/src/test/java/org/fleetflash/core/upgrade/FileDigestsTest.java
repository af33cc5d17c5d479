package org.fleetflash.core.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An image's digest is read once per version of the file, and a new version is read again. */
class FileDigestsTest {

    @TempDir
    Path dir;

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static byte[] bytes(int size, int fill) {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) fill);
        return b;
    }

    @Test
    void theSameVersionIsReadOnceAndEveryChangeIsReadAgain() throws Exception {
        Path image = dir.resolve("fw.bin");
        byte[] first = bytes(200_000, 1);
        Files.write(image, first);
        FileTime stamp = FileTime.fromMillis(1_700_000_000_000L);
        Files.setLastModifiedTime(image, stamp);
        assertThat(FileDigests.of(image)).isEqualTo(new FileDigests.Digest(first.length, sha256(first)));

        // the same size and time, and the same file: taken for the same version, so not read again (what makes the
        // second digest of a batch free) -- the bytes written behind its back prove that nothing was read
        Files.write(image, bytes(200_000, 2));
        Files.setLastModifiedTime(image, stamp);
        assertThat(FileDigests.of(dir.resolve(".").resolve("fw.bin")).sha256()).as("by any path to it").isEqualTo(sha256(first));

        // a new modification time: read again
        byte[] second = bytes(200_000, 2);
        Files.setLastModifiedTime(image, FileTime.fromMillis(stamp.toMillis() + 1000));
        assertThat(FileDigests.of(image).sha256()).isEqualTo(sha256(second));

        // another file put in its place with the same size and time (a copy over it): another file key, read again
        byte[] third = bytes(200_000, 3);
        Path other = Files.write(dir.resolve("other.bin"), third);
        Files.setLastModifiedTime(other, FileTime.fromMillis(stamp.toMillis() + 1000));
        Files.move(other, image, StandardCopyOption.REPLACE_EXISTING);
        assertThat(FileDigests.of(image).sha256()).isEqualTo(sha256(third));

        // another size: read again
        byte[] fourth = bytes(100, 4);
        Files.write(image, fourth);
        Files.setLastModifiedTime(image, FileTime.fromMillis(stamp.toMillis() + 1000));
        assertThat(FileDigests.of(image)).isEqualTo(new FileDigests.Digest(100, sha256(fourth)));
    }
}

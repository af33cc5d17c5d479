package org.fleetflash.core.history.report;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.ZoneId;
import java.util.Locale;

/**
 * Writes a report into a file whole or not at all, for {@code history export} and the window's export buttons alike:
 * a temporary file beside the target (owner-only), forced to the disk, then put in place at once.
 */
public final class ReportFile {

    /** The formats a report is exported in. */
    public enum Format {
        CSV, PDF, JSON;

        /** The file name extension, without the dot. */
        public String extension() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What a format writes into the temporary file. */
    @FunctionalInterface
    public interface Body {
        void write(OutputStream out) throws IOException;
    }

    private ReportFile() {
    }

    /** What {@code format} writes of {@code report}; {@code paper} and {@code zone} are the PDF's. */
    public static Body body(Report report, Format format, ReportPdf.Paper paper, ZoneId zone) {
        return switch (format) {
            case CSV -> o -> {
                Writer w = new OutputStreamWriter(o, StandardCharsets.UTF_8);
                ReportCsv.write(report, w);
                w.flush();
            };
            case JSON -> o -> o.write((ReportJson.document(report) + "\n").getBytes(StandardCharsets.US_ASCII));
            case PDF -> o -> ReportPdf.write(report, paper, zone, o);
        };
    }

    /**
     * Writes {@code body} to a temporary file beside {@code target}, forces it to the disk, then puts it in place at
     * once: without {@code replace} as a new link that fails if the target appeared meanwhile, with it by an atomic
     * rename over the old file. The temporary file is removed whatever happens.
     *
     * @throws FileAlreadyExistsException {@code target} exists and {@code replace} is false; nothing was written
     */
    public static void write(Path target, boolean replace, Body body) throws IOException {
        if (notAnOrdinaryFile(target)) {
            // replacing it would put a report where a device node, a pipe or a link was (as root: /dev/null)
            throw new java.nio.file.FileSystemException(target.toString(), null, "not an ordinary file: a report replaces only a file");
        }
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                    OutputStream o = new BufferedOutputStream(Channels.newOutputStream(ch))) {
                body.write(o);
                o.flush();
                ch.force(true);
            }
            if (replace) {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                placeNew(tmp, target);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Whether {@code target} exists as something other than an ordinary file (a link is not followed). */
    public static boolean notAnOrdinaryFile(Path target) {
        return Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                && !Files.isRegularFile(target, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    /** Puts {@code tmp} at {@code target}, which must not exist: a hard link where the file system has them. */
    private static void placeNew(Path tmp, Path target) throws IOException {
        try {
            Files.createLink(target, tmp);
            return;
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (UnsupportedOperationException | IOException e) {
            // no hard links here (some network or FAT file systems): a rename, after checking once more
        }
        if (Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString());
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }
}

package org.fleetflash.core.upgrade;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.fleetflash.agent.image.ImageInfo;
import org.fleetflash.agent.image.ImageInspector;

/**
 * A firmware image file as the technician picks it: its size, SHA-256 and what FleetFlash recognises it as
 * (format, the kernel's architecture, the version it carries). Reading it takes a moment for a large file, so the
 * window does it off the FX thread.
 *
 * @param path   the file
 * @param size   its size in bytes
 * @param sha256 its SHA-256, lower-case hex
 * @param info   what it was recognised as
 */
public record ImageFile(Path path, long size, String sha256, ImageInfo info) {

    /** Images larger than this are refused at once: no router FleetFlash knows has a flash this large. */
    public static final long MAX_SIZE = 256L * 1024 * 1024;

    public ImageFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(info, "info");
    }

    /**
     * Reads {@code path}.
     *
     * @throws IOException when it cannot be read, is not a regular file, or is larger than {@link #MAX_SIZE}; the
     *                     message says which, for the technician
     */
    public static ImageFile read(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new IOException(path + " is not a file: choose the firmware image file itself.");
        }
        long size = Files.size(path);
        if (size > MAX_SIZE) {
            throw new IOException(path.getFileName() + " is " + size + " bytes, larger than any router flash: it is not a"
                    + " firmware image for these routers.");
        }
        return new ImageFile(path, size, FileDigests.of(path).sha256(), ImageInspector.inspect(path));
    }

    /** The kernel's architecture, when the image has a U-Boot kernel. */
    public Optional<String> arch() {
        return info.kernel().map(k -> k.header().archName());
    }

    /** One line for people: format, kernel and version. */
    public String describe() {
        return ImageGate.describe(info);
    }

    /** Whether FleetFlash recognises it as firmware at all. */
    public boolean recognised() {
        return info.format() != ImageInfo.Format.UNKNOWN;
    }
}

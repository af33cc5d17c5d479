package org.fleetflash.agent.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** The TL-WDR3600 samples of the device reference, as test resources. */
final class Samples {

    private Samples() {
    }

    /** The raw bytes of a sample under {@code wdr3600/}. */
    static byte[] bytes(String name) {
        try (InputStream in = Samples.class.getResourceAsStream("wdr3600/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource wdr3600/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines of a sample (each line as the tool printed it, without its newline). */
    static List<String> lines(String name) {
        String text = new String(bytes(name), StandardCharsets.UTF_8);
        String[] lines = text.split("\n", -1);
        // a final newline ends the last line; it does not start an empty one
        return List.of(Arrays.copyOf(lines, text.endsWith("\n") ? lines.length - 1 : lines.length));
    }
}

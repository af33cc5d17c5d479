package org.fleetflash.agent.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Splits a byte stream of agent output into lines and hands each, parsed, to a consumer. Malformed
 * UTF-8 becomes U+FFFD; a line keeps at most a bounded number of bytes, so a huge line costs no memory.
 */
public final class AgentLineReader {

    /** Which stream of the agent the bytes come from. */
    public enum Stream {
        /** Machine lines and log lines. */
        STDOUT,
        /** Log lines only: a line on stderr is never a machine line, whatever it starts with. */
        STDERR
    }

    /**
     * Bytes kept per line: enough for {@link AgentLineParser#MAX_LINE_CHARS} characters of any UTF-8
     * plus one, so that a line over the limit is always seen as over it.
     */
    static final int MAX_LINE_BYTES = (AgentLineParser.MAX_LINE_CHARS + 1) * 4;

    private static final int CHUNK = 8192;

    private AgentLineReader() {
    }

    /**
     * Reads {@code in} until end of stream, delivering one {@link AgentLine} per line ({@code \n},
     * with a {@code \r} before it dropped) and one for a last unterminated line. Blocks on {@code in}:
     * the caller bounds it in time by closing the stream (e.g. the SSH channel) at its deadline.
     *
     * @return the number of lines delivered
     * @throws IOException when reading fails; lines read before are already delivered
     */
    public static long read(InputStream in, Stream stream, Consumer<? super AgentLine> sink) throws IOException {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(sink, "sink");
        byte[] chunk = new byte[CHUNK];
        byte[] line = new byte[MAX_LINE_BYTES];
        int length = 0;
        boolean overlong = false;
        boolean pending = false;
        long delivered = 0;
        int n;
        while ((n = in.read(chunk)) >= 0) {
            for (int i = 0; i < n; i++) {
                byte b = chunk[i];
                if (b == '\n') {
                    sink.accept(toLine(line, length, overlong, stream));
                    delivered++;
                    length = 0;
                    overlong = false;
                    pending = false;
                } else {
                    pending = true;
                    if (length < MAX_LINE_BYTES) {
                        line[length++] = b;
                    } else {
                        overlong = true;
                    }
                }
            }
        }
        if (pending) {
            sink.accept(toLine(line, length, overlong, stream));
            delivered++;
        }
        return delivered;
    }

    private static AgentLine toLine(byte[] bytes, int length, boolean overlong, Stream stream) {
        int end = length;
        if (!overlong && end > 0 && bytes[end - 1] == '\r') {
            end--;
        }
        String text = new String(bytes, 0, end, StandardCharsets.UTF_8);
        return switch (stream) {
            case STDOUT -> AgentLineParser.parse(text, overlong, true);
            case STDERR -> AgentLineParser.parse(text, overlong, false);
        };
    }
}

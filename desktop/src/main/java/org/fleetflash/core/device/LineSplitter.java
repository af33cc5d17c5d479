package org.fleetflash.core.device;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Cuts a byte stream into UTF-8 lines for a {@link LineSink}: splits on LF, drops a CR before it, caps each
 * line at {@code maxLineBytes} (the rest of an over-long line is discarded and the line marked cut), and
 * delivers a last unterminated line on {@link #close()}. A sink that throws is remembered and not called again.
 */
final class LineSplitter extends OutputStream {

    /** Default cap of one line: 64 KiB. */
    static final int DEFAULT_MAX_LINE_BYTES = 64 * 1024;

    private final StdStream stream;
    private final LineSink sink;
    private final int maxLineBytes;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean discarding;
    private boolean closed;
    private volatile RuntimeException sinkFailure;

    LineSplitter(StdStream stream, LineSink sink, int maxLineBytes) {
        this.stream = stream;
        this.sink = sink;
        this.maxLineBytes = maxLineBytes;
    }

    @Override
    public synchronized void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        int start = off;
        int end = off + len;
        for (int i = off; i < end; i++) {
            if (b[i] == '\n') {
                append(b, start, i - start);
                if (discarding) {
                    discarding = false;
                } else {
                    emit(false);
                }
                start = i + 1;
            }
        }
        append(b, start, end - start);
    }

    private void append(byte[] b, int off, int len) {
        if (discarding || len == 0) {
            return;
        }
        int room = maxLineBytes - line.size();
        if (len <= room) {
            line.write(b, off, len);
            return;
        }
        line.write(b, off, room);
        emit(true);
        discarding = true;
    }

    private void emit(boolean cut) {
        byte[] bytes = line.toByteArray();
        line.reset();
        int n = bytes.length;
        if (!cut && n > 0 && bytes[n - 1] == '\r') {
            n--;
        }
        if (sinkFailure != null) {
            return;
        }
        try {
            sink.accept(new OutputLine(stream, new String(bytes, 0, n, StandardCharsets.UTF_8), cut));
        } catch (RuntimeException e) {
            sinkFailure = e;
        }
    }

    /** Delivers the last line if it had no terminator. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!discarding && line.size() > 0) {
            emit(false);
        }
    }

    /** The exception the sink threw, if any (rethrown to the caller once the command is over). */
    RuntimeException sinkFailure() {
        return sinkFailure;
    }
}

package org.fleetflash.core.device;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Keeps the first {@code limit} bytes written to it and counts the rest, so a chatty command cannot exhaust memory. */
final class BoundedCapture extends OutputStream {

    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final int limit;
    private long total;

    BoundedCapture(int limit) {
        this.limit = limit;
    }

    @Override
    public synchronized void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        int room = Math.max(0, Math.min(len, limit - kept.size()));
        kept.write(b, off, room);
        total += len;
    }

    synchronized String text() {
        return kept.toString(StandardCharsets.UTF_8);
    }

    synchronized boolean truncated() {
        return total > kept.size();
    }

    /** The last {@code maxLines} lines (at most {@code maxChars} characters) of what was kept. */
    synchronized String tail(int maxLines, int maxChars) {
        String s = text().strip();
        int from = s.length();
        for (int i = 0; i < maxLines && from > 0; i++) {
            from = s.lastIndexOf('\n', from - 1);
            if (from < 0) {
                from = 0;
                break;
            }
        }
        String tail = s.substring(from).strip();
        return tail.length() <= maxChars ? tail : "..." + tail.substring(tail.length() - maxChars);
    }
}

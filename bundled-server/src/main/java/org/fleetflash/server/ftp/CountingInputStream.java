package org.fleetflash.server.ftp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads the image from an offset for one account's transfer, reports every chunk to its tracker and to the byte
 * totals of the image and the server; fails once the account is withdrawn.
 */
final class CountingInputStream extends InputStream {
    private final FileChannel channel;
    private final DownloadTracker tracker;
    private final ImageAccount account;
    private long position;
    private boolean closed;

    CountingInputStream(FileChannel channel, long offset, DownloadTracker tracker, ImageAccount account) {
        this.channel = channel;
        this.position = offset;
        this.tracker = tracker;
        this.account = account;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("Stream closed");
        }
        if (account.withdrawn()) {
            throw new IOException("The image was withdrawn from the server");
        }
        if (len == 0) {
            return 0;
        }
        int n = channel.read(ByteBuffer.wrap(buffer, off, len), position);
        if (n > 0) {
            position += n;
            account.image().served(n);
            tracker.advance(position);
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } finally {
            tracker.finish();
        }
    }
}

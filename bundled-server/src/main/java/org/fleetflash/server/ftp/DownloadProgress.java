package org.fleetflash.server.ftp;

import java.net.InetSocketAddress;

/**
 * Server-side progress of one download (one {@code RETR}) of a hosted image by one account.
 *
 * @param id             unique per server, so events of one download can be told apart
 * @param user           the account ({@link Publication#user()}) that downloads: tells which router it is
 * @param remoteAddress  the client's control-connection address, or {@code null} if unknown
 * @param offset         where the download started ({@code REST} offset, 0 for a fresh download)
 * @param bytes          position in the image reached so far (offset + bytes read for the client); for an ABORTED
 *                       download, where the cut transfer stopped
 * @param total          image size
 * @param bytesPerSecond average rate of this download since it started
 * @param state          where the download stands
 */
public record DownloadProgress(
        long id,
        String user,
        InetSocketAddress remoteAddress,
        long offset,
        long bytes,
        long total,
        long bytesPerSecond,
        State state) {

    /** Where a download stands; COMPLETE and ABORTED are final. */
    public enum State {
        STARTED, RUNNING, COMPLETE, ABORTED;

        public boolean isFinal() {
            return this == COMPLETE || this == ABORTED;
        }
    }

    /** Bytes sent on this connection (without the resumed offset). */
    public long transferred() {
        return bytes - offset;
    }
}

/**
 * The image server: Apache FtpServer embedded; a batch hosts each image once (one read-only copy, hashed once)
 * and grants every router its own random read-only account onto it; server-side download counters per account,
 * per hosted image and for the server. Entry points: {@link org.fleetflash.server.ftp.ImageServer#host} and
 * {@link org.fleetflash.server.ftp.HostedImage#grant}.
 */
package org.fleetflash.server.ftp;

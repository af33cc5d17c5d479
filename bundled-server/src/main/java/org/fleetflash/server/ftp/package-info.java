/**
 * The image server: Apache FtpServer embedded, one random read-only account per published image,
 * server-side download counters. Entry point: {@link org.fleetflash.server.ftp.ImageServer}.
 */
package org.fleetflash.server.ftp;

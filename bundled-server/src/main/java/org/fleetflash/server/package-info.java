/**
 * What the laptop serves to routers during an upgrade: the firmware image over FTP
 * ({@link org.fleetflash.server.ftp}) and the telemetry receiver for the reroot stage
 * ({@link org.fleetflash.server.telemetry}).
 */
package org.fleetflash.server;

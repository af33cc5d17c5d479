package org.fleetflash.core.device;

/** Which output stream of a remote command a line came from. */
public enum StdStream {
    STDOUT,
    STDERR
}

package org.fleetflash.core.device;

/**
 * Receives a remote command's output lines as they arrive. Called from the SSH I/O thread, one line at a
 * time per command: keep it quick (hand lines to a queue or an event bus), never block on the UI.
 */
@FunctionalInterface
public interface LineSink {

    void accept(OutputLine line);
}

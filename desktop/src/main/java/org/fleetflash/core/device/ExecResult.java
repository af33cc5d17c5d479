package org.fleetflash.core.device;

/**
 * What a remote command produced. Output beyond the capture cap is dropped and {@code truncated} set.
 *
 * @param exitStatus the command's exit status
 */
public record ExecResult(String command, int exitStatus, String stdout, String stderr, boolean truncated) {

    /** True when the command exited with status 0. */
    public boolean succeeded() {
        return exitStatus == 0;
    }
}

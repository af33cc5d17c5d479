package org.fleetflash.core.device;

/** A remote command ran but failed: non-zero exit status (or killed by a signal, exit code -1). */
public final class RemoteCommandFailedException extends DeviceException {

    private final String command;
    private final int exitCode;
    private final String stderrTail;

    public RemoteCommandFailedException(SshTarget target, String command, int exitCode, String stderrTail, String advice) {
        super(target, "The command `" + Durations.abbreviate(command) + "` on router " + target
                + (exitCode < 0 ? " was killed" : " failed with exit status " + exitCode)
                + (stderrTail.isBlank() ? "" : ": " + stderrTail.strip()) + ". " + advice, null);
        this.command = command;
        this.exitCode = exitCode;
        this.stderrTail = stderrTail;
    }

    public String command() {
        return command;
    }

    /** The exit status, or -1 when the command ended without one (killed by a signal). */
    public int exitCode() {
        return exitCode;
    }

    /** The last lines of the command's stderr (bounded). */
    public String stderrTail() {
        return stderrTail;
    }
}

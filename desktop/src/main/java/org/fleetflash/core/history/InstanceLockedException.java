package org.fleetflash.core.history;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Another FleetFlash (a window, a demo, a command) already uses this data directory: this one must not open its
 * history. Says which process holds it and since when, as far as the lock file tells.
 */
public final class InstanceLockedException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path dataDirectory;
    private final OptionalLong pid;
    private final transient Optional<Instant> since;

    /**
     * @param howToChooseAnother completes "give this one another data directory ..." where the refused one is used
     *                           ({@link org.fleetflash.core.settings.DataDirectory#howToChooseAnother})
     */
    public InstanceLockedException(Path dataDirectory, String howToChooseAnother, OptionalLong pid, Optional<Instant> since) {
        super("The data directory " + dataDirectory + " is in use by another FleetFlash ("
                + (pid.isPresent() ? "process " + pid.getAsLong() : "process unknown")
                + since.map(s -> ", since " + s).orElse("") + "). Close that one first (its window, demo or command), "
                + "or give this one another data directory " + howToChooseAnother + ". Nothing was changed.");
        this.dataDirectory = dataDirectory;
        this.pid = pid;
        this.since = since;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** The process id of the holder, when its lock file says. */
    public OptionalLong pid() {
        return pid;
    }

    /** When the holder took the lock, when its lock file says. */
    public Optional<Instant> since() {
        return since;
    }
}

package org.fleetflash.agent.sim;

import java.nio.file.Path;
import java.util.Locale;

/** The real shell a simulated router's /bin/sh is. */
public enum Shell {
    DASH("/usr/bin/dash"),
    POSH("/usr/bin/posh"),
    /** busybox picks its applet from argv[0], so a symlink named sh runs "busybox sh". */
    BUSYBOX("/usr/bin/busybox");

    private final Path binary;

    Shell(String binary) {
        this.binary = Path.of(binary);
    }

    /** The host binary (for BUSYBOX the multi-call binary, reached through a symlink named sh). */
    public Path binary() {
        return binary;
    }

    /** Parses "dash", "posh" or "busybox" (any case). */
    public static Shell parse(String s) {
        String v = s == null ? "" : s.strip().toUpperCase(Locale.ROOT);
        for (Shell shell : values()) {
            if (shell.name().equals(v)) {
                return shell;
            }
        }
        throw new IllegalArgumentException("Unknown shell '" + s + "': use dash, posh or busybox");
    }
}

package org.fleetflash.core.discovery;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** This process's file descriptors on Linux, read from {@code /proc/self}: the soft limit and those open. */
final class LinuxDescriptors {

    private static final Path LIMITS = Path.of("/proc/self/limits");

    private LinuxDescriptors() {
    }

    /** Soft limit minus open descriptors; -1 when {@code /proc} does not tell (not Linux). */
    static long free() {
        if (!Files.isReadable(LIMITS)) {
            return -1;
        }
        try {
            long limit = softLimit(Files.readAllLines(LIMITS));
            String[] open = new File("/proc/self/fd").list();
            if (limit < 0 || open == null) {
                return -1;
            }
            return limit - open.length;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The soft "Max open files" of a {@code /proc/<pid>/limits} text; -1 when absent; unlimited as Long.MAX_VALUE. */
    static long softLimit(List<String> lines) {
        for (String line : lines) {
            if (line.startsWith("Max open files")) {
                String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                if (f.length == 0) {
                    return -1;
                }
                return "unlimited".equals(f[0]) ? Long.MAX_VALUE : Long.parseLong(f[0]);
            }
        }
        return -1;
    }
}

package org.fleetflash.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The application jar the build made, as the jar tests start it. */
public final class BuiltJar {

    /** The jar, relative to the desktop module (the tests' working directory). */
    public static final Path JAR = Path.of("target", "fleetflash.jar");

    /** The class data sharing archive the build makes beside the jar (absent when the build skipped it). */
    public static final Path ARCHIVE = JAR.resolveSibling("fleetflash.jsa");

    private BuiltJar() {
    }

    /**
     * The option that starts the jar from the class data sharing archive the build made beside it, as run-demo.sh does
     * (about a third less start-up CPU for each of the many short JVMs of the jar tests); none when the build made none.
     */
    public static List<String> sharedArchive() {
        return Files.isRegularFile(ARCHIVE) ? List.of("-XX:SharedArchiveFile=" + ARCHIVE.toAbsolutePath()) : List.of();
    }
}

package org.fleetflash.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The application jar the build made, as the jar tests start it. */
public final class BuiltJar {

    /** The jar, relative to the desktop module (the tests' working directory). */
    public static final Path JAR = Path.of("target", "fleetflash.jar");

    private BuiltJar() {
    }

    /**
     * The option that starts the jar from the class data sharing archive the build made beside it, as run-demo.sh does
     * (about a third less start-up CPU for each of the many short JVMs of the jar tests); none when the build made none.
     */
    public static List<String> sharedArchive() {
        Path archive = JAR.resolveSibling("fleetflash.jsa");
        return Files.isRegularFile(archive) ? List.of("-XX:SharedArchiveFile=" + archive.toAbsolutePath()) : List.of();
    }
}

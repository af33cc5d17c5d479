package org.fleetflash.core.settings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where FleetFlash keeps its data (history database, pinned host keys, settings): the user's data
 * directory of the platform, overridable with {@code --data-dir} or {@code FLEETFLASH_DATA_DIR}
 * (tests always override it).
 */
public final class DataDirectory {

    /** Environment variable that overrides the location. */
    public static final String ENV = "FLEETFLASH_DATA_DIR";

    private final Path path;

    private DataDirectory(Path path) {
        this.path = path;
    }

    /** The directory for this platform, or the override; not created until {@link #ensureExists()}. */
    public static DataDirectory resolve(Optional<Path> override, Map<String, String> env, String osName, Path home) {
        if (override.isPresent()) {
            return new DataDirectory(override.get());
        }
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new DataDirectory(Path.of(fromEnv));
        }
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.contains("win")) {
            String appData = env.get("APPDATA");
            return new DataDirectory(appData != null ? Path.of(appData, "FleetFlash") : home.resolve("AppData/Roaming/FleetFlash"));
        }
        if (os.contains("mac")) {
            return new DataDirectory(home.resolve("Library/Application Support/FleetFlash"));
        }
        String xdg = env.get("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".local/share");
        return new DataDirectory(base.resolve("fleetflash"));
    }

    /** The directory for the running process. */
    public static DataDirectory forThisUser(Optional<Path> override) {
        return resolve(override, System.getenv(), System.getProperty("os.name", ""), Path.of(System.getProperty("user.home")));
    }

    public Path path() {
        return path;
    }

    /** The file of pinned router host keys. */
    public Path knownHosts() {
        return path.resolve("known_hosts");
    }

    /** Creates the directory if needed and returns it. */
    public Path ensureExists() throws IOException {
        return Files.createDirectories(path);
    }
}

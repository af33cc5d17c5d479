package org.fleetflash.core.settings;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where FleetFlash keeps its data (history database, pinned host keys, settings): the user's data
 * directory of the platform, overridable with {@code --data-dir} or {@code FLEETFLASH_DATA_DIR}
 * (tests always override it).
 *
 * <p>What FleetFlash creates here is the technician's alone: directories {@code 700}, files {@code 600} (on file
 * systems with POSIX permissions; elsewhere the platform's defaults apply).
 */
public final class DataDirectory {

    /** Environment variable that overrides the location. */
    public static final String ENV = "FLEETFLASH_DATA_DIR";

    /** {@code rwx------}: directories FleetFlash creates. */
    public static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    /** {@code rw-------}: files FleetFlash creates. */
    public static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    /** How the technician names another data directory, for the sentences that ask for one. */
    private static final String COMMAND_CHOICE = "with --data-dir or " + ENV;
    /** The window has no command-line options: only the environment names another. */
    private static final String WINDOW_CHOICE = "by starting FleetFlash with " + ENV + " set to it";

    private final Path path;
    private final String howToChooseAnother;

    private DataDirectory(Path path) {
        this(path, COMMAND_CHOICE);
    }

    private DataDirectory(Path path, String howToChooseAnother) {
        this.path = path;
        this.howToChooseAnother = howToChooseAnother;
    }

    /**
     * This directory as the window uses it: its sentences name {@value #ENV}, not {@code --data-dir}, which the
     * window does not take.
     */
    public DataDirectory forTheWindow() {
        return new DataDirectory(path, WINDOW_CHOICE);
    }

    /** Another directory, named in this one's sentences' way ({@link #forTheWindow}). */
    public DataDirectory elsewhere(Path other) {
        return new DataDirectory(other, howToChooseAnother);
    }

    /**
     * How another data directory is chosen where this one is used, to complete "choose another ...": {@code with
     * --data-dir or FLEETFLASH_DATA_DIR} for a command, {@code by starting FleetFlash with FLEETFLASH_DATA_DIR set to it}
     * for the window.
     */
    public String howToChooseAnother() {
        return howToChooseAnother;
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

    /** The history database (SQLite): attempts, batches, routers and their pinned host keys. */
    public Path history() {
        return path.resolve("history.db");
    }

    /** The lock file that lets one FleetFlash at a time use this data directory (it names the holder). */
    public Path instanceLock() {
        return path.resolve("instance.lock");
    }

    /** Where upgrades keep the partition backups they take, one directory per attempt. */
    public Path backups() {
        return path.resolve("backups");
    }

    /** Where the demo fleet keeps its routers' state (flash, host keys) across runs. */
    public Path demoFleet() {
        return path.resolve("demo-fleet");
    }

    /** The demo fleet's ready-made images (written by the demo at every start). */
    public Path demoImages() {
        return demoFleet().resolve("images");
    }

    /** The directory of FleetFlash's log files. */
    public Path logs() {
        return path.resolve("logs");
    }

    /** The current log file ({@code logs/fleetflash.log}); older ones are rolled beside it. */
    public Path logFile() {
        return logs().resolve("fleetflash.log");
    }

    /**
     * Creates the directory if needed (mode 700; missing parents get the platform's defaults) and returns it.
     * An existing directory is used as it is: it may be one the technician chose and shares on purpose.
     *
     * @throws IOException with a sentence that says what to do when the path is a file or cannot be created
     */
    public Path ensureExists() throws IOException {
        if (Files.isDirectory(path)) {
            return path;
        }
        requireNotAFile();
        try {
            return ownerOnlyDirectory(path);
        } catch (IOException e) {
            throw new UnusableException("Cannot create the data directory " + path + " (" + e.getMessage()
                    + "): choose a writable place " + howToChooseAnother + ".", e);
        }
    }

    /**
     * Fails, with {@code message}, when the directory is not there: for one chosen earlier and made then, whose absence
     * means a disk not connected or a folder moved, and which must not be made again empty (its history would seem lost).
     */
    public void requireExisting(String message) throws UnusableException {
        if (!Files.isDirectory(path)) {
            throw new UnusableException(message);
        }
    }

    /** The data directory itself cannot be used (a file is in its place, or it cannot be created); the message says what to do. */
    public static final class UnusableException extends IOException {
        private static final long serialVersionUID = 1L;

        UnusableException(String message) {
            super(message);
        }

        UnusableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Fails, with a sentence that says what to do, when the path is there but is not a directory: a reader must not take
     * it for a data directory with no history yet.
     */
    public void requireNotAFile() throws IOException {
        if (Files.exists(path) && !Files.isDirectory(path)) {
            throw new UnusableException("The data directory " + path + " is a file, not a directory: choose another "
                    + howToChooseAnother + ", or move that file away.");
        }
    }

    /**
     * Makes {@code dir} a directory only its owner can use: creates it with mode 700 when missing (parents with the
     * platform's defaults), and takes group and other permissions away from an existing one. For directories that
     * FleetFlash owns (inside the data directory: logs, backups, work), not for one the technician chose.
     */
    public static Path ownerOnlyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                if (supportsPosix(parent)) {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
                } else {
                    Files.createDirectory(dir);
                }
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(dir)) {
                    throw e;
                }
            }
        }
        restrictToOwner(dir, OWNER_ONLY_DIRECTORY);
        return dir;
    }

    /**
     * Creates a new, empty file that only its owner can read and write (mode 600 from the start, so there is no
     * moment when others could open it).
     *
     * @throws FileAlreadyExistsException if it exists
     */
    public static Path createOwnerOnlyFile(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && supportsPosix(parent)) {
            FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE);
            Files.createFile(file, mode);
            restrictToOwner(file, OWNER_ONLY_FILE); // the umask may have taken owner bits away
            return file;
        }
        return Files.createFile(file);
    }

    /** Creates {@code file} with mode 600 if it does not exist, or takes group and other permissions away from it. */
    public static Path ownerOnlyFile(Path file) throws IOException {
        try {
            return createOwnerOnlyFile(file);
        } catch (FileAlreadyExistsException e) {
            restrictToOwner(file, OWNER_ONLY_FILE);
            return file;
        }
    }

    /**
     * Whether the file system under {@code path} (an existing file or directory) has POSIX permissions. Asked once per
     * device: finding a path's file store reads the whole mount table, and a backup creates a file per partition.
     */
    public static boolean supportsPosix(Path path) throws IOException {
        Path p = path;
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p == null) {
            return false;
        }
        Object device;
        try {
            device = Files.getAttribute(p, "unix:dev");
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return posixStore(p); // no device numbers here (Windows): asked every time
        }
        Boolean known = POSIX_BY_DEVICE.get(device);
        if (known == null) {
            known = posixStore(p);
            POSIX_BY_DEVICE.put(device, known);
        }
        return known;
    }

    /** What {@link #supportsPosix} found per device number ({@code unix:dev}); a handful of entries at most. */
    private static final Map<Object, Boolean> POSIX_BY_DEVICE = new ConcurrentHashMap<>();

    private static boolean posixStore(Path existing) throws IOException {
        return Files.getFileStore(existing).supportsFileAttributeView(PosixFileAttributeView.class);
    }

    private static void restrictToOwner(Path path, Set<PosixFilePermission> mode) throws IOException {
        if (supportsPosix(path) && !Files.getPosixFilePermissions(path).equals(mode)) {
            Files.setPosixFilePermissions(path, mode);
        }
    }
}

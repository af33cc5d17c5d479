package org.fleetflash.core.settings;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the settings are kept and how: {@value #SETTINGS_FILE} in the data directory holds every setting but one; the
 * choice of the data directory itself is {@value #CHOICE_FILE} in the user's configuration directory
 * ({@code $XDG_CONFIG_HOME/fleetflash}, else {@code ~/.config/fleetflash}), since it has to be read before the data
 * directory is known. Both are small properties files, written atomically with mode 600. No password is ever
 * written: the settings have none.
 *
 * <p>Reading is forgiving: an unknown (older or newer) key is ignored, a bad value falls back to its default with a
 * sentence, and a file that cannot be read as settings at all is kept aside under a new name and the defaults used.
 */
public final class SettingsStore {

    private static final Logger LOG = LoggerFactory.getLogger(SettingsStore.class);
    /** The settings file in the data directory. */
    public static final String SETTINGS_FILE = "settings.properties";
    /** The file in the configuration directory that names the data directory. */
    public static final String CHOICE_FILE = "fleetflash.properties";
    private static final long MAX_FILE_BYTES = 64 * 1024;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final Path configDirectory;
    private final LocalInterfaces local;
    private final Clock clock;

    /**
     * @param configDirectory the user's FleetFlash configuration directory ({@link #configDirectory(Map, Path)})
     */
    public SettingsStore(Path configDirectory, LocalInterfaces local, Clock clock) {
        this.configDirectory = configDirectory;
        this.local = local;
        this.clock = clock;
    }

    /** The store of the running user: {@code $XDG_CONFIG_HOME/fleetflash} or {@code ~/.config/fleetflash}. */
    public static SettingsStore forThisUser() {
        return new SettingsStore(configDirectory(System.getenv(), Path.of(System.getProperty("user.home"))), LocalInterfaces.SYSTEM,
                Clock.systemUTC());
    }

    /** {@code $XDG_CONFIG_HOME/fleetflash} when set to an absolute path (as the XDG rules say), else {@code ~/.config/fleetflash}. */
    public static Path configDirectory(Map<String, String> env, Path home) {
        String xdg = env.get("XDG_CONFIG_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "fleetflash");
        }
        return home.resolve(".config").resolve("fleetflash");
    }

    public Path configDirectory() {
        return configDirectory;
    }

    /** The file that names the chosen data directory. */
    public Path choiceFile() {
        return configDirectory.resolve(CHOICE_FILE);
    }

    /**
     * The data directory chosen in the Settings tab, if one was chosen (and the choice can be read). It applies only
     * where nothing more specific is given: {@code --data-dir} and {@code FLEETFLASH_DATA_DIR} win.
     */
    public Optional<Path> chosenDataDirectory() {
        Path file = choiceFile();
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            String s = read(file).getProperty(SettingKey.DATA_DIRECTORY.fileKey(), "").strip();
            if (!s.isEmpty() && Path.of(s).isAbsolute()) {
                return Optional.of(Path.of(s));
            }
            LOG.warn("Ignoring the data directory choice in {}: '{}' is no absolute path", file, s);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Ignoring the data directory choice in {}: {}", file, e.toString());
        }
        return Optional.empty();
    }

    /**
     * The data directory to open when the technician named none: the chosen one, else {@code platformDefault}.
     *
     * @param given the directory the start resolved ({@link DataDirectory#forThisUser}); when it is not the platform's
     *              default it was named on purpose (option or environment) and is kept
     */
    public DataDirectory dataDirectory(DataDirectory given, Path platformDefault) {
        if (!given.path().toAbsolutePath().normalize().equals(platformDefault.toAbsolutePath().normalize())) {
            return given;
        }
        return chosenDataDirectory().map(p -> DataDirectory.forThisUser(Optional.of(p))).orElse(given);
    }

    /**
     * What was read: the settings, and the sentences to show about what could not be used (empty when all was well).
     */
    public record Loaded(Settings settings, List<String> notes) {
        public Loaded {
            notes = List.copyOf(notes);
        }
    }

    /**
     * Reads the settings of {@code dataDirectory}: the defaults where the file is missing, a value is bad or the file
     * cannot be read (then it is renamed to {@code settings.properties.corrupt-<time>} and a note says so).
     */
    public Loaded load(Path dataDirectory) {
        Settings defaults = Settings.defaults(dataDirectory);
        Path file = dataDirectory.resolve(SETTINGS_FILE);
        if (!Files.exists(file)) {
            return new Loaded(defaults, List.of());
        }
        Properties p;
        try {
            p = read(file);
        } catch (IOException | RuntimeException e) {
            return new Loaded(defaults, List.of(keepAside(file, e)));
        }
        Map<SettingKey, String> text = new EnumMap<>(SettingKey.class);
        for (String name : p.stringPropertyNames()) {
            SettingKey.ofFileKey(name).filter(k -> k != SettingKey.DATA_DIRECTORY).ifPresent(k -> text.put(k, p.getProperty(name)));
        }
        Settings.Checked checked = Settings.check(text, defaults, local);
        if (checked.ok()) {
            return new Loaded(checked.settings().orElseThrow(), List.of());
        }
        // the good values stay, each bad one falls back to its default
        List<String> notes = new ArrayList<>();
        for (Map.Entry<SettingKey, String> bad : checked.problems().entrySet()) {
            text.remove(bad.getKey());
            notes.add("The setting " + bad.getKey().fileKey() + " in " + file + " was not used: " + bad.getValue());
        }
        Settings.Checked rest = Settings.check(text, defaults, local);
        if (!rest.ok()) {
            for (SettingKey k : rest.problems().keySet()) {
                text.remove(k); // a value good alone but not with the defaults of the others (a passive range too small)
            }
            rest = Settings.check(text, defaults, local);
        }
        return new Loaded(rest.settings().orElse(defaults), notes);
    }

    /**
     * Writes {@code settings}: everything but the data directory into {@code settings.properties} of the data
     * directory in use ({@code current}) and of the chosen one (which is created), the choice into the configuration
     * directory when it differs from what was chosen before.
     */
    public void save(Settings settings, Path current) throws IOException {
        Properties p = new Properties();
        settings.text().forEach((k, v) -> {
            if (k != SettingKey.DATA_DIRECTORY) {
                p.setProperty(k.fileKey(), v);
            }
        });
        write(current.resolve(SETTINGS_FILE), p, "FleetFlash settings (no passwords are kept here)");
        Path chosen = settings.dataDirectory();
        if (!same(chosen, current)) {
            DataDirectory.forThisUser(Optional.of(chosen)).ensureExists();
            write(chosen.resolve(SETTINGS_FILE), p, "FleetFlash settings (no passwords are kept here)");
        }
        Optional<Path> before = chosenDataDirectory();
        if (before.isPresent() ? !before.get().equals(chosen) : !same(chosen, current)) {
            Properties choice = new Properties();
            choice.setProperty(SettingKey.DATA_DIRECTORY.fileKey(), chosen.toString());
            DataDirectory.ownerOnlyDirectory(configDirectory);
            write(choiceFile(), choice, "FleetFlash: the data directory the window opens");
        }
    }

    private static boolean same(Path a, Path b) {
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }

    private static Properties read(Path file) throws IOException {
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw new IOException("it is larger than " + MAX_FILE_BYTES / 1024 + " KiB");
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file);
                Reader r = new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT))) {
            p.load(r);
        }
        for (String name : p.stringPropertyNames()) {
            if (name.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
                throw new IOException("it holds control characters, so it is not a settings file");
            }
        }
        return p;
    }

    private String keepAside(Path file, Exception why) {
        Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + STAMP.format(clock.instant()));
        String reason = why.getMessage() == null ? why.getClass().getSimpleName() : why.getMessage();
        try {
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            LOG.warn("The settings file {} could not be read ({}); kept as {}", file, reason, aside);
            return "The settings file " + file + " could not be read (" + reason + "): the defaults are used, and the file was kept as "
                    + aside.getFileName() + " beside it.";
        } catch (IOException e) {
            LOG.warn("The settings file {} could not be read ({}) nor kept aside: {}", file, reason, e.toString());
            return "The settings file " + file + " could not be read (" + reason + "): the defaults are used until Apply writes a new one.";
        }
    }

    private static void write(Path file, Properties p, String comment) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        DataDirectory.createOwnerOnlyFile(tmp);
        try (OutputStream out = Files.newOutputStream(tmp); Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
            p.store(w, comment);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}

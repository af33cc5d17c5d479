package org.fleetflash.core.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.fleetflash.server.ftp.PassivePorts;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings file and the data directory choice: saved, read back, checked, and read forgivingly when damaged. */
class SettingsStoreTest {

    @TempDir
    Path home;
    Path data;
    SettingsStore store;

    @BeforeEach
    void setUp() throws Exception {
        data = Files.createDirectories(home.resolve("data"));
        store = new SettingsStore(home.resolve("config/fleetflash"), LocalInterfaces.SYSTEM,
                Clock.fixed(Instant.parse("2026-12-01T15:00:00Z"), ZoneOffset.UTC));
    }

    @Test
    void noFileMeansTheCommandLinesDefaults() {
        SettingsStore.Loaded loaded = store.load(data);
        assertThat(loaded.notes()).isEmpty();
        Settings s = loaded.settings();
        assertThat(s).isEqualTo(Settings.defaults(data));
        assertThat(s.user()).isEqualTo("root");
        assertThat(s.concurrency()).isEqualTo(8);
        assertThat(s.passivePorts()).isEqualTo(PassivePorts.ANY);
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.commandTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.backupsKept()).isEqualTo(3);
    }

    @Test
    void savedSettingsComeBackAndTheFileIsPrivate() throws Exception {
        Path key = privateKey();
        Settings s = checked(Map.of(SettingKey.SSH_USER, "admin", SettingKey.IDENTITY_FILE, key.toString(),
                SettingKey.FTP_BIND_ADDRESS, "127.0.53.9", SettingKey.FTP_PORT, "2153", SettingKey.FTP_PASSIVE_PORTS, "50153-50160",
                SettingKey.CONCURRENCY, "4", SettingKey.CANARY, "2", SettingKey.MAX_FAILURES, "1", SettingKey.STAGE_ALL_FIRST, "true",
                SettingKey.CONNECT_TIMEOUT, "7"));
        store.save(s, data);

        Settings back = store.load(data).settings();
        assertThat(back).isEqualTo(s);
        assertThat(back.ftpBind()).contains(InetAddress.getByName("127.0.53.9"));
        assertThat(back.identityFile()).contains(key);
        Path file = data.resolve(SettingsStore.SETTINGS_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file)).doesNotContainIgnoringCase("password=").contains("ftp.passivePorts=50153-50160");
        try (Stream<Path> left = Files.list(data)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly(SettingsStore.SETTINGS_FILE); // no .tmp left
        }
        assertThat(store.chosenDataDirectory()).as("the data directory was not changed, so nothing is chosen").isEmpty();
    }

    @Test
    void theDataDirectoryChoiceLivesInTheConfigDirectoryAndTheNewDirectoryGetsTheSettings() throws Exception {
        Path other = home.resolve("elsewhere/data");
        Settings s = checked(Map.of(SettingKey.DATA_DIRECTORY, other.toString(), SettingKey.CONCURRENCY, "3"));
        store.save(s, data);

        assertThat(store.chosenDataDirectory()).contains(other);
        assertThat(Files.readString(store.choiceFile())).contains("storage.dataDirectory");
        assertThat(Files.readString(data.resolve(SettingsStore.SETTINGS_FILE))).doesNotContain("dataDirectory");
        assertThat(store.load(other).settings().concurrency()).isEqualTo(3);
        DataDirectory platform = DataDirectory.forThisUser(Optional.of(data));
        assertThat(store.dataDirectory(platform, data).path()).as("the platform's default gives way to the choice").isEqualTo(other);
        DataDirectory named = DataDirectory.forThisUser(Optional.of(home.resolve("named")));
        assertThat(store.dataDirectory(named, data).path()).as("--data-dir or the environment win").isEqualTo(home.resolve("named"));
    }

    @Test
    void theConfigDirectoryFollowsXdgConfigHome() {
        assertThat(SettingsStore.configDirectory(Map.of("XDG_CONFIG_HOME", "/x/conf"), Path.of("/home/t"))).isEqualTo(Path.of("/x/conf/fleetflash"));
        assertThat(SettingsStore.configDirectory(Map.of("XDG_CONFIG_HOME", "relative"), Path.of("/home/t")))
                .isEqualTo(Path.of("/home/t/.config/fleetflash"));
        assertThat(SettingsStore.configDirectory(Map.of(), Path.of("/home/t"))).isEqualTo(Path.of("/home/t/.config/fleetflash"));
    }

    @Test
    void unknownKeysAreIgnoredAndABadValueFallsBackToItsDefaultWithASentence() throws Exception {
        Files.writeString(data.resolve(SettingsStore.SETTINGS_FILE), "# an older FleetFlash\nwindow.theme=DARK\nssh.user=admin\n"
                + "batch.concurrency=many\nfuture.key=1\n", StandardCharsets.UTF_8);
        SettingsStore.Loaded loaded = store.load(data);
        assertThat(loaded.settings().user()).isEqualTo("admin");
        assertThat(loaded.settings().concurrency()).isEqualTo(8);
        assertThat(loaded.notes()).singleElement().asString().contains("batch.concurrency").contains("not 'many'");
        assertThat(data.resolve(SettingsStore.SETTINGS_FILE)).as("a bad value is no reason to move the file").exists();
    }

    @Test
    void aCorruptFileMeansTheDefaultsASentenceAndTheFileKeptAside() throws Exception {
        Path file = data.resolve(SettingsStore.SETTINGS_FILE);
        byte[] garbage = {(byte) 0xff, (byte) 0xfe, 0, 1, 2, 'x', '=', (byte) 0xc3, 0x28, '\n'};
        Files.write(file, garbage);
        SettingsStore.Loaded loaded = store.load(data);

        assertThat(loaded.settings()).isEqualTo(Settings.defaults(data));
        Path aside = data.resolve("settings.properties.corrupt-20261201-150000");
        assertThat(loaded.notes()).singleElement().asString().contains("could not be read").contains("defaults are used")
                .contains(aside.getFileName().toString());
        assertThat(file).doesNotExist();
        assertThat(Files.readAllBytes(aside)).isEqualTo(garbage);
    }

    @Test
    void aBadPassiveRangeSaysWhatToGive() {
        assertThat(problems(Map.of(SettingKey.FTP_PASSIVE_PORTS, "50100-50000")).get(SettingKey.FTP_PASSIVE_PORTS))
                .contains("ends before it starts").contains("50000-50100");
        assertThat(problems(Map.of(SettingKey.FTP_PASSIVE_PORTS, "fifty")).get(SettingKey.FTP_PASSIVE_PORTS))
                .contains("not a range of port numbers");
        assertThat(problems(Map.of(SettingKey.FTP_PASSIVE_PORTS, "50000-50003", SettingKey.CONCURRENCY, "8"))
                .get(SettingKey.FTP_PASSIVE_PORTS)).contains("fewer than the 8 routers").contains("widen it to 50000-50007");
    }

    @Test
    void aMissingKeyFileAndAnAddressNotOnThisComputerAreRefused() {
        Map<SettingKey, String> p = problems(Map.of(SettingKey.IDENTITY_FILE, home.resolve("no-such-key").toString(),
                SettingKey.FTP_BIND_ADDRESS, "192.0.2.77"));
        assertThat(p.get(SettingKey.IDENTITY_FILE)).startsWith("There is no key file").contains("no-such-key");
        assertThat(p.get(SettingKey.FTP_BIND_ADDRESS)).contains("is not an address of this computer");
        assertThat(problems(Map.of(SettingKey.FTP_BIND_ADDRESS, "router.example")).get(SettingKey.FTP_BIND_ADDRESS))
                .as("a name is never looked up").contains("is not an IP address");
        assertThat(problems(Map.of(SettingKey.FTP_BIND_ADDRESS, "0.0.0.0")).get(SettingKey.FTP_BIND_ADDRESS)).contains("not one interface");
        assertThat(problems(Map.of(SettingKey.FTP_BIND_ADDRESS, "127.0.53.1"))).isEmpty();
    }

    @Test
    void numbersOutOfRangeAreRefusedWithTheirRule() {
        Map<SettingKey, String> p = problems(Map.of(SettingKey.CONCURRENCY, "0", SettingKey.CONNECT_TIMEOUT, "0",
                SettingKey.BACKUPS_KEPT, "0", SettingKey.FTP_PORT, "70000", SettingKey.RETRIES, "11", SettingKey.SSH_USER, "ro ot"));
        assertThat(p).containsOnlyKeys(SettingKey.CONCURRENCY, SettingKey.CONNECT_TIMEOUT, SettingKey.BACKUPS_KEPT, SettingKey.FTP_PORT,
                SettingKey.RETRIES, SettingKey.SSH_USER);
        assertThat(p.get(SettingKey.CONCURRENCY)).isEqualTo("Routers at once must be 1 to 256, not '0'.");
        assertThat(p.get(SettingKey.BACKUPS_KEPT)).startsWith("Keep 1 to 1000 backups per router");
        assertThat(p.values()).allSatisfy(m -> assertThat(m).doesNotContain("Exception"));
    }

    @Test
    void theSettingsLimitsAreTheBatchEnginesLimits() {
        assertThat(Settings.MAX_CONCURRENCY).isEqualTo(org.fleetflash.core.batch.BatchSettings.MAX_CONCURRENCY);
        assertThat(Settings.defaults(data).concurrency()).isEqualTo(org.fleetflash.core.batch.BatchSettings.DEFAULT_CONCURRENCY);
    }

    private Settings checked(Map<SettingKey, String> text) {
        Settings.Checked c = Settings.check(new EnumMap<>(text), Settings.defaults(data), LocalInterfaces.SYSTEM);
        assertThat(c.problems()).isEmpty();
        return c.settings().orElseThrow();
    }

    private Map<SettingKey, String> problems(Map<SettingKey, String> text) {
        Settings.Checked c = Settings.check(new EnumMap<>(text), Settings.defaults(data), LocalInterfaces.SYSTEM);
        assertThat(c.ok()).isEqualTo(c.problems().isEmpty());
        return c.problems();
    }

    private Path privateKey() throws Exception {
        Path key = home.resolve("id_ed25519");
        Files.writeString(key, "not read by the settings\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        return key;
    }
}

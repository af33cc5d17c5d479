package org.fleetflash.core.settings;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {

    private static final Path HOME = Path.of("/home/tech");

    @Test
    void linuxUsesXdgDataHomeOrItsDefault() {
        assertThat(DataDirectory.resolve(Optional.empty(), Map.of(), "Linux", HOME).path())
                .isEqualTo(Path.of("/home/tech/.local/share/fleetflash"));
        assertThat(DataDirectory.resolve(Optional.empty(), Map.of("XDG_DATA_HOME", "/data"), "Linux", HOME).path())
                .isEqualTo(Path.of("/data/fleetflash"));
    }

    @Test
    void macAndWindowsUseTheirOwnPlaces() {
        assertThat(DataDirectory.resolve(Optional.empty(), Map.of(), "Mac OS X", HOME).path())
                .isEqualTo(Path.of("/home/tech/Library/Application Support/FleetFlash"));
        assertThat(DataDirectory.resolve(Optional.empty(), Map.of("APPDATA", "/appdata"), "Windows 11", HOME).path())
                .isEqualTo(Path.of("/appdata/FleetFlash"));
    }

    @Test
    void flagBeatsEnvironmentBeatsPlatform() {
        Map<String, String> env = Map.of(DataDirectory.ENV, "/from-env", "XDG_DATA_HOME", "/data");
        assertThat(DataDirectory.resolve(Optional.of(Path.of("/from-flag")), env, "Linux", HOME).path())
                .isEqualTo(Path.of("/from-flag"));
        assertThat(DataDirectory.resolve(Optional.empty(), env, "Linux", HOME).path()).isEqualTo(Path.of("/from-env"));
        assertThat(DataDirectory.resolve(Optional.empty(), env, "Linux", HOME).knownHosts())
                .isEqualTo(Path.of("/from-env/known_hosts"));
    }

    @Test
    void createsTheDataDirectoryOwnerOnlyButLeavesAnExistingOneAsItIs(@TempDir Path tmp) throws Exception {
        DataDirectory fresh = DataDirectory.resolve(Optional.of(tmp.resolve("a/b/fleetflash")), Map.of(), "Linux", HOME);

        assertThat(fresh.ensureExists()).isDirectory();
        assertThat(Files.getPosixFilePermissions(fresh.path())).isEqualTo(PosixFilePermissions.fromString("rwx------"));

        Path shared = Files.createDirectory(tmp.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
        DataDirectory.resolve(Optional.of(shared), Map.of(), "Linux", HOME).ensureExists();
        assertThat(Files.getPosixFilePermissions(shared)).isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void saysWhatToDoWhenTheDataDirectoryIsAFile(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");

        assertThatThrownBy(() -> DataDirectory.resolve(Optional.of(file), Map.of(), "Linux", HOME).ensureExists())
                .hasMessage("The data directory " + file + " is a file, not a directory: choose another with --data-dir or "
                        + "FLEETFLASH_DATA_DIR, or move that file away.");
    }

    @Test
    void theWindowsSentencesNameOnlyWhatTheWindowTakes(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
        DataDirectory window = DataDirectory.resolve(Optional.empty(), Map.of("FLEETFLASH_DATA_DIR", file.toString()), "Linux", HOME)
                .forTheWindow();

        assertThatThrownBy(window::ensureExists).hasMessage("The data directory " + file + " is a file, not a directory: choose"
                + " another by starting FleetFlash with FLEETFLASH_DATA_DIR set to it, or move that file away.");
        // the one chosen in the Settings tab, opened by the window, speaks the window's way too
        Path other = Files.writeString(tmp.resolve("chosen"), "x");
        assertThatThrownBy(() -> window.elsewhere(other).ensureExists()).hasMessageContaining("by starting FleetFlash with");
        assertThat(DataDirectory.resolve(Optional.of(other), Map.of(), "Linux", HOME).howToChooseAnother())
                .isEqualTo("with --data-dir or FLEETFLASH_DATA_DIR");
    }

    @Test
    void ownerOnlyHelpersCreateAndTighten(@TempDir Path tmp) throws Exception {
        Path backups = DataDirectory.ownerOnlyDirectory(tmp.resolve("data/backups"));
        assertThat(Files.getPosixFilePermissions(backups)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(backups, PosixFilePermissions.fromString("rwxrwxrwx"));
        DataDirectory.ownerOnlyDirectory(backups);
        assertThat(Files.getPosixFilePermissions(backups)).isEqualTo(PosixFilePermissions.fromString("rwx------"));

        Path file = DataDirectory.createOwnerOnlyFile(backups.resolve("flash.bin"));
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> DataDirectory.createOwnerOnlyFile(file)).isInstanceOf(FileAlreadyExistsException.class);

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        DataDirectory.ownerOnlyFile(file);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(DataDirectory.resolve(Optional.of(tmp), Map.of(), "Linux", HOME).logFile()).isEqualTo(tmp.resolve("logs/fleetflash.log"));
    }
}

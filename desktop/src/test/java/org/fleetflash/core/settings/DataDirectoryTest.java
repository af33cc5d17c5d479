package org.fleetflash.core.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

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
}

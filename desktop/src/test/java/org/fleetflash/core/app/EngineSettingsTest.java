package org.fleetflash.core.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.fleetflash.core.batch.BatchSettings;
import org.fleetflash.core.device.Credentials;
import org.fleetflash.core.device.SshOptions;
import org.fleetflash.core.settings.LocalInterfaces;
import org.fleetflash.core.settings.SettingKey;
import org.fleetflash.core.settings.Settings;
import org.fleetflash.core.upgrade.ImageHosting;
import org.fleetflash.server.ftp.PassivePorts;
import org.junit.jupiter.api.Test;

/** The settings become the engine's: a batch's defaults, the SSH deadlines, the image server's ports, the login. */
class EngineSettingsTest {

    static final Path DATA = Path.of("/var/tmp/fleetflash-data");

    @Test
    void theDefaultsAreTheCommandLinesDefaults() {
        EngineSettings e = new EngineSettings(Settings.defaults(DATA));
        assertThat(e.batch()).isEqualTo(BatchSettings.defaults());
        // as the command line's --connect-timeout: one deadline to connect and to log in
        assertThat(e.ssh(SshOptions.DEFAULTS)).isEqualTo(SshOptions.DEFAULTS.withAuthTimeout(Duration.ofSeconds(10)));
        assertThat(e.imageHosting()).isEqualTo(new ImageHosting(0, PassivePorts.ANY, BatchSettings.DEFAULT_CONCURRENCY));
        assertThat(e.bindAddress()).isEmpty();
    }

    @Test
    void changedSettingsReachTheBatchTheSshOptionsAndTheImageServer() {
        Map<SettingKey, String> text = new EnumMap<>(SettingKey.class);
        text.putAll(Map.of(SettingKey.CONCURRENCY, "4", SettingKey.CANARY, "1", SettingKey.MAX_FAILURES, "2",
                SettingKey.STAGE_ALL_FIRST, "true", SettingKey.RETRIES, "3", SettingKey.CONNECT_TIMEOUT, "7", SettingKey.COMMAND_TIMEOUT, "45",
                SettingKey.FTP_PORT, "2153", SettingKey.FTP_PASSIVE_PORTS, "50153-50156", SettingKey.FTP_BIND_ADDRESS, "127.0.53.9"));
        EngineSettings e = new EngineSettings(Settings.check(text, Settings.defaults(DATA), LocalInterfaces.SYSTEM).settings().orElseThrow());

        assertThat(e.batch()).isEqualTo(BatchSettings.defaults().withConcurrency(4).withCanary(1).withMaxFailures(2).withStageAllFirst(true)
                .withRetries(3));
        SshOptions ssh = e.ssh(SshOptions.DEFAULTS.withAcceptNewHostKey(true));
        assertThat(ssh.connectTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(ssh.authTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(ssh.commandDeadline()).isEqualTo(Duration.ofSeconds(45));
        assertThat(ssh.acceptNewHostKey()).as("the caller's host-key policy is kept").isTrue();
        assertThat(e.imageHosting()).isEqualTo(new ImageHosting(2153, PassivePorts.parse("50153-50156"), 4));
        assertThat(e.bindAddress()).map(a -> a.getHostAddress()).contains("127.0.53.9");
    }

    @Test
    void theLoginUsesTheKeyFileWhenOneIsSetAndNeverKeepsThePasswordInTheSettings() {
        Path key = Path.of("/home/tech/.ssh/id_ed25519");
        Credentials withKey = EngineSettings.login("root", Optional.of(key), new char[0]);
        assertThat(withKey).isInstanceOf(Credentials.PrivateKey.class);
        assertThat(((Credentials.PrivateKey) withKey).keyFile()).isEqualTo(key);
        assertThat(((Credentials.PrivateKey) withKey).passphrase().isNone()).isTrue();
        Credentials.PrivateKey withPassphrase = (Credentials.PrivateKey) EngineSettings.login("root", Optional.of(key), "pp".toCharArray());
        assertThat(withPassphrase.passphrase().get()).hasValueSatisfying(p -> assertThat(new String(p)).isEqualTo("pp"));
        Credentials password = EngineSettings.login("admin", Optional.empty(), "secret".toCharArray());
        assertThat(password).isEqualTo(Credentials.Password.of("admin", "secret"));
        assertThat(Settings.defaults(DATA).text().values()).noneMatch(v -> v.contains("secret"));
    }
}

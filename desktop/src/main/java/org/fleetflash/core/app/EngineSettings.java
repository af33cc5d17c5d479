package org.fleetflash.core.app;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.fleetflash.core.batch.BatchSettings;
import org.fleetflash.core.device.Credentials;
import org.fleetflash.core.device.KeyPassphrase;
import org.fleetflash.core.device.SshOptions;
import org.fleetflash.core.settings.Settings;
import org.fleetflash.core.upgrade.ImageHosting;

/**
 * The technician's {@link Settings} as the engine's own settings: a batch's defaults, the SSH deadlines, how the
 * image server listens, the login. It lives here, not beside {@code Settings}, because the engine's packages read
 * the data directory from {@code core.settings}: the settings package may not depend on them in turn.
 *
 * @param settings the checked settings
 */
public record EngineSettings(Settings settings) {

    public EngineSettings {
        Objects.requireNonNull(settings, "settings");
    }

    /** A batch's defaults: routers at once, canary wave, failure budget, stage-all-first, retries. */
    public BatchSettings batch() {
        return BatchSettings.defaults().withConcurrency(settings.concurrency()).withCanary(settings.canary())
                .withMaxFailures(settings.maxFailures()).withStageAllFirst(settings.stageAllFirst()).withRetries(settings.retries());
    }

    /** The SSH deadlines over {@code base} (its host-key and algorithm policy kept): connect and log in, each command. */
    public SshOptions ssh(SshOptions base) {
        return base.withConnectTimeout(settings.connectTimeout()).withAuthTimeout(settings.connectTimeout())
                .withCommandDeadline(settings.commandTimeout());
    }

    /** How the image servers listen: the FTP port and passive range, sized to the batch's routers at once. */
    public ImageHosting imageHosting() {
        return new ImageHosting(settings.ftpPort(), settings.passivePorts(), settings.concurrency());
    }

    /**
     * The laptop address the routers download from and report to, for {@code UpgradeRequest.bind}; empty: the address
     * of each router's SSH connection.
     */
    public Optional<InetAddress> bindAddress() {
        return settings.ftpBind();
    }

    /** The backups to keep per router when old ones are deleted ({@code BackupRetention.candidates}). */
    public int backupsKept() {
        return settings.backupsKept();
    }

    /**
     * The login for {@code user}: with the key file when one is set (its passphrase, if the technician typed one), else
     * with {@code password}.
     *
     * @param secret the password, or the key's passphrase (empty: the key has none); copied, never kept in the settings
     */
    public Credentials login(String user, char[] secret) {
        return login(user, settings.identityFile(), secret);
    }

    /**
     * The login for {@code user}: with {@code keyFile} when given (as the command line's {@code --identity} makes it:
     * the key file and where its passphrase comes from), else with {@code secret} as the password.
     *
     * @param secret the password, or the key's passphrase (empty: the key has none); copied
     */
    public static Credentials login(String user, Optional<Path> keyFile, char[] secret) {
        if (keyFile.isPresent()) {
            KeyPassphrase passphrase = secret.length == 0 ? KeyPassphrase.NONE : KeyPassphrase.of(secret, "the login dialog");
            return new Credentials.PrivateKey(user, keyFile.get(), passphrase);
        }
        return new Credentials.Password(user, secret);
    }
}

package org.fleetflash.core.settings;

import java.util.Optional;

/**
 * One setting of FleetFlash: its name in the settings file, when a change takes effect, and the group the Settings
 * tab shows it in. The file holds text; {@link Settings#check} reads it back.
 */
public enum SettingKey {
    SSH_USER("ssh.user", Effect.NOW),
    IDENTITY_FILE("ssh.identityFile", Effect.NOW),
    FTP_BIND_ADDRESS("ftp.bindAddress", Effect.NEXT_START),
    FTP_PORT("ftp.port", Effect.NEXT_START),
    FTP_PASSIVE_PORTS("ftp.passivePorts", Effect.NEXT_START),
    CONCURRENCY("batch.concurrency", Effect.NOW),
    CANARY("batch.canary", Effect.NOW),
    MAX_FAILURES("batch.maxFailures", Effect.NOW),
    STAGE_ALL_FIRST("batch.stageAllFirst", Effect.NOW),
    RETRIES("batch.retries", Effect.NOW),
    CONNECT_TIMEOUT("timeouts.connectSeconds", Effect.NOW),
    COMMAND_TIMEOUT("timeouts.commandSeconds", Effect.NOW),
    BACKUPS_KEPT("storage.backupsKept", Effect.NOW),
    DATA_DIRECTORY("storage.dataDirectory", Effect.NEXT_START),
    THEME("appearance.theme", Effect.NOW);

    /** When a changed value is used. */
    public enum Effect {
        /** By the next probe, upgrade or prune after Apply. */
        NOW,
        /** At the next start of the window (the image server and the history are opened once, at the start). */
        NEXT_START
    }

    private final String fileKey;
    private final Effect effect;

    SettingKey(String fileKey, Effect effect) {
        this.fileKey = fileKey;
        this.effect = effect;
    }

    /** Its name in the settings file. */
    public String fileKey() {
        return fileKey;
    }

    public Effect effect() {
        return effect;
    }

    /** The setting a file key names, if any (an unknown or old key is none). */
    public static Optional<SettingKey> ofFileKey(String key) {
        for (SettingKey k : values()) {
            if (k.fileKey.equals(key)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}

package org.fleetflash.core.app;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import org.fleetflash.core.device.HostKeyStore;
import org.fleetflash.core.device.SshConnector;
import org.fleetflash.core.upgrade.UpgradeServices;
import org.fleetflash.core.upgrade.ImageHosting;

/**
 * The application's services, made once by its composition root (the command line's {@code main}, the window's
 * start) and handed to everything that needs them: no static service locator. Holds the data directory, the SSH
 * connector, the pinned host keys every connection checks (those of the history the composition root opened) and
 * the upgrade services (event thread, image servers, telemetry receivers); closing it stops them, not the history.
 */
public final class AppServices implements AutoCloseable {

    private final Path dataDirectory;
    private final SshConnector connector;
    private final UpgradeServices upgrades;
    private final HostKeyStore hostKeys;

    private AppServices(Path dataDirectory, SshConnector connector, UpgradeServices upgrades, HostKeyStore hostKeys) {
        this.dataDirectory = dataDirectory;
        this.connector = connector;
        this.upgrades = upgrades;
        this.hostKeys = hostKeys;
    }

    /**
     * Starts the services over an existing data directory.
     *
     * @param hosting  how the image servers listen (port, passive range, routers at once)
     * @param hostKeys the pinned host keys: the store of the history opened on {@code dataDirectory}
     *                 ({@code History.hostKeys()}), so that an upgrade may re-pin the keys its new firmware brings
     */
    public static AppServices start(Path dataDirectory, ImageHosting hosting, HostKeyStore hostKeys) {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(hostKeys, "hostKeys");
        SshConnector connector = SshConnector.start();
        return new AppServices(dataDirectory, connector, new UpgradeServices(connector, dataDirectory.resolve("work"),
                hosting, Clock.systemUTC()), hostKeys);
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    public SshConnector connector() {
        return connector;
    }

    public UpgradeServices upgrades() {
        return upgrades;
    }

    /** The pinned host keys every connection of the application checks. */
    public HostKeyStore hostKeys() {
        return hostKeys;
    }

    @Override
    public void close() {
        upgrades.close();
        connector.close();
    }
}

package org.fleetflash.core.app;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import org.fleetflash.core.device.SshConnector;
import org.fleetflash.core.upgrade.UpgradeServices;
import org.fleetflash.core.upgrade.ImageHosting;

/**
 * The application's services, made once by its composition root (the command line's {@code main}, the window's
 * start) and handed to everything that needs them: no static service locator. Holds the data directory, the SSH
 * connector, and the upgrade services (event thread, image servers, telemetry receivers); closing it stops them.
 */
public final class AppServices implements AutoCloseable {

    private final Path dataDirectory;
    private final SshConnector connector;
    private final UpgradeServices upgrades;

    private AppServices(Path dataDirectory, SshConnector connector, UpgradeServices upgrades) {
        this.dataDirectory = dataDirectory;
        this.connector = connector;
        this.upgrades = upgrades;
    }

    /**
     * Starts the services over an existing data directory.
     *
     * @param hosting how the image servers listen (port, passive range, routers at once)
     */
    public static AppServices start(Path dataDirectory, ImageHosting hosting) {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        SshConnector connector = SshConnector.start();
        return new AppServices(dataDirectory, connector, new UpgradeServices(connector, dataDirectory.resolve("work"),
                hosting, Clock.systemUTC()));
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

    @Override
    public void close() {
        upgrades.close();
        connector.close();
    }
}

package org.fleetflash.core.history;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationVersion;
import org.fleetflash.core.settings.DataDirectory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The history's SQLite file: how a connection is opened (WAL journal, full sync at every commit, foreign keys,
 * writes that wait for each other instead of failing) and how the schema is brought up to date (Flyway, the
 * scripts in {@code org/fleetflash/core/history/migration}).
 */
final class Database {

    /** The schema version this FleetFlash writes; {@code V<n>__*.sql} scripts up to it are applied at open. */
    static final String LATEST_VERSION = "4";
    static final String MIGRATIONS = "classpath:org/fleetflash/core/history/migration";
    private static final int BUSY_TIMEOUT_MS = 10_000;

    private final Path file;
    private final SQLiteDataSource dataSource;

    private Database(Path file, boolean readOnly) {
        this.file = file;
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        config.setReadOnly(readOnly);
        dataSource = new SQLiteDataSource(config);
        dataSource.setUrl("jdbc:sqlite:" + file);
    }

    /**
     * The database in {@code file}, created owner-only (mode 600; SQLite gives its {@code -wal} and {@code -shm}
     * files the same mode) when missing.
     */
    static Database openOrCreate(Path file) throws IOException {
        DataDirectory.ownerOnlyFile(file);
        Database db = new Database(file, false);
        try (Connection c = db.connect()) {
            c.createStatement().close(); // the journal mode is set as the connection opens
        } catch (SQLException e) {
            throw new IOException("Cannot open the history " + file + ": " + e.getMessage(), e);
        }
        return db;
    }

    /** The existing database in {@code file}, for reading while another FleetFlash writes it. */
    static Database openReadOnly(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("There is no history yet in " + file.getParent() + ".");
        }
        return new Database(file, true);
    }

    Path file() {
        return file;
    }

    Connection connect() throws SQLException {
        return dataSource.getConnection();
    }

    /**
     * Brings the schema to {@code target} (normally {@link #LATEST_VERSION}); returns the version it has then. A file
     * whose schema history already ends at {@code target} with every migration a success is left as it is without
     * starting Flyway, which costs most commands and the window half a second or more of class loading; anything else
     * (a new file, an older or newer schema, a failed migration) goes to Flyway, which migrates, validates or refuses.
     */
    String migrate(String target) throws IOException {
        if (cleanlyAt(target)) {
            return target;
        }
        try {
            Flyway flyway = Flyway.configure(Database.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations(MIGRATIONS)
                    .target(MigrationVersion.fromVersion(target))
                    .validateMigrationNaming(true)
                    .load();
            flyway.migrate();
            return flyway.info().current().getVersion().getVersion();
        } catch (FlywayException e) {
            throw new IOException("Cannot bring the history " + file + " to schema version " + target + ": " + e.getMessage(), e);
        }
    }

    /** Whether Flyway's schema history says the schema is at {@code target}, every migration applied successfully. */
    boolean cleanlyAt(String target) {
        try (Connection c = connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM flyway_schema_history WHERE NOT success),"
                     + " (SELECT version FROM flyway_schema_history WHERE version IS NOT NULL"
                     + " ORDER BY installed_rank DESC LIMIT 1)")) {
            return rs.next() && rs.getInt(1) == 0 && target.equals(rs.getString(2));
        } catch (SQLException e) {
            return false; // no schema history yet (a new file), or one Flyway should look at
        }
    }
}

package org.fleetflash.core.history;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.fleetflash.agent.protocol.DeviceFacts;
import org.fleetflash.core.device.SshTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routers of the history as a fleet list that outlives the window: every router added by address, found by a scan,
 * probed or upgraded, with what it last reported, until the technician removes it from the list. Removing keeps the
 * router's row and its attempts (the history stays whole); the router is listed again once it is added, found, probed
 * or upgraded again. Each method opens a connection of its own and waits for the history's other writers (the busy
 * timeout): slow, never on the FX thread.
 */
public final class FleetRecords {

    private static final Logger LOG = LoggerFactory.getLogger(FleetRecords.class);

    /**
     * One listed router.
     *
     * @param lastOutcome the outcome of its newest attempt ({@link AttemptRecord#outcomeOrRunning()}), empty without one
     */
    public record Listed(SshTarget target, Optional<String> hostname, Optional<String> model, Optional<String> architecture,
            Optional<String> firmware, Optional<String> lastOutcome) {}

    private final Database db;

    FleetRecords(Database db) {
        this.db = db;
    }

    /**
     * The listed routers, in the order they were first seen. The firmware is the version the router last reported; for
     * a router last seen by an older FleetFlash (which kept no such version), the version its newest attempt found.
     */
    public List<Listed> listed() throws IOException {
        String sql = "SELECT r.host, r.port, r.hostname, r.model, r.architecture, r.firmware, a.outcome, a.interrupted_at, "
                + "a.old_version, a.new_version, a.id FROM routers r LEFT JOIN attempts a ON a.id = (SELECT x.id FROM attempts x "
                + "WHERE x.router_id = r.id ORDER BY x.started_at DESC, x.rowid DESC LIMIT 1) WHERE r.removed_at IS NULL "
                + "ORDER BY r.first_seen, r.id";
        List<Listed> out = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                SshTarget target;
                try {
                    target = new SshTarget(rs.getString(1), rs.getInt(2));
                } catch (IllegalArgumentException e) {
                    LOG.debug("Skipping a history router that is no address: {}:{}", rs.getString(1), rs.getInt(2));
                    continue;
                }
                Optional<String> outcome = Optional.empty();
                Optional<String> firmware = History.text(rs, 6);
                if (rs.getString(11) != null) {
                    Optional<String> ended = History.text(rs, 7);
                    rs.getLong(8);
                    outcome = Optional.of(AttemptRecord.outcomeOrRunning(ended, !rs.wasNull()));
                    if (firmware.isEmpty()) {
                        firmware = History.text(rs, ended.filter("SUCCEEDED"::equals).isPresent() ? 10 : 9);
                    }
                }
                out.add(new Listed(target, History.text(rs, 3), History.text(rs, 4), History.text(rs, 5), firmware, outcome));
            }
        } catch (SQLException e) {
            throw new IOException("Cannot read the routers of the history " + db.file() + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** Lists {@code targets} (added by address or found by a scan): recorded if new, listed again if removed. */
    public void remember(Collection<SshTarget> targets, Instant at) throws IOException {
        write("record the routers added to the fleet", c -> {
            for (SshTarget t : targets) {
                Rows.routerId(c, t.host(), t.port(), at);
            }
        });
    }

    /** Records what a probe of {@code target} read (the window's or the command line's) and lists it. */
    public void probed(SshTarget target, DeviceFacts facts, Instant at) throws IOException {
        write("record what the probe of " + target.hostPort() + " read", c -> {
            long id = Rows.routerId(c, target.host(), target.port(), at);
            Rows.update(c, "UPDATE routers SET hostname = ?, model = ?, architecture = ?, firmware = COALESCE(?, firmware) WHERE id = ?",
                    Rows.routerText(facts.hostname()), Rows.routerText(facts.model()), Rows.routerText(architectureOf(facts)),
                    Rows.routerText(facts.firmwareVersion().orElse(null)), id);
        });
    }

    /** Takes {@code targets} off the list; their rows and attempts stay in the history. */
    public void remove(Collection<SshTarget> targets, Instant at) throws IOException {
        write("remove routers from the fleet", c -> {
            for (SshTarget t : targets) {
                Rows.update(c, "UPDATE routers SET removed_at = ? WHERE host = ? AND port = ?", at.toEpochMilli(), t.host(), t.port());
            }
        });
    }

    /** The architecture a router's row shows and keeps: its {@code hw.machine_arch} where it said, else {@code hw.machine}. */
    public static String architectureOf(DeviceFacts f) {
        return f.machineArch().isBlank() ? f.arch() : f.machineArch();
    }

    @FunctionalInterface
    private interface Step {
        void run(Connection c) throws SQLException;
    }

    private void write(String what, Step step) throws IOException {
        try (Connection c = db.connect()) {
            Rows.inTransaction(c, tx -> {
                step.run(tx);
                return null;
            });
        } catch (SQLException e) {
            throw new IOException("Cannot " + what + " in the history " + db.file() + ": " + e.getMessage(), e);
        }
    }
}

package org.fleetflash.core.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;

import org.fleetflash.core.text.Sanitize;

/** Statements that the writer, the host-key store and the queries share. */
final class Rows {

    /** How much of a router's text (model, version, a note) is kept. */
    static final int MAX_TEXT = 2000;

    private Rows() {
    }

    /**
     * The router at {@code host:port}, created when first seen; its last-seen time moved to {@code at}, and listed in the
     * fleet again if it was removed from it ({@link FleetRecords}).
     */
    static long routerId(Connection c, String host, int port, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO routers (host, port, first_seen, last_seen) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (host, port) DO UPDATE SET last_seen = MAX(last_seen, excluded.last_seen), removed_at = NULL")) {
            ps.setString(1, host);
            ps.setInt(2, port);
            ps.setLong(3, at.toEpochMilli());
            ps.setLong(4, at.toEpochMilli());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM routers WHERE host = ? AND port = ?")) {
            ps.setString(1, host);
            ps.setInt(2, port);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** A router's text made safe to keep: bounded and with control and format characters escaped. */
    static String routerText(String text) {
        return text == null ? null : Sanitize.line(text, MAX_TEXT);
    }

    /** Work inside one transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException, java.io.IOException;
    }

    /**
     * Runs {@code work} in one write transaction ({@code BEGIN IMMEDIATE}: it waits for another writer up to the busy
     * timeout instead of failing half-way), committed when it returns, rolled back when it throws. The connection
     * stays in auto-commit mode between transactions, so an idle connection holds no lock.
     */
    static <T> T inTransaction(Connection c, Work<T> work) throws SQLException, java.io.IOException {
        try (java.sql.Statement st = c.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
        }
        boolean done = false;
        try {
            T result = work.run(c);
            try (java.sql.Statement st = c.createStatement()) {
                st.execute("COMMIT");
            }
            done = true;
            return result;
        } finally {
            if (!done) {
                try (java.sql.Statement st = c.createStatement()) {
                    st.execute("ROLLBACK");
                } catch (SQLException e) {
                    // nothing was open any more: SQLite rolled back itself
                }
            }
        }
    }

    /** Runs {@code sql} with {@code args} (null becomes SQL NULL); returns the rows changed. */
    static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        }
    }

    /** Sets the parameters of {@code ps} to {@code args}: null as SQL NULL, an instant as epoch milliseconds, a boolean as 0/1. */
    static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == null) {
                ps.setNull(i + 1, Types.NULL);
            } else if (a instanceof Instant t) {
                ps.setLong(i + 1, t.toEpochMilli());
            } else if (a instanceof Boolean b) {
                ps.setInt(i + 1, b ? 1 : 0);
            } else {
                ps.setObject(i + 1, a);
            }
        }
    }
}

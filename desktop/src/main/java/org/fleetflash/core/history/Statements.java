package org.fleetflash.core.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The history writer's prepared statements, each made once per SQL text and kept for the life of its connection: the
 * writer runs the same few dozen statements for every router, and SQLite compiling each anew was almost half of what a
 * write cost (batch bench profile). One thread uses it, the writer's.
 */
final class Statements implements AutoCloseable {

    private final Connection connection;
    private final Map<String, PreparedStatement> made = new HashMap<>();

    Statements(Connection connection) {
        this.connection = connection;
    }

    /** Runs {@code sql} with {@code args}, as {@link Rows#update} does; returns the rows changed. */
    int update(String sql, Object... args) throws SQLException {
        PreparedStatement ps = prepared(sql);
        try {
            Rows.bind(ps, args);
            return ps.executeUpdate();
        } finally {
            ps.clearParameters();
        }
    }

    /** The statement for {@code sql}, made at its first use. */
    PreparedStatement prepared(String sql) throws SQLException {
        PreparedStatement ps = made.get(sql);
        if (ps == null || ps.isClosed()) {
            ps = connection.prepareStatement(sql);
            made.put(sql, ps);
        }
        return ps;
    }

    @Override
    public void close() {
        for (PreparedStatement ps : made.values()) {
            try {
                ps.close();
            } catch (SQLException e) {
                // the connection closes next, and every statement with it
            }
        }
        made.clear();
    }
}

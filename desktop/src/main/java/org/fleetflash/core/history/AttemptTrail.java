package org.fleetflash.core.history;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.fleetflash.core.text.Sanitize;

/**
 * What the history keeps of one attempt beside its report row: its transcript (the checks and the agent's own
 * lines, in order) and whether its partition backups were pruned. Read for the window's detail of one attempt;
 * every text is escaped ({@link Sanitize#escape}) on the way in, whatever wrote it.
 *
 * @param transcript       oldest first
 * @param backupsPrunedAt  when {@code history prune} deleted the attempt's backup files
 */
public record AttemptTrail(List<Line> transcript, Optional<Instant> backupsPrunedAt) {

    /** At most this many transcript lines are read (the newest are dropped beyond it); a real attempt has a few hundred. */
    public static final int MAX_LINES = 20_000;

    public AttemptTrail {
        transcript = List.copyOf(transcript);
    }

    /**
     * One line of the transcript.
     *
     * @param phase the phase it was written in, when known
     * @param level {@code INFO}, {@code WARNING}, {@code DETAIL} (the agent's own words) or a newer level
     */
    public record Line(Instant at, Optional<String> phase, String level, String text) {
    }

    /** The read of attempt {@code attemptId}'s trail; an unknown attempt has an empty one. */
    public static History.Query<AttemptTrail> of(String attemptId) {
        return c -> {
            List<Line> lines = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT at, phase, level, text FROM transcript_lines WHERE attempt_id = ? "
                    + "ORDER BY at, id LIMIT " + MAX_LINES)) {
                ps.setString(1, attemptId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        lines.add(new Line(Instant.ofEpochMilli(rs.getLong(1)), Optional.ofNullable(rs.getString(2)).map(AttemptTrail::clean),
                                clean(rs.getString(3)), clean(rs.getString(4))));
                    }
                }
            }
            Optional<Instant> pruned = Optional.empty();
            try (PreparedStatement ps = c.prepareStatement("SELECT backup_pruned_at FROM attempts WHERE id = ?")) {
                ps.setString(1, attemptId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        long at = rs.getLong(1);
                        pruned = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(at));
                    }
                }
            }
            return new AttemptTrail(lines, pruned);
        };
    }

    private static String clean(String text) {
        return text == null ? "" : Sanitize.escape(text, false);
    }
}

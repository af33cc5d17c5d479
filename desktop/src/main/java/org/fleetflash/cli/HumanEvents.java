package org.fleetflash.cli;

import java.util.HashMap;
import java.util.Map;
import org.fleetflash.core.text.Sanitize;
import org.fleetflash.core.upgrade.FailureCode;
import org.fleetflash.core.upgrade.Outcome;
import org.fleetflash.core.upgrade.UpgradeEvent;

/**
 * Upgrade events as terminal lines, one per phase change, note and result, progress once per tenth; every string
 * from a router escaped and bounded. Used on the event thread only.
 */
final class HumanEvents {

    private final Map<String, String> lastProgress = new HashMap<>();

    /** The line for {@code e}, or null when it adds nothing a reader needs. */
    String line(UpgradeEvent e) {
        String r = e.router();
        if (e instanceof UpgradeEvent.PhaseChanged p) {
            return String.format("%s  %s", r, p.to());
        }
        if (e instanceof UpgradeEvent.Transfer t) {
            return progress(e, t.phase().name(), t.bytes(), t.total(), "bytes " + Sanitize.line(t.item(), 64)
                    + (t.bytesPerSecond() > 0 ? " " + Sizes.human(t.bytesPerSecond()) + "/s" : ""));
        }
        if (e instanceof UpgradeEvent.BlockFlashed b) {
            return progress(e, "FLASH", b.block() + 1, b.blocks(), "blocks (" + b.action().name().toLowerCase(java.util.Locale.ROOT)
                    + ")");
        }
        if (e instanceof UpgradeEvent.Note n) {
            if (n.level() == UpgradeEvent.Note.Level.DETAIL) {
                return null; // the agent's own words: in the history's transcript, not on the terminal
            }
            return String.format("%s    %s%s", r, n.level() == UpgradeEvent.Note.Level.WARNING ? "warning: " : "",
                    Sanitize.line(n.text(), Failures.MAX_MESSAGE));
        }
        if (e instanceof UpgradeEvent.Returned ret) {
            return String.format("%s    back, running %s", r, Sanitize.line(ret.firmwareVersion().orElse("(version not reported)")));
        }
        if (e instanceof UpgradeEvent.Finished f) {
            return String.format("%s  %s%s: %s", r, f.result().outcome(),
                    f.result().outcome() == Outcome.SUCCEEDED && f.result().code() == FailureCode.OK ? ""
                            : " (" + f.result().code() + ")", Sanitize.line(f.result().message(), Failures.MAX_MESSAGE));
        }
        return null;
    }

    /** One line per tenth of a phase's progress, so a terminal log stays readable. */
    private String progress(UpgradeEvent e, String phase, long done, long total, String what) {
        String key = phase + ":" + (total > 0 ? done * 10 / total : done);
        if (key.equals(lastProgress.get(e.attempt().attemptId())) && done != total) {
            return null;
        }
        lastProgress.put(e.attempt().attemptId(), key);
        return String.format("%s    %s %d/%d %s", e.router(), phase, done, total, what);
    }
}

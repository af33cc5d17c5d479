package org.fleetflash.ui.batch;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.fleetflash.core.batch.BatchTotals;
import org.fleetflash.ui.support.ByteSizes;

/**
 * A batch's totals in one line for the dashboard's header, {@code 34/40 done · 31 ✓ 2 ⚠ 1 ✗ · 48 MB/s · ETA 4 min},
 * and in words for its tooltip and for screen readers. The symbols stand for upgraded (✓), failed safe (⚠, the
 * router runs its old firmware) and needs attention (✗). Pure functions.
 */
public final class BatchLine {

    private BatchLine() {
    }

    /**
     * The one-line summary.
     *
     * @param totals         the batch's newest totals
     * @param bytesPerSecond the image server's recent rate (0 when nothing is downloading)
     * @param remainingBytes image bytes still to be downloaded by the routers that have not finished theirs
     */
    public static String line(BatchTotals totals, long bytesPerSecond, long remainingBytes) {
        return String.format(Locale.ROOT, "%d/%d done · %d ✓ %d ⚠ %d ✗ · %s · %s", totals.finished(), totals.routers(),
                totals.succeeded(), totals.failedSafe(), totals.needsAttention(), rate(bytesPerSecond),
                etaText(eta(totals, bytesPerSecond, remainingBytes)));
    }

    /** The same in words: {@code 34 of 40 routers done: 31 upgraded, 2 failed safe, 1 needs attention; 6 running}. */
    public static String words(BatchTotals totals) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%d of %d routers done: %d upgraded", totals.finished(),
                totals.routers(), totals.succeeded()));
        if (totals.upToDate() > 0) {
            s.append(String.format(Locale.ROOT, " (%d already up to date)", totals.upToDate()));
        }
        s.append(String.format(Locale.ROOT, ", %d failed safe, %d %s; %d running, %d waiting", totals.failedSafe(),
                totals.needsAttention(), totals.needsAttention() == 1 ? "needs attention" : "need attention", totals.running(),
                totals.waiting()));
        return s.toString();
    }

    /** A rate as the line shows it: {@code 48 MB/s}, or {@code — MB/s} when nothing moves. */
    public static String rate(long bytesPerSecond) {
        return bytesPerSecond <= 0 ? "no download" : ByteSizes.human(bytesPerSecond) + "/s";
    }

    /**
     * The time left: the remaining bytes at the recent rate while routers download (or the engine's own estimate
     * when that is longer, since flashing and reboots follow the downloads); otherwise the engine's estimate; unknown
     * without either. Nobody running or waiting is no time at all.
     */
    public static Optional<Duration> eta(BatchTotals totals, long bytesPerSecond, long remainingBytes) {
        if (totals.running() == 0 && totals.waiting() == 0) {
            return Optional.of(Duration.ZERO);
        }
        if (bytesPerSecond > 0 && remainingBytes > 0) {
            Duration downloads = Duration.ofMillis(Math.max(1000, (long) Math.ceil(remainingBytes * 1000.0 / bytesPerSecond)));
            // the downloads are a lower bound: flashing and reboots come after them, which the engine's estimate counts
            return Optional.of(totals.eta().filter(e -> e.compareTo(downloads) > 0).orElse(downloads));
        }
        return totals.eta();
    }

    /** {@code ETA 4 min}, {@code ETA 45 s}, {@code ETA 1 h 5 min}, {@code ETA 2 h}, {@code ETA unknown}, {@code finished}. */
    public static String etaText(Optional<Duration> eta) {
        if (eta.isEmpty()) {
            return "ETA unknown";
        }
        long s = eta.get().toSeconds();
        if (s <= 0) {
            return "finished";
        }
        if (s < 60) {
            return "ETA " + s + " s";
        }
        long min = (s + 30) / 60;
        if (min < 60) {
            return "ETA " + min + " min";
        }
        return "ETA " + min / 60 + " h" + (min % 60 == 0 ? "" : " " + min % 60 + " min");
    }
}

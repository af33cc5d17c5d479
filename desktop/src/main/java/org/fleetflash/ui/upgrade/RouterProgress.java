package org.fleetflash.ui.upgrade;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.fleetflash.core.upgrade.FailureCode;
import org.fleetflash.core.upgrade.Outcome;
import org.fleetflash.core.upgrade.Phase;
import org.fleetflash.core.upgrade.UpgradeEvent;
import org.fleetflash.ui.support.ByteSizes;

/**
 * One router's upgrade as the fleet table shows it, folded from its engine events on the engine's event thread (no
 * JavaFX here): each event gives a whole new {@link Snapshot}, which the window's event pump carries to the row a few
 * times a second. The bar moves forward only: each phase owns a slice of it, and the phases that count bytes or
 * blocks fill their slice as they go.
 */
final class RouterProgress {

    /**
     * What the row shows.
     *
     * @param phase    the phase now (null before the first)
     * @param fraction the bar, 0..1
     * @param detail   the phase and its figures: {@code DOWNLOAD 3.1 of 7.6 MB · 2.4 MB/s · ETA 2 s}
     * @param past     whether the router is past the point of no return (it cannot be cancelled)
     * @param outcome  how it ended, once it did
     * @param code     why it ended so (OK while it runs)
     * @param message  the engine's sentence once it ended: what happened and what to do
     * @param firmware the version the router runs after a successful upgrade
     */
    record Snapshot(Phase phase, double fraction, String detail, boolean past, Optional<Outcome> outcome, FailureCode code,
            String message, Optional<String> firmware) {

        /** The safety word beside the bar. */
        String safety() {
            if (outcome.isPresent()) {
                return "";
            }
            return past ? "flashing on its own — do not power off" : "safe to cancel";
        }
    }

    private Phase phase;
    private double fraction;
    private String detail = "waiting to start";
    private Instant flashStarted;
    private Optional<String> firmware = Optional.empty();

    /** The snapshot after {@code e}, or empty when {@code e} changes nothing the row shows. */
    Optional<Snapshot> on(UpgradeEvent e) {
        if (e instanceof UpgradeEvent.Started) {
            phase = null;
            fraction = 0;
            detail = "starting";
            flashStarted = null;
            firmware = Optional.empty();
        } else if (e instanceof UpgradeEvent.PhaseChanged p) {
            phase = p.to();
            fraction = Math.max(fraction, start(p.to()));
            detail = words(p.to());
            if (p.to() == Phase.FLASH) {
                flashStarted = p.at();
            }
        } else if (e instanceof UpgradeEvent.Transfer t && t.total() > 0) {
            double part = Math.min(1.0, (double) t.bytes() / t.total());
            fraction = Math.max(fraction, within(t.phase(), part));
            String rate = t.bytesPerSecond() > 0 ? " · " + ByteSizes.human(t.bytesPerSecond()) + "/s" : "";
            String eta = t.bytesPerSecond() > 0 && t.bytes() < t.total()
                    ? " · ETA " + duration(Duration.ofMillis(1000L * (t.total() - t.bytes()) / t.bytesPerSecond())) : "";
            detail = t.phase() + " " + ByteSizes.human(t.bytes()) + " of " + ByteSizes.human(t.total()) + rate + eta;
        } else if (e instanceof UpgradeEvent.BlockFlashed b && b.blocks() > 0) {
            long done = b.block() + 1;
            fraction = Math.max(fraction, within(Phase.FLASH, (double) done / b.blocks()));
            String eta = "";
            if (flashStarted != null && done < b.blocks()) {
                long spent = Duration.between(flashStarted, b.at()).toMillis();
                if (spent > 0) {
                    eta = " · ETA " + duration(Duration.ofMillis(spent * (b.blocks() - done) / done));
                }
            }
            detail = "FLASH block " + done + " of " + b.blocks() + eta;
        } else if (e instanceof UpgradeEvent.Returned r) {
            firmware = r.firmwareVersion();
            detail = "READ_BACK: the router is back" + r.firmwareVersion().map(v -> " with " + v).orElse("");
        } else if (e instanceof UpgradeEvent.Finished f) {
            return Optional.of(new Snapshot(f.result().phase(), f.result().outcome() == Outcome.SUCCEEDED ? 1.0 : fraction,
                    f.result().outcome() + (f.result().code() == FailureCode.OK ? "" : " · " + f.result().code()), false,
                    Optional.of(f.result().outcome()), f.result().code(), f.result().message(), firmware));
        } else {
            return Optional.empty();
        }
        return Optional.of(new Snapshot(phase, fraction, detail, phase != null && phase.pastPointOfNoReturn(), Optional.empty(),
                FailureCode.OK, "", firmware));
    }

    /** Where each phase's slice of the bar starts (the next phase's start is where it ends). */
    static double start(Phase p) {
        return switch (p) {
            case CONNECT -> 0.00;
            case UPLOAD_AGENT -> 0.01;
            case PROBE -> 0.02;
            case PLAN -> 0.03;
            case BACKUP -> 0.04;
            case PREFLIGHT -> 0.20;
            case DOWNLOAD -> 0.22;
            case VERIFY_IMAGE -> 0.50;
            case STAGED -> 0.54;
            case COMMIT -> 0.55;
            case FLASH -> 0.58;
            case VERIFY_FLASH -> 0.86;
            case REBOOT -> 0.88;
            case RETURN -> 0.90;
            case READ_BACK -> 0.97;
            case VERIFIED -> 1.00;
        };
    }

    private static double within(Phase p, double part) {
        Phase[] all = Phase.values();
        double end = p.ordinal() + 1 < all.length ? start(all[p.ordinal() + 1]) : 1.0;
        return start(p) + (end - start(p)) * part;
    }

    private static String words(Phase p) {
        return switch (p) {
            case CONNECT -> "CONNECT: logging in";
            case UPLOAD_AGENT -> "UPLOAD_AGENT: sending the agent";
            case PROBE -> "PROBE: reading the router";
            case PLAN -> "PLAN: checking the image";
            case BACKUP -> "BACKUP: copying the flash";
            case PREFLIGHT -> "PREFLIGHT: the router's own checks";
            case DOWNLOAD -> "DOWNLOAD: starting";
            case VERIFY_IMAGE -> "VERIFY_IMAGE: checking the staged image";
            case STAGED -> "STAGED: ready to commit";
            case COMMIT -> "COMMIT: rerooting into memory";
            case FLASH -> "FLASH: writing";
            case VERIFY_FLASH -> "VERIFY_FLASH: the flasher reads back";
            case REBOOT -> "REBOOT: into the new firmware";
            case RETURN -> "RETURN: waiting for the router";
            case READ_BACK -> "READ_BACK: comparing the flash";
            case VERIFIED -> "VERIFIED";
        };
    }

    /** {@code 42 s}, {@code 3 min 5 s}, {@code 1 h 2 min}. */
    static String duration(Duration d) {
        long s = Math.max(0, (d.toMillis() + 999) / 1000);
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d min %d s", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d h %d min", s / 3600, s % 3600 / 60);
    }
}

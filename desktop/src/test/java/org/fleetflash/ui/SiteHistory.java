package org.fleetflash.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.fleetflash.core.batch.BatchEvent;
import org.fleetflash.core.batch.BatchSettings;
import org.fleetflash.core.batch.BatchTotals;
import org.fleetflash.core.history.History;
import org.fleetflash.core.history.HistoryWriter;
import org.fleetflash.core.history.report.HostileHistory;
import org.fleetflash.core.upgrade.AttemptRef;
import org.fleetflash.core.upgrade.FailureCode;
import org.fleetflash.core.upgrade.Outcome;
import org.fleetflash.core.upgrade.Phase;
import org.fleetflash.core.upgrade.UpgradeEvent;
import org.fleetflash.core.upgrade.UpgradeResult;
import org.fleetflash.core.history.AttemptEvents;

/**
 * An ordinary site visit as the history records it (the site of the sample report in the docs): eight routers, most
 * upgraded, one already up to date, one whose download was cut, one that did not come back. What the user guide's
 * picture of the History tab shows; the hostile strings of {@link HostileHistory} are for the tests, not for the guide.
 */
final class SiteHistory {

    static final Instant T0 = Instant.parse("2026-11-30T08:00:00Z");
    static final String BATCH = "batch-20261130-riverside";
    static final String CUT = "192.0.2.3:22";
    static final String SILENT = "192.0.2.6:22";

    private SiteHistory() {
    }

    /** Writes the visit into {@code dir}/data (the history a window fixture on {@code dir} opens). */
    static void write(Path dir) throws Exception {
        Path image = dir.resolve("fleetflash-11.0-r200-tl-wdr.bin");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(7_602_176); // the size of a TL-WDR image; its bytes do not matter here
        }
        Path backups = dir.resolve("data").resolve("backups");
        try (History history = History.open(HostileHistory.data(dir))) {
            HistoryWriter w = history.writer();
            List<AttemptRef> refs = new ArrayList<>();
            for (int i = 1; i <= 8; i++) {
                refs.add(AttemptEvents.ref("att-site-" + i, BATCH, "192.0.2." + i, 22));
            }
            w.onBatch(new BatchEvent.Started(BATCH, T0, refs.stream().map(AttemptRef::router).toList(), BatchSettings.defaults()));
            w.labelBatch(BATCH, "Dana Novak", "Riverside Clinic, building B", T0);
            for (int i = 1; i <= 8; i++) {
                AttemptRef ref = refs.get(i - 1);
                Instant start = T0.plusSeconds(37L * i);
                String model = i % 3 == 0 ? "TL-WDR4300" : "TL-WDR3600";
                List<UpgradeEvent> events = i == 8 ? AttemptEvents.alreadyUpToDate(ref, start, image)
                        : i == 3 ? AttemptEvents.failedInDownload(ref, start, image)
                        : AttemptEvents.succeeded(ref, start, image, backups.resolve("tl-wdr_192.0.2." + i + "_22_20261130"));
                for (UpgradeEvent e : events) {
                    if (i == 6 && e instanceof UpgradeEvent.Returned r) {
                        // the router never answered after its reboot
                        w.on(new UpgradeEvent.Note(r.attempt(), r.at(), Phase.RETURN, UpgradeEvent.Note.Level.INFO, "flasher: 16 of 16"
                                + " blocks written, rebooting"));
                        w.on(new UpgradeEvent.Note(r.attempt(), r.at().plusSeconds(600), Phase.RETURN, UpgradeEvent.Note.Level.WARNING,
                                "no answer on " + SILENT + " for 10 min after the reboot"));
                        break;
                    }
                    w.on(ordinary(e, model, i));
                }
                if (i == 6) {
                    w.on(silent(events, ref));
                }
            }
            w.onBatch(new BatchEvent.Finished(BATCH, T0.plusSeconds(600), List.of(), new BatchTotals(8, 6, 1, 1, 0, 0, 0, 6L << 20, 50,
                    30, Duration.ofSeconds(600), Optional.empty())));
            assertThat(w.awaitWritten(Duration.ofSeconds(20))).isTrue();
            assertThat(w.failedWrites()).isZero();
        }
    }

    /** The event as an ordinary router of the site reports it: its model, real-looking digests, plain sentences. */
    private static UpgradeEvent ordinary(UpgradeEvent e, String model, int i) {
        if (e instanceof UpgradeEvent.Probed p) {
            return new UpgradeEvent.Probed(p.attempt(), p.at(), AttemptEvents.facts(model, i == 8 ? "11.0-r200" : "11.0-r100",
                    "clinic-b-ap" + i));
        }
        if (e instanceof UpgradeEvent.BackedUp b) {
            return new UpgradeEvent.BackedUp(b.attempt(), b.at(), b.directory(), b.partitions().stream().map(p -> new UpgradeEvent
                    .PartitionBackup(p.partition(), p.file(), p.size(), digest(p.partition() + i))).toList());
        }
        if (e instanceof UpgradeEvent.Note n && n.level() == UpgradeEvent.Note.Level.WARNING) {
            return new UpgradeEvent.Note(n.attempt(), n.at(), n.phase(), n.level(), "the download stopped after 256 KB: the router"
                    + " closed the connection");
        }
        if (e instanceof UpgradeEvent.Finished f && f.result().outcome() == Outcome.FAILED_SAFE) {
            return finished(f, Outcome.FAILED_SAFE, f.result().phase(), FailureCode.DOWNLOAD_FAILED, "The router stopped answering"
                    + " during the download. Nothing was written to its flash: it runs as before. Check its power and cable, then"
                    + " Retry failed.");
        }
        if (e instanceof UpgradeEvent.Finished f && f.result().code() == FailureCode.OK) {
            return finished(f, Outcome.SUCCEEDED, f.result().phase(), FailureCode.OK, "Upgraded: the router came back and its flash"
                    + " matches the image.");
        }
        return e;
    }

    /** The end of the attempt whose router did not come back after its reboot. */
    private static UpgradeEvent silent(List<UpgradeEvent> events, AttemptRef ref) {
        UpgradeEvent.Finished f = (UpgradeEvent.Finished) events.get(events.size() - 1);
        Instant at = events.stream().filter(UpgradeEvent.Returned.class::isInstance).findFirst().orElseThrow().at().plusSeconds(600);
        return finished(new UpgradeEvent.Finished(f.attempt(), at, f.result()), Outcome.NEEDS_ATTENTION, Phase.RETURN,
                FailureCode.NO_RETURN, "The router did not answer within 10 min after its reboot; its last report: all 16 blocks"
                        + " flashed, rebooting. It may still be starting: wait a few minutes, then probe it. If it stays silent, it"
                        + " needs its console; its backup is listed below.");
    }

    private static UpgradeEvent.Finished finished(UpgradeEvent.Finished f, Outcome outcome, Phase phase, FailureCode code, String message) {
        UpgradeResult r = f.result();
        return new UpgradeEvent.Finished(f.attempt(), f.at(), new UpgradeResult(r.attempt(), outcome, phase, code, message, r.plan(),
                r.backup(), r.written(), r.same(), r.image(), r.imageForced(), r.bytesDownloaded(), Duration.between(T0, f.at())
                        .minusSeconds(37L * Integer.parseInt(r.attempt().attemptId().replace("att-site-", "")))));
    }

    private static String digest(String seed) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

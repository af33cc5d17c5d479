package org.fleetflash.core.history.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.fleetflash.core.batch.BatchEvent;
import org.fleetflash.core.batch.BatchSettings;
import org.fleetflash.core.batch.BatchTotals;
import org.fleetflash.core.device.SshTarget;
import org.fleetflash.core.history.AttemptEvents;
import org.fleetflash.core.history.History;
import org.fleetflash.core.history.HistoryHostKeyStore;
import org.fleetflash.core.history.HistoryWriter;
import org.fleetflash.core.settings.DataDirectory;
import org.fleetflash.core.upgrade.AttemptRef;
import org.fleetflash.core.upgrade.FailureCode;
import org.fleetflash.core.upgrade.Outcome;
import org.fleetflash.core.upgrade.Phase;
import org.fleetflash.core.upgrade.UpgradeEvent;
import org.fleetflash.core.upgrade.UpgradeResult;

/**
 * A real history written through the history writer, with every outcome and router text meant to do harm in a
 * spreadsheet, a terminal or a PDF: what the report tests read back.
 */
public final class HostileHistory {

    public static final Instant T0 = Instant.parse("2026-11-30T09:00:00Z");
    public static final String FORMULA = "=HYPERLINK(\"http://x\")";
    public static final String PLUS = "+1";
    public static final String AT_SUM = "@SUM(1)";
    /** A failure message with a tab, CR/LF, an ESC sequence, a right-to-left override and a shell substitution. */
    public static final String MESSAGE = "+1\tdownload cut\r\n\u001b[2J\u202etxt.exe $(reboot) \u200e\u2066x\u2069";
    public static final String OPERATOR = "@SUM(1) Dana";
    public static final String SITE = "-Site 4\u202e";

    public static final String OK = "192.0.2.10:22";
    public static final String FAILED = "192.0.2.11:2222";
    public static final String ATTENTION = "192.0.2.12:22";
    public static final String RUNNING = "192.0.2.13:22";
    public static final String OTHER_BATCH = "192.0.2.14:22";

    private HostileHistory() {
    }

    public static DataDirectory data(Path dir) {
        return DataDirectory.resolve(Optional.of(dir.resolve("data")), Map.of(), "Linux", dir);
    }

    /** Writes the history into {@code dir}/data, with an image file in {@code dir}; returns the image's SHA-256. */
    public static String write(Path dir) throws Exception {
        Path image = Files.write(dir.resolve("fw-11.0-r200.bin"), new byte[] {1, 2, 3, 4});
        AttemptRef ok = AttemptEvents.ref("att-ok", "batch-1", "192.0.2.10", 22);
        AttemptRef failed = AttemptEvents.ref("att-failed", "batch-1", "192.0.2.11", 2222);
        AttemptRef attention = AttemptEvents.ref("att-attention", "batch-1", "192.0.2.12", 22);
        AttemptRef running = AttemptEvents.ref("att-running", "batch-1", "192.0.2.13", 22);
        AttemptRef other = AttemptEvents.ref("att-other", "batch-2", "192.0.2.14", 22);
        try (History history = History.open(data(dir))) {
            HistoryWriter w = history.writer();
            w.onBatch(new BatchEvent.Started("batch-1", T0, List.of(ok.router(), failed.router(), attention.router(), running.router()),
                    BatchSettings.defaults()));
            w.labelBatch("batch-1", OPERATOR, SITE, T0);
            List<UpgradeEvent> first = new ArrayList<>();
            for (UpgradeEvent e : AttemptEvents.succeeded(ok, T0.plusSeconds(1), image, dir.resolve("backup-ok"))) {
                first.add(e instanceof UpgradeEvent.Returned r ? new UpgradeEvent.Returned(r.attempt(), r.at(), Optional.of(FORMULA)) : e);
            }
            first.forEach(w::on);
            for (UpgradeEvent e : AttemptEvents.failedInDownload(failed, T0.plusSeconds(2), image)) {
                w.on(e instanceof UpgradeEvent.Finished f ? new UpgradeEvent.Finished(f.attempt(), f.at(), withMessage(f.result(), MESSAGE))
                        : e);
            }
            for (UpgradeEvent e : AttemptEvents.succeeded(attention, T0.plusSeconds(3), image, dir.resolve("backup-na"))) {
                if (e instanceof UpgradeEvent.Probed p) {
                    w.on(new UpgradeEvent.Probed(p.attempt(), p.at(), AttemptEvents.facts(AT_SUM, PLUS)));
                } else if (e instanceof UpgradeEvent.Finished f) {
                    UpgradeResult r = f.result();
                    w.on(new UpgradeEvent.Finished(f.attempt(), f.at(), new UpgradeResult(r.attempt(), Outcome.NEEDS_ATTENTION, Phase.READ_BACK,
                            FailureCode.FLASH_MISMATCH, "The flash differs from the image after the return: " + FORMULA, r.plan(), r.backup(),
                            r.written(), r.same(), r.image(), false, r.bytesDownloaded(), r.elapsed())));
                } else {
                    w.on(e);
                }
            }
            List<UpgradeEvent> unfinished = AttemptEvents.succeeded(running, T0.plusSeconds(4), image, dir.resolve("backup-run"));
            unfinished.subList(0, 12).forEach(w::on);
            w.onBatch(new BatchEvent.Finished("batch-1", T0.plusSeconds(400), List.of(),
                    new BatchTotals(4, 1, 1, 1, 0, 0, 0, 3L << 20, 20, 12, Duration.ofSeconds(400), Optional.empty())));

            w.onBatch(new BatchEvent.Started("batch-2", T0.plusSeconds(3600), List.of(other.router()), BatchSettings.defaults()));
            w.labelBatch("batch-2", "Lee", "Depot", T0.plusSeconds(3600));
            AttemptEvents.succeeded(other, T0.plusSeconds(3601), image, dir.resolve("backup-other")).forEach(w::on);
            w.onBatch(new BatchEvent.Finished("batch-2", T0.plusSeconds(3700), List.of(),
                    new BatchTotals(1, 1, 0, 0, 0, 0, 0, 1L << 20, 10, 6, Duration.ofSeconds(100), Optional.empty())));
            assertThat(w.awaitWritten(Duration.ofSeconds(20))).isTrue();
            assertThat(w.failedWrites()).isZero();

            HistoryHostKeyStore keys = history.hostKeys();
            SshTarget router = new SshTarget("192.0.2.10", 22);
            PublicKey old = newKey();
            keys.pinIfAbsent(router, old);
            try (org.fleetflash.core.device.RepinPermit permit = keys.allowRepin(router, "att-ok")) {
                assertThat(keys.repinIfAllowed(router, old, newKey())).isTrue();
            }
        }
        return "9f64a747e1b97f131fabb6b447296c9b6f0201e79fb3c5356e6c77e89b6a806a";
    }

    private static UpgradeResult withMessage(UpgradeResult r, String message) {
        return new UpgradeResult(r.attempt(), r.outcome(), r.phase(), r.code(), message, r.plan(), r.backup(), r.written(), r.same(), r.image(),
                r.imageForced(), r.bytesDownloaded(), r.elapsed());
    }

    static PublicKey newKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair().getPublic();
    }
}

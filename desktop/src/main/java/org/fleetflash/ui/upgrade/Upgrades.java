package org.fleetflash.ui.upgrade;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.fleetflash.core.app.AppServices;
import org.fleetflash.core.app.EngineSettings;
import org.fleetflash.core.batch.BatchListener;
import org.fleetflash.core.batch.BatchRunner;
import org.fleetflash.core.batch.BatchSettings;
import org.fleetflash.core.device.Credentials;
import org.fleetflash.core.device.SshOptions;
import org.fleetflash.core.device.SshTarget;
import org.fleetflash.core.history.History;
import org.fleetflash.core.settings.DataDirectory;
import org.fleetflash.core.upgrade.InterruptedAttempt;
import org.fleetflash.core.upgrade.Phase;
import org.fleetflash.core.upgrade.Preflight;
import org.fleetflash.core.upgrade.ResumeCheck;
import org.fleetflash.core.upgrade.RouterId;
import org.fleetflash.core.upgrade.RouterUpgrade;
import org.fleetflash.core.upgrade.UpgradeRequest;

/**
 * The window's way into the engine for upgrades, as the command line's {@code upgrade} and {@code resume} use it:
 * requests with the session's login, pre-flights, batches recorded in the history (each commit on record before it is
 * sent), and the check of attempts a crash interrupted. No JavaFX here; every call but {@link #request} blocks, so the
 * window calls them on its background threads.
 */
public final class Upgrades {

    /** How long a batch's commit waits for the history to have it on record (as the command line waits). */
    static final Duration RECORD_WAIT = Duration.ofSeconds(30);
    /** How long a resume check waits for a router still flashing on its own to come back. */
    static final Duration RESUME_WAIT = Duration.ofMinutes(5);
    /** The partitions an upgrade writes. */
    public static final List<String> LAYOUT = org.fleetflash.ui.fleet.FleetViewModel.DEFAULT_LAYOUT;

    private final AppServices services;
    private final History store;
    private final Path backups;
    private final java.util.function.Supplier<EngineSettings> settings;

    /** @param settings the settings as applied now (SSH deadlines, the address routers download from) */
    public Upgrades(AppServices services, History store, java.util.function.Supplier<EngineSettings> settings) {
        this.services = Objects.requireNonNull(services, "services");
        this.store = Objects.requireNonNull(store, "store");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.backups = DataDirectory.forThisUser(Optional.of(services.dataDirectory())).backups();
    }

    /** The request to upgrade {@code target} with {@code image} over {@link #LAYOUT}. */
    public UpgradeRequest request(SshTarget target, Credentials credentials, boolean trustNewHostKeys, Path image) {
        EngineSettings now = settings.get();
        return new UpgradeRequest(target, credentials, ssh(now, trustNewHostKeys), store.hostKeys(), image, LAYOUT, now.bindAddress(),
                UpgradeRequest.Transport.AUTO, UpgradeRequest.DEFAULT_RETURN_TIMEOUT, backups);
    }

    private static SshOptions ssh(EngineSettings now, boolean trustNewHostKeys) {
        return now.ssh(SshOptions.DEFAULTS.withAcceptNewHostKey(trustNewHostKeys));
    }

    /** The upgrade's own checks of {@code request}, changing nothing on the router and recording nothing. */
    public Preflight preflight(UpgradeRequest request) {
        return new RouterUpgrade(request, services.upgrades(), e -> { }).preflight();
    }

    /**
     * A batch whose events go to {@code shown} and then to the history; each router's commit waits until the history has
     * it on record, so that after a crash the router is known to need a check. Run it with {@link BatchRunner#run()}.
     */
    public BatchRunner batch(List<UpgradeRequest> requests, BatchSettings settings, BatchListener shown) {
        return new BatchRunner(services.upgrades(), requests, settings, BatchListener.both(shown, store.writer()))
                .journalBeforeCommit(ref -> store.writer().awaitPhaseWritten(ref.attemptId(), Phase.COMMIT, RECORD_WAIT));
    }

    /** The attempts a crash left without an end, oldest first. */
    public List<InterruptedAttempt> interrupted() throws IOException {
        return store.interrupted();
    }

    /**
     * Checks one interrupted attempt on its router and records what was found (see {@code fleetflash resume});
     * {@code waiting} hears, on the calling thread, what the check waits for whenever that changes.
     */
    public ResumeCheck.Finding resume(InterruptedAttempt attempt, Function<RouterId, Credentials> credentials, boolean trustNewHostKeys,
            java.util.function.Consumer<String> waiting) throws InterruptedException {
        ResumeCheck check = new ResumeCheck(services.connector(), credentials, ssh(settings.get(), trustNewHostKeys),
                store.hostKeys(), RESUME_WAIT, Clock.systemUTC(), d -> Thread.sleep(d.toMillis()));
        ResumeCheck.Finding f = check.check(attempt, waiting);
        store.writer().resumed(attempt.attemptId(), f, Instant.now());
        return f;
    }

    /** Waits (a little) until the history holds every event of the window's batches. */
    /** How many history writes failed since the window opened (a full disk, say). */
    public long failedHistoryWrites() {
        return store.writer().failedWrites();
    }

    /** The rest of "The history …" when writes failed after the first {@code before}, else empty. */
    public String historyIncomplete(long before) {
        return History.incomplete(store.writer(), before);
    }

    public boolean awaitRecorded() throws InterruptedException {
        return store.writer().awaitWritten(RECORD_WAIT);
    }
}

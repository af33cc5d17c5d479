package org.fleetflash.core.upgrade;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.fleetflash.agent.image.Finding;
import org.fleetflash.agent.image.ImageInfo;
import org.fleetflash.agent.image.RunningFirmware;
import org.fleetflash.agent.image.Verdict;
import org.fleetflash.agent.plan.FlashPlan;
import org.fleetflash.agent.plan.PlanRefusedException;
import org.fleetflash.agent.protocol.AgentLine;
import org.fleetflash.agent.protocol.DeviceFacts;
import org.fleetflash.agent.protocol.Partition;
import org.fleetflash.core.device.RepinPermit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upgrade of one router: the phase script, an explicit state machine over {@link Phase}s. It decides what
 * follows from each answer of the router ({@link RouterSide}), the laptop's services ({@link LaptopSide}), the
 * wait for the return ({@link ReturnWatch}) and the flasher's telemetry ({@link TelemetryTracker}). Before the
 * reroot any failure is undone on the router ({@link Outcome#FAILED_SAFE}); after it, only a returned router whose
 * flash matches the plan byte for byte is {@link Outcome#SUCCEEDED}, anything else is
 * {@link Outcome#NEEDS_ATTENTION}. Every transition and every step is an {@link UpgradeEvent}, delivered as
 * {@link UpgradeListener} says.
 */
public final class RouterUpgrade {

    private static final Logger LOG = LoggerFactory.getLogger(RouterUpgrade.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** How long {@link #run()} waits for its last events to reach a slow listener. */
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(30);
    /**
     * How long the flasher may be silent and still count as at work: it reports each erase block (a second or two on
     * the slowest flash), so ten seconds without a word means it stopped reporting, and the router is knocked again.
     */
    static final Duration FLASHER_QUIET = Duration.ofSeconds(10);

    private final UpgradeRequest request;
    private final RouterSide side;
    private final LaptopSide laptop;
    private final EventDelivery delivery;
    private final UpgradeListener listener;
    private final Clock clock;
    private final ReturnWatch watch;
    private final ImageStudy study;
    private final String router;
    private final String attempt;
    private volatile AttemptRef ref;

    private volatile Phase phase;
    /** Guards the step into COMMIT against a concurrent {@link #cancel()}. */
    private final Object commitGate = new Object();
    private volatile boolean cancelRequested;
    /** Why the attempt was stopped: the technician (CANCELLED) or the batch (DEADLINE, NOT_STARTED ...). */
    private volatile FailureCode stopCode = FailureCode.CANCELLED;
    private volatile String stopWhy = "Cancelled by the technician";
    private volatile CommitHold hold = () -> { };
    private volatile CommitJournal journal = ref -> true;
    private FlashPlan plan;
    private ImageInfo image;
    private boolean imageForced;
    /** What the image check could not check on this router (said in the pre-flight's sentence). */
    private List<String> imageUnchecked = List.of();
    private Path backup;
    private TelemetryTracker tracker;
    private LaptopSide.Served served;
    private long bytesDownloaded;
    /** Whether the messages are the window's ({@link UpgradeServices#useWindowWording}). */
    private final boolean windowWording;

    /** An upgrade that is its own batch of one. */
    public RouterUpgrade(UpgradeRequest request, UpgradeServices services, UpgradeListener listener) {
        this(request, services, newId(), listener);
    }

    /** An upgrade in the batch {@code batchId}. */
    public RouterUpgrade(UpgradeRequest request, UpgradeServices services, String batchId, UpgradeListener listener) {
        this(request, services, newId(), batchId, listener);
    }

    private RouterUpgrade(UpgradeRequest request, UpgradeServices services, String attempt, String batchId,
            UpgradeListener listener) {
        this(request, null, services.laptop(), services.delivery(), services.clock(),
                new ReturnWatch(services.clock(), new ReturnWatch.Nap()), attempt, batchId, listener, services,
                services.study());
    }

    /** The script over the given sides (a unit test passes its own). */
    RouterUpgrade(UpgradeRequest request, RouterSide side, LaptopSide laptop, EventDelivery delivery, Clock clock,
            ReturnWatch watch, String attempt, String batchId, UpgradeListener listener) {
        this(request, side, laptop, delivery, clock, watch, attempt, batchId, listener, null, new ImageStudy());
    }

    private RouterUpgrade(UpgradeRequest request, RouterSide side, LaptopSide laptop, EventDelivery delivery, Clock clock,
            ReturnWatch watch, String attempt, String batchId, UpgradeListener listener, UpgradeServices services,
            ImageStudy study) {
        this.study = study;
        this.request = Objects.requireNonNull(request, "request");
        this.laptop = Objects.requireNonNull(laptop, "laptop");
        this.delivery = Objects.requireNonNull(delivery, "delivery");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.watch = Objects.requireNonNull(watch, "watch");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.attempt = Objects.requireNonNull(attempt, "attempt");
        this.router = request.target().hostPort();
        this.ref = new AttemptRef(attempt, batchId, RouterId.of(request.target()));
        this.side = side != null ? side : new SshRouterSide(request, services.connector(), attempt, this::agentSaid);
        this.windowWording = services != null && services.windowWording();
    }

    /** The agent's checks and log lines become the attempt's transcript (notes), so a failure can be understood later. */
    private void agentSaid(AgentLine line) {
        if (line instanceof AgentLine.Check c) {
            note(c.ok() ? UpgradeEvent.Note.Level.INFO : UpgradeEvent.Note.Level.WARNING, "check " + c.name() + ": "
                    + (c.ok() ? "ok" : "FAILED") + (c.text().isEmpty() ? "" : " — " + c.text()));
        } else if (line instanceof AgentLine.Log l) {
            note(UpgradeEvent.Note.Level.DETAIL, "agent: " + l.text());
        }
    }

    /** The answer to {@link #cancel()}. */
    public record CancelAnswer(boolean accepted, String reason) {
        static final CancelAnswer ACCEPTED = new CancelAnswer(true, "");
    }

    /** A new attempt or batch id: UTC time to the second, then 64 random bits. */
    public static String newId() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return STAMP.format(Instant.now()) + "-" + HexFormat.of().formatHex(b);
    }

    /** This attempt: its id, its batch, its router. */
    public AttemptRef attempt() {
        return ref;
    }

    /**
     * Asks the upgrade to stop. Up to {@link Phase#STAGED} it is accepted: the in-flight command is aborted,
     * the agent undoes what it made and the result is {@link Outcome#FAILED_SAFE} with code {@code CANCELLED}.
     * From {@link Phase#COMMIT} on it is refused, with the reason: the router finishes on its own.
     * Safe to call from any thread, any number of times.
     */
    public CancelAnswer cancel() {
        return stop(FailureCode.CANCELLED, "Cancelled by the technician");
    }

    /**
     * Like {@link #cancel()}, for a reason of the caller's (a batch's deadline, a failed staging elsewhere under
     * stage-all-first): the result then carries {@code code} and says {@code why}.
     */
    public CancelAnswer stop(FailureCode code, String why) {
        synchronized (commitGate) {
            Phase p = phase;
            if (p != null && p.pastPointOfNoReturn()) {
                return new CancelAnswer(false, "The router is past the point of no return (" + p + "): it is rerooting"
                        + " or flashing on its own and cannot be stopped. Do not power it off.");
            }
            if (!cancelRequested) {
                stopCode = code;
                stopWhy = why;
            }
            cancelRequested = true;
        }
        LOG.info("{}: stop ({}) requested in {}", router, code, phase);
        side.abort();
        return CancelAnswer.ACCEPTED;
    }

    /** Waits at {@link Phase#STAGED}, before the commit; a batch's stage-all-first holds its routers there. */
    @FunctionalInterface
    public interface CommitHold {
        /** Returns when the attempt may go on (it then commits unless it was stopped meanwhile). */
        void awaitGo() throws InterruptedException;
    }

    /** Makes the attempt wait at STAGED for {@code h} before its commit. Call before {@link #run()}. */
    public RouterUpgrade holdBeforeCommit(CommitHold h) {
        this.hold = Objects.requireNonNull(h, "h");
        return this;
    }

    /**
     * Where the step into COMMIT must be on record before the commit is sent (the history): after a crash, a router
     * that was being committed is then known to be one.
     */
    @FunctionalInterface
    public interface CommitJournal {
        /** Waits until the attempt's COMMIT phase is on record; false when it could not be recorded in time. */
        boolean recorded(AttemptRef attempt) throws InterruptedException;
    }

    /** Makes the attempt wait, before it sends the commit, until {@code j} has the COMMIT phase on record. */
    public RouterUpgrade journalBeforeCommit(CommitJournal j) {
        this.journal = Objects.requireNonNull(j, "j");
        return this;
    }

    /** The phase the upgrade is in now (null before it started). */
    public Phase phase() {
        return phase;
    }

    /**
     * Runs the whole upgrade; never throws: every ending is an {@link UpgradeResult} and a {@code Finished} event,
     * delivered to the listener before this returns (unless a listener is stuck for long).
     */
    public UpgradeResult run() {
        Instant started = clock.instant();
        emit(new UpgradeEvent.Started(ref, started, request.image(), request.layout()));
        UpgradeResult result;
        try {
            runPhases();
            result = finish(started, Outcome.SUCCEEDED, FailureCode.OK, "Upgraded: the router came back and its flash"
                    + " matches the image (" + plan.paddedSize() + " bytes over " + String.join(" + ", plan.layout()) + ").");
        } catch (UpToDate u) {
            result = finish(started, Outcome.SUCCEEDED, FailureCode.UP_TO_DATE, "Already up to date: the flash already holds"
                    + " this image byte for byte (compared with the backup just taken), so nothing was staged and the router"
                    + " was not rebooted." + (windowWording() ? "" : " To write it anyway, upgrade again with --reflash."));
        } catch (UpgradeFailure f) {
            result = finish(started, f.outcome(), f.code(), f.getMessage());
        } catch (RuntimeException e) {
            LOG.error("Upgrade of {} failed unexpectedly in {}", router, phase, e);
            Outcome outcome = phase != null && phase.pastPointOfNoReturn() ? Outcome.NEEDS_ATTENTION : Outcome.FAILED_SAFE;
            result = finish(started, outcome, FailureCode.INTERNAL, "FleetFlash failed unexpectedly in " + phase + ": " + e
                    + (outcome == Outcome.NEEDS_ATTENTION ? ". The router was already rerooting: check it." : "."));
        }
        if (!delivery.onEventThread()) {
            delivery.drain(DRAIN_LIMIT);
        }
        return result;
    }

    /**
     * Runs only the phases that change nothing (connect, agent, probe, plan with the image check) and says whether an
     * upgrade of this router with this image would be refused there, plus the free RAM the staging will need at least.
     * Nothing is backed up, claimed or staged; the events go to the listener as in {@link #run()}, but no
     * {@code Started} or {@code Finished} is sent, so a history listener records nothing. Never throws.
     */
    public Preflight preflight() {
        DeviceFacts facts = null;
        try {
            step(Phase.CONNECT);
            ref = ref.withHostKey(side.connect());
            step(Phase.UPLOAD_AGENT);
            side.installAgent();
            step(Phase.PROBE);
            facts = side.probe();
            step(Phase.PLAN);
            plan = plan(facts);
            long need = Preflight.leastFreeRamFor(plan);
            if (facts.freeMemory() < need) {
                return preflight(Preflight.Verdict.BLOCKED, FailureCode.NO_RAM, "Not enough free RAM: staging needs at least " + need
                        + " bytes (memory disk for " + plan.paddedSize() + " bytes of image, plus a margin), and "
                        + facts.freeMemory() + " are free. Free memory or reboot the router, then check again.", facts);
            }
            Optional<String> running = facts.firmwareVersion();
            Optional<String> offered = image == null ? Optional.empty() : image.version();
            if (running.isPresent() && running.equals(offered)) {
                return preflight(Preflight.Verdict.PROBABLY_UP_TO_DATE, FailureCode.UP_TO_DATE, "Already runs version "
                        + running.get() + ": the upgrade compares the flash with the image and leaves the router alone if they"
                        + " match.", facts);
            }
            return preflight(Preflight.Verdict.READY, FailureCode.OK, "Fits: " + plan.imageSize() + " bytes over "
                    + String.join(" + ", plan.layout()) + ", " + (plan.spanSize() - plan.imageSize()) + " bytes to spare"
                    + (imageForced ? " (image forced)" : "") + "." + imageUnchecked.stream().map(u -> " " + u)
                    .collect(java.util.stream.Collectors.joining()), facts);
        } catch (UpgradeFailure f) {
            return preflight(Preflight.Verdict.BLOCKED, f.code(), f.getMessage(), facts);
        } catch (RuntimeException e) {
            LOG.error("Pre-flight of {} failed unexpectedly in {}", router, phase, e);
            return preflight(Preflight.Verdict.BLOCKED, FailureCode.INTERNAL, "FleetFlash failed unexpectedly while checking the"
                    + " router in " + phase + " (details are in the log file). Nothing was changed on the router.", facts);
        } finally {
            side.close();
        }
    }

    private Preflight preflight(Preflight.Verdict verdict, FailureCode code, String message, DeviceFacts facts) {
        return new Preflight(ref.router(), verdict, code, message, Optional.ofNullable(facts), Optional.ofNullable(plan),
                Optional.ofNullable(image));
    }

    private UpgradeResult finish(Instant started, Outcome outcome, FailureCode code, String message) {
        long written = tracker == null ? -1 : tracker.written();
        long same = tracker == null ? -1 : tracker.same();
        Instant end = clock.instant();
        UpgradeResult result = new UpgradeResult(ref, outcome, phase, code, message, Optional.ofNullable(plan),
                Optional.ofNullable(backup), written, same, Optional.ofNullable(image), imageForced, bytesDownloaded,
                Duration.between(started, end));
        emit(new UpgradeEvent.Finished(ref, end, result));
        return result;
    }

    private void runPhases() throws UpgradeFailure {
        Staged staged;
        try {
            step(Phase.CONNECT);
            String key = side.connect();
            ref = ref.withHostKey(key);
            step(Phase.UPLOAD_AGENT);
            side.installAgent();
            step(Phase.PROBE);
            DeviceFacts facts = side.probe();
            facts.warnings().forEach(w -> note(UpgradeEvent.Note.Level.WARNING, w));
            emit(new UpgradeEvent.Probed(ref, now(), facts));
            step(Phase.PLAN);
            plan = plan(facts);
            emit(new UpgradeEvent.Planned(ref, now(), plan, Optional.ofNullable(image), imageForced));
            step(Phase.BACKUP);
            List<UpgradeEvent.PartitionBackup> files = backup(facts);
            List<Long> changed = changedBlocks(files);
            if (!request.reflash() && changed.isEmpty()) {
                note(UpgradeEvent.Note.Level.INFO, "The flash already holds this image (" + String.join(" + ", plan.layout())
                        + ")");
                throw new UpToDate();
            }
            note(UpgradeEvent.Note.Level.INFO, changed.size() + " of " + plan.blocks() + " erase blocks differ from the flash:"
                    + " only those will be written");
            staged = stage(facts, changed);
            try {
                hold.awaitGo();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop(FailureCode.CANCELLED, "Interrupted while waiting to commit");
            }
            enterCommit();
            awaitJournal();
        } catch (UpgradeFailure e) {
            side.close();
            throw cancelledOr(e);
        } catch (RuntimeException e) {
            side.close();
            throw e;
        }
        try {
            commitAndReturn(staged);
        } finally {
            staged.release();
        }
    }

    /** Ends the upgrade early with SUCCEEDED: the flash already holds the image. */
    private static final class UpToDate extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UpToDate() {
            super(null, null, false, false);
        }
    }

    /** Enters a phase before the reroot, unless the technician cancelled. */
    private void step(Phase next) throws UpgradeFailure {
        stopIfAsked(next);
        transition(next);
    }

    /** Ends the attempt before {@code next} if the technician (or the batch) asked it to stop. */
    private void stopIfAsked(Phase next) throws UpgradeFailure {
        if (cancelRequested) {
            throw cancelledOr(UpgradeFailure.safe(stopCode, stopWhy + " before " + next + ", before the reroot."
                    + (next.compareTo(Phase.PREFLIGHT) < 0 ? " Nothing was changed on the router." : "")));
        }
    }

    /** Steps into COMMIT unless a cancel came first (then undoes the staging); no cancel is accepted after this. */
    private void enterCommit() throws UpgradeFailure {
        synchronized (commitGate) {
            if (!cancelRequested) {
                transition(Phase.COMMIT);
                return;
            }
        }
        throw undo(cancelledOr(UpgradeFailure.safe(stopCode, "")));
    }

    /** Waits until the COMMIT phase is on record; if it cannot be, the commit is not sent and the staging is undone. */
    private void awaitJournal() throws UpgradeFailure {
        boolean recorded;
        try {
            recorded = journal.recorded(ref);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            recorded = false;
        }
        if (!recorded) {
            throw undo(UpgradeFailure.safe(FailureCode.LAPTOP_SERVICE_FAILED, "The history could not record that this router"
                    + " is being committed, so the commit was not sent (after a crash nobody would know to check it)."
                    + " Check the data directory's disk space and the log."));
        }
    }

    /** A failure before the reroot caused by a cancel becomes CANCELLED; anything else stays as it is. */
    private UpgradeFailure cancelledOr(UpgradeFailure f) {
        if (!cancelRequested || f.outcome() != Outcome.FAILED_SAFE || f.code() == stopCode && !f.getMessage().isEmpty()) {
            return f;
        }
        return new UpgradeFailure(Outcome.FAILED_SAFE, stopCode, stopWhy + " in " + phase + ", before the reroot.", f);
    }

    // ---- before the reroot -------------------------------------------------------------------------

    private FlashPlan plan(DeviceFacts facts) throws UpgradeFailure {
        if (!facts.tmpfs()) {
            throw UpgradeFailure.safe(FailureCode.NO_TMPFS, "Refused in pre-flight: this router's kernel cannot mount a"
                    + " tmpfs, which reboot -r needs; rerooting would strand it in single-user mode. Upgrade it with a"
                    + " console, or first install firmware built with TMPFS.");
        }
        try {
            FlashPlan p = study.plan(request.image(), facts.partitions(), request.layout(), facts.eraseBlock());
            note(UpgradeEvent.Note.Level.INFO, String.format("Plan: %d bytes over %s, %d erase blocks of %d bytes",
                    p.imageSize(), String.join(" + ", p.layout()), p.blocks(), p.eraseBlock()));
            checkImage(facts, p);
            return p;
        } catch (PlanRefusedException e) {
            throw new UpgradeFailure(Outcome.FAILED_SAFE, FailureCode.of(e.reason()), "Refused before any transfer: "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new UpgradeFailure(Outcome.FAILED_SAFE, FailureCode.IMAGE_UNREADABLE, "Cannot read the image "
                    + request.image() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Recognises the image and checks it against what the router's boot chain will accept (decisions 0006 and 0029):
     * an image that would leave the router at a boot loader, a hung kernel or a {@code mountroot>} prompt is refused
     * here, before anything is sent. The board is read from the first erase block of the layout, where the boot loader
     * starts the running firmware: its TP-Link hardware id, as OpenWrt's sysupgrade reads it, and its kernel's load
     * address. What could not be checked is said as a warning, and in the pre-flight's sentence.
     */
    private void checkImage(DeviceFacts facts, FlashPlan p) throws UpgradeFailure, IOException {
        ImageInfo info = study.inspect(request.image());
        image = info;
        note(UpgradeEvent.Note.Level.INFO, "Image: " + ImageGate.describe(info));
        RunningFirmware running = RunningFirmware.of(side.firstBlock(p.layout().get(0)));
        Verdict verdict = ImageGate.check(info, ImageGate.routerBoot(facts, p, running), request.forceImage());
        Optional<UpgradeFailure> refused = ImageGate.refusal(verdict, request.forceImage(), !windowWording());
        if (refused.isPresent()) {
            throw refused.get();
        }
        for (Finding f : ImageGate.forced(verdict)) {
            imageForced = true;
            note(UpgradeEvent.Note.Level.WARNING, "Forced by --force-image: " + f.code() + " — " + f.message());
        }
        imageUnchecked = verdict.unchecked();
        for (String u : imageUnchecked) {
            note(UpgradeEvent.Note.Level.WARNING, "Not checked: " + u);
        }
    }

    /**
     * Copies every partition of the flash to the laptop, with a SHA256SUMS file, before anything is written.
     * The backup holds the router's configuration (password hashes, keys): its directory is the owner's only.
     */
    private List<UpgradeEvent.PartitionBackup> backup(DeviceFacts facts) throws UpgradeFailure {
        Path dir = Backups.directoryFor(request.backupDir(), facts, router, attempt);
        long total = facts.partitions().stream().mapToLong(Partition::size).sum();
        Instant start = now();
        long[] done = {0};
        List<UpgradeEvent.PartitionBackup> files = Backups.take(side, facts, dir, laptop.backups(), (i, count, p) -> {
            done[0] += p.size();
            emit(new UpgradeEvent.Transfer(ref, now(), Phase.BACKUP, p.name(), done[0], total, rate(done[0], start)));
        });
        backup = dir;
        note(UpgradeEvent.Note.Level.INFO, "Backed up " + files.size() + " partitions to " + dir);
        emit(new UpgradeEvent.BackedUp(ref, now(), dir, files));
        return files;
    }

    /** What a staged attempt holds on the laptop until it ends. */
    private static final class Staged {
        private final String md;
        private LaptopSide.Served served;
        private final LaptopSide.Listening listening;

        Staged(String md, LaptopSide.Served served, LaptopSide.Listening listening) {
            this.md = md;
            this.served = served;
            this.listening = listening;
        }

        String md() {
            return md;
        }

        /** Withdraws the router's download account, once. */
        void withdraw() {
            if (served != null) {
                served.close();
                served = null;
            }
        }

        void release() {
            withdraw();
            listening.close();
        }
    }

    /**
     * The erase blocks of the span where the image differs from the flash, as the backup just taken shows it
     * (decision 0007: the flasher writes only those; the read-back after the return checks them all).
     */
    private List<Long> changedBlocks(List<UpgradeEvent.PartitionBackup> files) throws UpgradeFailure {
        List<UpgradeEvent.PartitionBackup> span = new java.util.ArrayList<>();
        for (String name : plan.layout()) {
            span.add(files.stream().filter(f -> f.partition().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("The backup has no partition " + name)));
        }
        // routers with the same span and image change the same blocks: compared once (decision 0022)
        String key = BackupIndex.changeKey(plan.paddedSha256(), plan.eraseBlock(), plan.blocks(),
                span.stream().map(UpgradeEvent.PartitionBackup::sha256).toList());
        try {
            return laptop.backups().changedBlocks(key, () -> ChangedBlocks.of(plan, request.image(),
                    span.stream().map(UpgradeEvent.PartitionBackup::file).toList()));
        } catch (IOException e) {
            throw new UpgradeFailure(Outcome.FAILED_SAFE, FailureCode.BACKUP_FAILED, "Could not compare the image with the"
                    + " backup: " + e.getMessage() + ". Nothing was changed on the router.", e);
        } catch (IllegalArgumentException e) {
            throw new UpgradeFailure(Outcome.FAILED_SAFE, FailureCode.DIGEST_MISMATCH, "The image file " + request.image()
                    + " changed while the router was being backed up (" + e.getMessage() + "). Nothing was changed on the"
                    + " router; start again with the image you mean.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpgradeFailure(Outcome.FAILED_SAFE, FailureCode.CANCELLED, "Interrupted while comparing the image with"
                    + " the backup. Nothing was changed on the router.", e);
        }
    }

    private Staged stage(DeviceFacts facts, List<Long> changed) throws UpgradeFailure {
        InetAddress laptopAddress = request.bind().orElseGet(side::laptopAddress);
        boolean useFetch = switch (request.transport()) {
            case FTP -> true;
            case SSH -> false;
            case AUTO -> facts.hasTool("fetch");
        };
        LaptopSide.Listening listening = null;
        boolean[] touched = {false};
        boolean done = false;
        try {
            tracker = new TelemetryTracker(telemetrySink(), plan.blocks(), clock);
            listening = laptop.listen(laptopAddress, router, tracker::on);
            Instant start = now();
            String imageName = request.image().getFileName().toString();
            if (useFetch) {
                served = laptop.serve(request.image(), laptopAddress, (bytes, total, rate) ->
                        emit(new UpgradeEvent.Transfer(ref, now(), Phase.DOWNLOAD, imageName, bytes, total, rate)));
                if (!served.sha256().equals(plan.imageSha256())) {
                    throw UpgradeFailure.safe(FailureCode.DIGEST_MISMATCH, "The image file " + request.image() + " changed"
                            + " since this batch began serving it (SHA-256 " + plan.imageSha256() + " now, "
                            + served.sha256() + " served). Nothing was sent; start the batch again with the image you mean.");
                }
            }
            String led = FlasherLed.of(facts).orElse("");
            StageConf conf = new StageConf(plan, useFetch ? StageConf.Transport.FETCH : StageConf.Transport.SSH,
                    served == null ? "" : served.url(), served == null ? "" : served.password(),
                    laptopAddress.getHostAddress(), listening.port(), listening.token(), 1, led, changed);
            AgentLine.Staged sealed = useFetch && facts.hasTool("sha256") ? stageInOneRun(conf, touched)
                    : stageStepByStep(facts, conf, useFetch, start, imageName, touched);
            if (sealed.sha256().isPresent() && !sealed.sha256().get().equals(plan.imageSha256())) {
                throw UpgradeFailure.safe(FailureCode.DIGEST_MISMATCH, "The staged image's SHA-256 differs from the image's;"
                        + " nothing was written.");
            }
            step(Phase.STAGED);
            done = true;
            return new Staged(sealed.md(), served, listening);
        } catch (UpgradeFailure f) {
            // BUSY: what is staged is not ours to remove; it may belong to an upgrade of this router running now.
            UpgradeFailure g = cancelledOr(withServerSide(f));
            if (!touched[0]) {
                tracker = null; // never claimed: no block counts to report
            }
            throw touched[0] && f.code() != FailureCode.BUSY ? undo(g) : g;
        } finally {
            if (!done) {
                if (served != null) {
                    served.close();
                }
                if (listening != null) {
                    listening.close();
                }
            }
        }
    }

    /** Whether the messages are the window's, which has no --force-image nor --reflash ({@link UpgradeServices#useWindowWording}). */
    private boolean windowWording() {
        return windowWording;
    }

    /**
     * A failed download with what the laptop's image server saw of it (the router only sees its download fail): the
     * server's sentence first, then what the router said.
     */
    private UpgradeFailure withServerSide(UpgradeFailure f) {
        if (f.code() != FailureCode.DOWNLOAD_FAILED || served == null) {
            return f;
        }
        return served.serverProblem().map(p -> f.with(f.outcome(), p + " The router said: " + f.getMessage())).orElse(f);
    }

    /**
     * Claim to seal in one agent run (a router that fetches the image and checks it with its own sha256): the phases
     * follow the router's answers as they arrive; a cancel aborts the run, which then fails.
     */
    private AgentLine.Staged stageInOneRun(StageConf conf, boolean[] touched) throws UpgradeFailure {
        stopIfAsked(Phase.PREFLIGHT); // a cancel that came before is answered here, before anything is sent
        AgentLine.Staged sealed = side.stage(conf, new RouterSide.StageProgress() {
            @Override
            public void claimed(AgentLine.Claimed claimed) {
                touched[0] = true;
                LOG.info("{}: claimed by attempt {} since {}", router, claimed.attempt(), claimed.since());
            }

            @Override
            public void configured() {
                advanceTo(Phase.PREFLIGHT); // claimed and configured: the router's pre-flight runs next
            }

            @Override
            public void prepared(AgentLine.Prepared prep) {
                note(UpgradeEvent.Note.Level.INFO, "Memory disk " + prep.md() + " of " + prep.mdSize() + " bytes made");
                advanceTo(Phase.DOWNLOAD);
            }

            @Override
            public void fetched() {
                advanceTo(Phase.VERIFY_IMAGE);
            }
        });
        bytesDownloaded = served.bytes();
        return sealed;
    }

    /** Claim, configure, prepare, download (or upload), check and seal as separate runs. */
    private AgentLine.Staged stageStepByStep(DeviceFacts facts, StageConf conf, boolean useFetch, Instant start,
            String imageName, boolean[] touched) throws UpgradeFailure {
        AgentLine.Claimed claimed = side.claim();
        touched[0] = true;
        LOG.info("{}: claimed by attempt {} since {}", router, claimed.attempt(), claimed.since());
        side.configure(conf);

        step(Phase.PREFLIGHT);
        AgentLine.Prepared prep = side.prepare();
        note(UpgradeEvent.Note.Level.INFO, "Memory disk " + prep.md() + " of " + prep.mdSize() + " bytes made");

        step(Phase.DOWNLOAD);
        if (useFetch) {
            side.fetch();
            bytesDownloaded = served.bytes();
        } else {
            String check = side.upload(request.image(), prep.image());
            bytesDownloaded = plan.imageSize();
            note(UpgradeEvent.Note.Level.INFO, "Image sent over SSH, checked by " + check);
            emit(new UpgradeEvent.Transfer(ref, now(), Phase.DOWNLOAD, imageName, plan.imageSize(), plan.imageSize(),
                    rate(plan.imageSize(), start)));
        }

        step(Phase.VERIFY_IMAGE);
        if (useFetch && !facts.hasTool("sha256")) {
            RouterSide.Digest d = side.readBack(prep.image());
            if (d.size() != plan.imageSize() || !d.sha256().equals(plan.imageSha256())) {
                throw UpgradeFailure.safe(d.size() != plan.imageSize() ? FailureCode.SIZE_MISMATCH
                        : FailureCode.DIGEST_MISMATCH, "The image staged on the router (" + d.size() + " bytes, SHA-256 "
                        + d.sha256() + ") is not the image (" + plan.imageSize() + " bytes, " + plan.imageSha256()
                        + "); nothing was written.");
            }
            note(UpgradeEvent.Note.Level.INFO, "Staged image read back and checked here (the router has no sha256)");
        }
        return side.seal();
    }

    /**
     * Cleans up on the router (on a new session when the step's session is gone, e.g. after a cancel); if that
     * fails, the router is not "exactly as it was" any more and the result says so.
     */
    private UpgradeFailure undo(UpgradeFailure cause) {
        RouterSide.CleanupAnswer answer = side.cleanup();
        if (answer.done()) {
            return cause.with(cause.outcome(), join(cause.getMessage(), undoneSentence(answer.undone())));
        }
        return cause.with(Outcome.NEEDS_ATTENTION, join(cause.getMessage(), "The router still runs its old firmware, but"
                + " FleetFlash could not remove its memory disk and files (" + answer.why().orElse("no reason given")
                + "): run 'fleetflash cleanup " + router + "', or reboot the router, to free them."));
    }

    // ---- the point of no return --------------------------------------------------------------------

    private void commitAndReturn(Staged staged) throws UpgradeFailure {
        RouterSide.CommitAnswer answer = side.commit();
        Optional<AgentLine.Error> error = answer.error();
        if (error.isPresent() && !answer.committed() && !"COMMIT_TIMEOUT".equals(error.get().code())) {
            // Refused, or failed and undone on the router before the reroot: still safe, but the memory disk is left
            // over. It is cleaned up on a new session; a router that cannot be reached for that is not known to be
            // as it was, so that is NEEDS_ATTENTION (undo says so).
            throw undo(UpgradeFailure.safe(FailureCode.fromAgent(error.get().code()), agentText(error.get())));
        }
        if (!answer.committed()) {
            note(UpgradeEvent.Note.Level.WARNING, "The router did not confirm the commit before the session ended;"
                    + " treating it as rerooting.");
        }
        staged.withdraw(); // downloaded and checked: nobody needs the account any more
        // Rerooted: the router may come back with the new firmware's host keys; only now, until this attempt ends.
        try (RepinPermit newKeys = side.allowHostKeyChange();
                RouterSide.ReturnedRouter back = watch.await(side.knock(staged.md()), request.returnTimeout(), () -> {
                    if (phase.compareTo(Phase.REBOOT) >= 0) {
                        advanceTo(Phase.RETURN); // the flasher said it is rebooting: now we are waiting for the return
                        return true;
                    }
                    return false;
                }, () -> phase.compareTo(Phase.REBOOT) < 0 && tracker.heardWithin(FLASHER_QUIET), tracker::lastWord,
                String.valueOf(backup))) {
            advanceTo(Phase.RETURN);
            transition(Phase.READ_BACK);
            verifyFlash(back);
            transition(Phase.VERIFIED);
        }
    }

    /** Reads the span back from the returned router and compares it with the plan's padded image. */
    private void verifyFlash(RouterSide.ReturnedRouter back) throws UpgradeFailure {
        DeviceFacts after;
        String hex;
        try {
            after = back.probe(plan);
            emit(new UpgradeEvent.Returned(ref, now(), after.firmwareVersion()));
            long spanSize = 0;
            long spanOffset = -1;
            for (String name : plan.layout()) {
                Partition p = after.partition(name).orElseThrow(() -> new UpgradeFailure(Outcome.NEEDS_ATTENTION,
                        FailureCode.LAYOUT_CHANGED, "The returned router has no partition " + name + "; it may run other"
                        + " firmware than planned."));
                spanOffset = spanOffset < 0 ? p.offset() : spanOffset;
                spanSize += p.size();
            }
            if (spanOffset != plan.spanOffset() || spanSize != plan.spanSize()) {
                throw new UpgradeFailure(Outcome.NEEDS_ATTENTION, FailureCode.LAYOUT_CHANGED, "The returned router's "
                        + String.join(" + ", plan.layout()) + " span is not where the plan wrote the image.");
            }
            hex = back.spanSha256(plan);
        } catch (UpgradeFailure f) {
            if (f.outcome() == Outcome.NEEDS_ATTENTION) {
                throw f;
            }
            throw new UpgradeFailure(Outcome.NEEDS_ATTENTION, FailureCode.VERIFY_FAILED, "The router came back but its flash"
                    + " could not be read back to check it: " + f.getMessage(), f);
        }
        if (!hex.equals(plan.paddedSha256())) {
            throw new UpgradeFailure(Outcome.NEEDS_ATTENTION, FailureCode.FLASH_MISMATCH, "The router came back, but its flash"
                    + " does not hold the image (SHA-256 " + hex + " instead of " + plan.paddedSha256() + "). Do not power it"
                    + " off; upgrade it again, or restore from the backup in " + backup + ".");
        }
        note(UpgradeEvent.Note.Level.INFO, "Flash read back from the returned router: matches the image");
    }

    private TelemetryTracker.Sink telemetrySink() {
        return new TelemetryTracker.Sink() {
            @Override
            public void advanceTo(Phase p) {
                RouterUpgrade.this.advanceTo(p);
                if (p == Phase.REBOOT) {
                    watch.wake(); // its return is near: look for it now, not after the pause that flashing warranted
                }
            }

            @Override
            public void block(long block, long blocks, UpgradeEvent.BlockAction action) {
                emit(new UpgradeEvent.BlockFlashed(ref, now(), block, blocks, action));
            }

            @Override
            public void warning(String text) {
                note(UpgradeEvent.Note.Level.WARNING, text);
            }

            @Override
            public void info(String text) {
                note(UpgradeEvent.Note.Level.INFO, text);
            }
        };
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private synchronized void transition(Phase to) {
        Phase from = phase;
        phase = to;
        LOG.info("{}: {} -> {}", router, from, to);
        emit(new UpgradeEvent.PhaseChanged(ref, now(), from, to));
    }

    /** Moves forward only (telemetry may arrive late or out of order). */
    private synchronized void advanceTo(Phase to) {
        if (phase == null || phase.compareTo(to) < 0) {
            transition(to);
        }
    }

    private void note(UpgradeEvent.Note.Level level, String text) {
        emit(new UpgradeEvent.Note(ref, now(), phase, level, text));
    }

    private void emit(UpgradeEvent e) {
        delivery.deliver(listener, e);
    }

    private Instant now() {
        return clock.instant();
    }

    private long rate(long bytes, Instant since) {
        long ms = Duration.between(since, now()).toMillis();
        return ms <= 0 ? 0 : bytes * 1000 / ms;
    }

    /** The agent's sentence; with its code when this version does not know the code. */
    static String agentText(AgentLine.Error e) {
        return FailureCode.fromAgent(e.code()) == FailureCode.AGENT_ERROR ? "The agent reported " + e.code() + ": " + e.text()
                : e.text();
    }

    /** What the agent put back, in its own words, or that there was nothing left to put back. */
    static String undoneSentence(List<String> undone) {
        String put = undone.isEmpty() ? "The agent had already removed what it made."
                : "FleetFlash put back on the router: " + String.join("; ", undone) + ".";
        return put + " The router runs its old firmware, untouched.";
    }

    static String join(String a, String b) {
        return a == null || a.isBlank() ? b : a.endsWith(".") ? a + " " + b : a + ". " + b;
    }
}

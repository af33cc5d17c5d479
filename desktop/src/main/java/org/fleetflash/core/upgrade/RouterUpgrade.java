package org.fleetflash.core.upgrade;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.fleetflash.agent.image.Finding;
import org.fleetflash.agent.image.ImageInfo;
import org.fleetflash.agent.image.ImageInspector;
import org.fleetflash.agent.image.TpLinkHeader;
import org.fleetflash.agent.image.Verdict;
import org.fleetflash.agent.plan.FlashPlan;
import org.fleetflash.agent.plan.PlanRefusedException;
import org.fleetflash.agent.protocol.AgentLine;
import org.fleetflash.agent.protocol.AgentLineParser;
import org.fleetflash.agent.protocol.DeviceFacts;
import org.fleetflash.agent.protocol.DeviceFactsBuilder;
import org.fleetflash.agent.protocol.Partition;
import org.fleetflash.agent.protocol.ProbeFailedException;
import org.fleetflash.core.device.AgentRunner;
import org.fleetflash.core.device.DeviceException;
import org.fleetflash.core.device.DeviceSession;
import org.fleetflash.core.device.DeviceUnreachableException;
import org.fleetflash.core.device.ExecResult;
import org.fleetflash.core.device.CredentialsUnusableException;
import org.fleetflash.core.device.HostKeyChangedException;
import org.fleetflash.core.device.NotSshException;
import org.fleetflash.core.device.SshOptions;
import org.fleetflash.core.device.UploadResult;
import org.fleetflash.core.settings.DataDirectory;
import org.fleetflash.server.ftp.DownloadListener;
import org.fleetflash.server.ftp.ImageServer;
import org.fleetflash.server.ftp.Publication;
import org.fleetflash.server.telemetry.TelemetryEvent;
import org.fleetflash.server.telemetry.TelemetryReceiver;
import org.fleetflash.server.telemetry.TelemetryToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upgrade of one router, as an explicit state machine over {@link Phase}s: every transition and
 * every progress step is an {@link UpgradeEvent}. Before the reroot any failure is undone on the router
 * ({@link Outcome#FAILED_SAFE}); after it, only a returned router whose flash matches the plan byte for
 * byte is {@link Outcome#SUCCEEDED}, anything else is {@link Outcome#NEEDS_ATTENTION}.
 */
public final class RouterUpgrade {

    private static final Logger LOG = LoggerFactory.getLogger(RouterUpgrade.class);
    private static final Duration RETURN_POLL_MIN = Duration.ofMillis(250);
    private static final Duration RETURN_POLL_MAX = Duration.ofSeconds(1);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final UpgradeRequest request;
    private final UpgradeServices services;
    private final Consumer<? super UpgradeEvent> events;
    private final Clock clock;
    private final String router;
    /** This attempt's id: the router's claim names it, so no other attempt can touch what this one staged. */
    private final String attempt = newAttemptId();

    private volatile Phase phase;
    /** Guards the step into COMMIT against a concurrent {@link #cancel()}. */
    private final Object commitGate = new Object();
    private volatile boolean cancelRequested;
    /** The session of the running step before the reroot; closing it aborts the in-flight command. */
    private volatile DeviceSession activeSession;
    private FlashPlan plan;
    private ImageInfo image;
    private boolean imageForced;
    private Path backup;
    private final AtomicLong written = new AtomicLong(-1);
    private final AtomicLong same = new AtomicLong(-1);
    private final AtomicReference<TelemetryEvent> lastTelemetry = new AtomicReference<>();
    /** The flasher's last word per erase block (written or same), from PROGRESS telemetry. */
    private final java.util.Map<Long, String> blockActions = new java.util.concurrent.ConcurrentHashMap<>();

    public RouterUpgrade(UpgradeRequest request, UpgradeServices services, Consumer<? super UpgradeEvent> events, Clock clock) {
        this.request = Objects.requireNonNull(request, "request");
        this.services = Objects.requireNonNull(services, "services");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.router = request.target().hostPort();
    }

    /** The answer to {@link #cancel()}. */
    public record CancelAnswer(boolean accepted, String reason) {
        static final CancelAnswer ACCEPTED = new CancelAnswer(true, "");
    }

    /**
     * Asks the upgrade to stop. Up to {@link Phase#STAGED} it is accepted: the in-flight command is aborted,
     * the agent undoes what it made and the result is {@link Outcome#FAILED_SAFE} with code {@code CANCELLED}.
     * From {@link Phase#COMMIT} on it is refused, with the reason: the router finishes on its own.
     * Safe to call from any thread, any number of times.
     */
    public CancelAnswer cancel() {
        synchronized (commitGate) {
            Phase p = phase;
            if (p != null && p.pastPointOfNoReturn()) {
                return new CancelAnswer(false, "The router is past the point of no return (" + p + "): it is rerooting"
                        + " or flashing on its own and cannot be stopped. Do not power it off.");
            }
            cancelRequested = true;
        }
        LOG.info("{}: cancel requested in {}", router, phase);
        DeviceSession s = activeSession;
        if (s != null) {
            s.close(); // the running command fails at once; the engine then undoes on a new session
        }
        return CancelAnswer.ACCEPTED;
    }

    /** The phase the upgrade is in now (null before it started). */
    public Phase phase() {
        return phase;
    }

    /** Runs the whole upgrade; never throws: every ending is an {@link UpgradeResult} and a {@code Finished} event. */
    public UpgradeResult run() {
        UpgradeResult result;
        try {
            runPhases();
            result = finish(Outcome.SUCCEEDED, "OK", "Upgraded: the router came back and its flash matches the image"
                    + " (" + plan.paddedSize() + " bytes over " + String.join(" + ", plan.layout()) + ").");
        } catch (UpToDate u) {
            result = finish(Outcome.SUCCEEDED, "UP_TO_DATE", "Already up to date: the flash already holds this image byte for"
                    + " byte (compared with the backup just taken), so nothing was staged and the router was not rebooted."
                    + " To write it anyway, upgrade again with --reflash.");
        } catch (UpgradeFailure f) {
            result = finish(f.outcome(), f.code(), f.getMessage());
        } catch (RuntimeException e) {
            LOG.error("Upgrade of {} failed unexpectedly in {}", router, phase, e);
            Outcome outcome = phase != null && phase.pastPointOfNoReturn() ? Outcome.NEEDS_ATTENTION : Outcome.FAILED_SAFE;
            result = finish(outcome, "INTERNAL", "FleetFlash failed unexpectedly in " + phase + ": " + e
                    + (outcome == Outcome.NEEDS_ATTENTION ? ". The router was already rerooting: check it." : "."));
        }
        return result;
    }

    private UpgradeResult finish(Outcome outcome, String code, String message) {
        if (written.get() < 0 && !blockActions.isEmpty()) {
            written.set(blockActions.values().stream().filter("written"::equals).count());
            same.set(blockActions.values().stream().filter("same"::equals).count());
        }
        emit(new UpgradeEvent.Finished(router, now(), outcome, phase, code, message, written.get(), same.get(),
                image == null ? "" : ImageGate.describe(image), imageForced));
        return new UpgradeResult(outcome, phase, code, message, Optional.ofNullable(plan), Optional.ofNullable(backup),
                written.get(), same.get(), Optional.ofNullable(image), imageForced);
    }

    private void runPhases() throws UpgradeFailure {
        Duration deadline = request.ssh().commandDeadline();
        step(Phase.CONNECT);
        DeviceSession session = connect(request.ssh());
        activeSession = session;
        StagedState staged;
        try {
            step(Phase.UPLOAD_AGENT);
            AgentRunner agent = beforeReroot(() -> AgentRunner.install(session, deadline));
            step(Phase.PROBE);
            DeviceFacts facts = probe(agent, deadline);
            step(Phase.PLAN);
            plan = plan(agent, facts);
            step(Phase.BACKUP);
            backup = backup(agent, facts, deadline);
            if (!request.reflash() && backupHoldsImage(facts)) {
                throw new UpToDate();
            }
            staged = stage(session, agent, facts, deadline);
            enterCommit(staged.agent());
        } catch (UpgradeFailure | RuntimeException e) {
            session.close();
            throw e;
        } finally {
            activeSession = null;
        }
        try {
            commit(session, staged.agent(), deadline);
        } catch (UpgradeFailure | RuntimeException e) {
            release(staged);
            throw e;
        }
        followFlashAndReturn(staged);
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
        if (cancelRequested) {
            throw cancelledOr(new UpgradeFailure(Outcome.FAILED_SAFE, "CANCELLED", "Nothing had been changed on the router."));
        }
        transition(next);
    }

    /** Steps into COMMIT unless a cancel came first (then undoes the staging); no cancel is accepted after this. */
    private void enterCommit(AgentRunner agent) throws UpgradeFailure {
        synchronized (commitGate) {
            if (!cancelRequested) {
                transition(Phase.COMMIT);
                return;
            }
        }
        throw undo(agent, cancelledOr(new UpgradeFailure(Outcome.FAILED_SAFE, "CANCELLED", "")));
    }

    /** A failure before the reroot caused by a cancel becomes CANCELLED; anything else stays as it is. */
    private UpgradeFailure cancelledOr(UpgradeFailure f) {
        if (!cancelRequested || f.outcome() != Outcome.FAILED_SAFE || "CANCELLED".equals(f.code()) && !f.getMessage().isEmpty()) {
            return f;
        }
        return new UpgradeFailure(Outcome.FAILED_SAFE, "CANCELLED", "Cancelled by the technician in " + phase
                + ", before the reroot.", f);
    }

    // ---- before the reroot -------------------------------------------------------------------------

    private DeviceSession connect(SshOptions options) throws UpgradeFailure {
        try {
            return services.connector().open(request.target(), request.credentials(), options, request.hostKeys());
        } catch (DeviceException e) {
            throw new UpgradeFailure(Outcome.FAILED_SAFE, codeOf(e), e.getMessage(), e);
        }
    }

    private DeviceFacts probe(AgentRunner agent, Duration deadline) throws UpgradeFailure {
        AgentRunner.Result run = beforeReroot(() -> agent.runCollecting("probe", deadline));
        DeviceFactsBuilder builder = new DeviceFactsBuilder();
        run.lines().forEach(builder);
        try {
            DeviceFacts facts = builder.build();
            facts.warnings().forEach(w -> note(UpgradeEvent.Note.Level.WARNING, w));
            return facts;
        } catch (ProbeFailedException e) {
            throw new UpgradeFailure(Outcome.FAILED_SAFE, "PROBE_FAILED", e.getMessage(), e);
        }
    }

    private FlashPlan plan(AgentRunner agent, DeviceFacts facts) throws UpgradeFailure {
        if (!facts.tmpfs()) {
            throw new UpgradeFailure(Outcome.FAILED_SAFE, "NO_TMPFS", "Refused in pre-flight: this router's kernel cannot"
                    + " mount a tmpfs, which reboot -r needs; rerooting would strand it in single-user mode."
                    + " Upgrade it with a console, or first install firmware built with TMPFS.");
        }
        try {
            FlashPlan p = FlashPlan.create(request.image(), facts.partitions(), request.layout(), facts.eraseBlock());
            note(UpgradeEvent.Note.Level.INFO, String.format("Plan: %d bytes over %s, %d erase blocks of %d bytes",
                    p.imageSize(), String.join(" + ", p.layout()), p.blocks(), p.eraseBlock()));
            checkImage(agent, facts, p);
            return p;
        } catch (PlanRefusedException e) {
            throw new UpgradeFailure(Outcome.FAILED_SAFE, e.reason().name(), "Refused before any transfer: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UpgradeFailure(Outcome.FAILED_SAFE, "IMAGE_UNREADABLE", "Cannot read the image " + request.image()
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Recognises the image and checks it against what the router's boot chain will accept (decision 0006):
     * an image that would leave the router at a boot loader or a {@code mountroot>} prompt is refused here,
     * before anything is sent. On a TP-Link image, the router's own hardware id is read from the first erase
     * block of its layout (the running firmware's TP-Link header), as OpenWrt's sysupgrade does.
     */
    private void checkImage(AgentRunner agent, DeviceFacts facts, FlashPlan p) throws UpgradeFailure, IOException {
        ImageInfo info = ImageInspector.inspect(request.image());
        image = info;
        note(UpgradeEvent.Note.Level.INFO, "Image: " + ImageGate.describe(info));
        OptionalLong hardwareId = OptionalLong.empty();
        if (info.format() == ImageInfo.Format.TPLINK) {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            beforeReroot(() -> agent.session().readBinary(agent.command("read", "--blocks", "1", p.layout().get(0)),
                    request.ssh().commandDeadline(), head));
            hardwareId = TpLinkHeader.hardwareIdOf(head.toByteArray());
        }
        Verdict verdict = ImageGate.check(info, ImageGate.routerBoot(facts, p, hardwareId), request.forceImage());
        Optional<UpgradeFailure> refused = ImageGate.refusal(verdict, request.forceImage());
        if (refused.isPresent()) {
            throw refused.get();
        }
        for (Finding f : ImageGate.forced(verdict)) {
            imageForced = true;
            note(UpgradeEvent.Note.Level.WARNING, "Forced by --force-image: " + f.code() + " — " + f.message());
        }
    }

    /**
     * Copies every partition of the flash to the laptop, with a SHA256SUMS file, before anything is written.
     * The backup holds the router's configuration (password hashes, keys): its directory is the owner's only.
     * A backup that fails half-way is removed, so that no partial copy is ever taken for a good one.
     */
    private Path backup(AgentRunner agent, DeviceFacts facts, Duration deadline) throws UpgradeFailure {
        Path dir = request.backupDir().resolve(safeName(facts.hostname(), 48) + "_" + safeName(router, 64) + "_" + attempt);
        try {
            DataDirectory.ownerOnlyDirectory(request.backupDir());
            Files.createDirectory(dir);
            DataDirectory.ownerOnlyDirectory(dir);
        } catch (IOException e) {
            throw new UpgradeFailure(Outcome.FAILED_SAFE, "BACKUP_FAILED", "Could not create the backup directory " + dir + ": "
                    + e.getMessage() + ". Check the data directory; nothing was changed on the router.", e);
        }
        boolean complete = false;
        String current = "";
        try {
            StringBuilder sums = new StringBuilder();
            java.util.Set<String> used = new java.util.HashSet<>();
            int i = 0;
            for (Partition p : facts.partitions()) {
                current = p.name();
                String base = safeName(p.name(), 64);
                String fileName = used.add(base) ? base + ".bin" : base + "-" + i + ".bin";
                used.add(fileName);
                Path file = dir.resolve(fileName);
                MessageDigest sha = sha256();
                long n;
                try (OutputStream out = newOwnerOnlyFile(file)) {
                    n = agent.session().readBinary(readCommand(agent, List.of(p.name())), deadline,
                            new DigestingStream(out, sha));
                }
                if (n != p.size()) {
                    throw new UpgradeFailure(Outcome.FAILED_SAFE, "BACKUP_FAILED", "The backup of partition " + p.name() + " read "
                            + n + " bytes instead of " + p.size() + "; the incomplete backup was removed and nothing was changed"
                            + " on the router. Try again; if it happens again, the router's flash may be failing.");
                }
                sums.append(HexFormat.of().formatHex(sha.digest())).append("  ").append(file.getFileName()).append('\n');
                emit(new UpgradeEvent.Progress(router, now(), Phase.BACKUP, ++i, facts.partitions().size(), "partitions", p.name()));
            }
            try (OutputStream out = newOwnerOnlyFile(dir.resolve("SHA256SUMS"))) {
                out.write(sums.toString().getBytes(StandardCharsets.UTF_8));
            }
            note(UpgradeEvent.Note.Level.INFO, "Backed up " + facts.partitions().size() + " partitions to " + dir);
            complete = true;
            return dir;
        } catch (DeviceException e) {
            throw cancelledOr(new UpgradeFailure(Outcome.FAILED_SAFE, "BACKUP_FAILED", "Could not back up partition " + current
                    + " before writing the flash: " + e.getMessage() + " The incomplete backup was removed; nothing was changed"
                    + " on the router.", e));
        } catch (IOException e) {
            throw new UpgradeFailure(Outcome.FAILED_SAFE, "BACKUP_FAILED", "Could not write the backup of partition " + current
                    + " to " + dir + ": " + e.getMessage() + ". Free some disk space; the incomplete backup was removed and"
                    + " nothing was changed on the router.", e);
        } finally {
            if (!complete) {
                deleteTree(dir);
            }
        }
    }

    private static OutputStream newOwnerOnlyFile(Path file) throws IOException {
        return Files.newOutputStream(DataDirectory.createOwnerOnlyFile(file), StandardOpenOption.WRITE);
    }

    /** Removes a backup that did not complete; what cannot be removed is logged, never thrown. */
    private void deleteTree(Path dir) {
        try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("{}: could not remove the incomplete backup {}: {}", router, dir, e.getMessage());
        }
    }

    /** The agent's {@code read NAME...}: the named partitions' raw bytes, each name one quoted argument word. */
    private static String readCommand(AgentRunner agent, List<String> names) {
        List<String> args = new ArrayList<>();
        args.add("read");
        args.addAll(names);
        return agent.command(args.toArray(String[]::new));
    }

    /** Whether the backup just taken shows the layout's span already holding the padded image byte for byte. */
    private boolean backupHoldsImage(DeviceFacts facts) throws UpgradeFailure {
        MessageDigest sha = sha256();
        long left = plan.paddedSize();
        try {
            for (String name : plan.layout()) {
                Path file = backupFileOf(name);
                if (file == null) {
                    return false;
                }
                byte[] bytes = Files.readAllBytes(file);
                int n = (int) Math.min(bytes.length, left);
                sha.update(bytes, 0, n);
                left -= n;
            }
        } catch (IOException e) {
            throw new UpgradeFailure(Outcome.FAILED_SAFE, "BACKUP_FAILED", "Could not read the backup " + backup + " back: "
                    + e.getMessage() + ". Nothing was changed on the router.", e);
        }
        boolean same = left == 0 && HexFormat.of().formatHex(sha.digest()).equals(plan.paddedSha256());
        if (same) {
            note(UpgradeEvent.Note.Level.INFO, "The flash already holds this image (" + String.join(" + ", plan.layout()) + ")");
        }
        return same;
    }

    /** The backup file of partition {@code name}, from SHA256SUMS order; null when the name was not backed up as is. */
    private Path backupFileOf(String name) {
        Path file = backup.resolve(safeName(name, 64) + ".bin");
        return safeName(name, 64).equals(name) && Files.isRegularFile(file) ? file : null;
    }

    private record StagedState(AgentRunner agent, String md, TelemetryReceiver receiver, TelemetryToken token,
            ImageServer imageServer, Publication publication) {
    }

    private StagedState stage(DeviceSession session, AgentRunner agent, DeviceFacts facts, Duration deadline)
            throws UpgradeFailure {
        InetAddress laptop = request.bind().orElseGet(session::localAddress);
        boolean useFetch = switch (request.transport()) {
            case FTP -> true;
            case SSH -> false;
            case AUTO -> facts.hasTool("fetch");
        };
        ImageServer imageServer = null;
        Publication publication = null;
        TelemetryReceiver receiver = null;
        TelemetryToken token = null;
        DownloadListener downloads = null;
        boolean touched = false;
        boolean staged = false;
        try {
            AgentLine.Claimed claimed = agentStep(agent, "claim", AgentLine.Claimed.class, deadline);
            touched = true;
            LOG.info("{}: claimed by attempt {} since {}", router, claimed.attempt(), claimed.since());
            receiver = services.telemetry(laptop);
            token = receiver.register(router, this::onTelemetry);
            if (useFetch) {
                imageServer = services.imageServer(laptop);
                publication = imageServer.publish(request.image());
            }
            String led = facts.leds().contains("SYSTEM") ? "SYSTEM" : facts.leds().isEmpty() ? "" : facts.leds().get(0);
            StageConf conf = new StageConf(plan, useFetch ? StageConf.Transport.FETCH : StageConf.Transport.SSH,
                    publication == null ? "" : publication.url().toString(), publication == null ? "" : publication.password(),
                    laptop.getHostAddress(), receiver.port(), token.value(), 1, led);
            agentStep(agent, "conf", conf.text().getBytes(StandardCharsets.UTF_8), AgentLine.Done.class, deadline);

            step(Phase.PREFLIGHT);
            AgentLine.Prepared prep = agentStep(agent, "prepare", AgentLine.Prepared.class, deadline);
            note(UpgradeEvent.Note.Level.INFO, "Memory disk " + prep.md() + " of " + prep.mdSize() + " bytes made");

            step(Phase.DOWNLOAD);
            if (useFetch) {
                String user = publication.user();
                long total = publication.size();
                downloads = p -> {
                    if (p.user().equals(user)) {
                        emit(new UpgradeEvent.Progress(router, now(), Phase.DOWNLOAD, p.bytes(), total, "bytes",
                                p.state() + " " + p.bytesPerSecond() + " B/s"));
                    }
                };
                imageServer.addDownloadListener(downloads);
                agentStep(agent, "fetch", AgentLine.Fetched.class, deadline.multipliedBy(5));
            } else {
                UploadResult up = session.upload(request.image(), prep.image(), deadline.multipliedBy(5));
                emit(new UpgradeEvent.Progress(router, now(), Phase.DOWNLOAD, up.size(), plan.imageSize(), "bytes",
                        "over SSH, checked by " + up.check().description()));
            }

            step(Phase.VERIFY_IMAGE);
            if (useFetch && !facts.hasTool("sha256")) {
                readBackImage(session, prep.image(), deadline);
            }
            AgentLine.Staged sealed = agentStep(agent, "seal", AgentLine.Staged.class, deadline);
            if (sealed.sha256().isPresent() && !sealed.sha256().get().equals(plan.imageSha256())) {
                throw new UpgradeFailure(Outcome.FAILED_SAFE, "DIGEST_MISMATCH", "The staged image's SHA-256 differs from"
                        + " the image's; nothing was written.");
            }
            step(Phase.STAGED);
            staged = true;
            return new StagedState(agent, sealed.md(), receiver, token, imageServer, publication);
        } catch (UpgradeFailure f) {
            // BUSY: what is staged is not ours to remove; it may belong to an upgrade of this router running now.
            UpgradeFailure g = cancelledOr(f);
            throw touched && !"BUSY".equals(f.code()) ? undo(agent, g) : g;
        } catch (IOException e) {
            UpgradeFailure f = cancelledOr(new UpgradeFailure(Outcome.FAILED_SAFE, codeOf(e), e.getMessage(), e));
            throw touched ? undo(agent, f) : f;
        } finally {
            if (downloads != null) {
                imageServer.removeDownloadListener(downloads);
            }
            if (!staged) {
                if (publication != null) {
                    imageServer.unpublish(publication);
                }
                if (token != null) {
                    receiver.unregister(token);
                }
            }
        }
    }

    /** The router is claimed by another attempt: say who, since when, and what to do (never to clean up a commit). */
    private UpgradeFailure busy(AgentLine.Holder holder, String agentText) {
        if (holder == null) {
            return new UpgradeFailure(Outcome.FAILED_SAFE, "BUSY", "Another upgrade of this router holds it: " + agentText
                    + " Nothing was changed. If no other upgrade of this router is running, run 'fleetflash cleanup " + router
                    + "', then try again.");
        }
        String who = "Another upgrade of this router (attempt " + holder.attempt() + ", started " + holder.since() + " from "
                + holder.laptop() + ")";
        if (holder.committing()) {
            return new UpgradeFailure(Outcome.FAILED_SAFE, "BUSY", who + " is rerooting it right now. Nothing was changed by"
                    + " this attempt. Wait a few minutes for it to flash and reboot, then check it with 'fleetflash probe "
                    + router + "'.");
        }
        return new UpgradeFailure(Outcome.FAILED_SAFE, "BUSY", who + " holds it. Nothing was changed by this attempt. If that"
                + " upgrade is no longer running (its laptop was switched off, say), run 'fleetflash cleanup " + router
                + "' (or reboot the router), then try again.");
    }

    /** Where the router has no sha256: read the staged image back over SSH and compare here. */
    private void readBackImage(DeviceSession session, String imagePath, Duration deadline) throws IOException, UpgradeFailure {
        MessageDigest sha = sha256();
        long n = session.readBinary(DeviceSession.sh("cat " + DeviceSession.shellQuote(imagePath)), deadline.multipliedBy(5),
                new DigestingStream(OutputStream.nullOutputStream(), sha));
        String hex = HexFormat.of().formatHex(sha.digest());
        if (n != plan.imageSize() || !hex.equals(plan.imageSha256())) {
            throw new UpgradeFailure(Outcome.FAILED_SAFE, n != plan.imageSize() ? "SIZE_MISMATCH" : "DIGEST_MISMATCH",
                    "The image staged on the router (" + n + " bytes, SHA-256 " + hex + ") is not the image ("
                            + plan.imageSize() + " bytes, " + plan.imageSha256() + "); nothing was written.");
        }
        note(UpgradeEvent.Note.Level.INFO, "Staged image read back and checked here (the router has no sha256)");
    }

    /**
     * Cleans up on the router (on a new session when the step's session is gone, e.g. after a cancel); if that
     * fails, the router is not "exactly as it was" any more and the result says so.
     */
    private UpgradeFailure undo(AgentRunner agent, UpgradeFailure cause) {
        DeviceSession fresh = null;
        try {
            AgentRunner runner = agent;
            if (!agent.session().isOpen()) {
                fresh = services.connector().open(request.target(), request.credentials(), request.ssh(), request.hostKeys());
                runner = AgentRunner.installed(fresh, agent.home(), agent.upload());
            }
            List<AgentLine> lines = new ArrayList<>();
            int status = runner.run(List.of("cleanup", attempt), request.ssh().commandDeadline(), lines::add);
            boolean ok = status == 0 && lines.stream().anyMatch(AgentLine.Done.class::isInstance);
            if (ok) {
                return new UpgradeFailure(cause.outcome(), cause.code(), join(cause.getMessage(), undoneSentence(lines)), cause);
            }
        } catch (DeviceException e) {
            LOG.warn("Cleanup on {} failed: {}", router, e.getMessage());
        } finally {
            if (fresh != null) {
                fresh.close();
            }
        }
        return new UpgradeFailure(Outcome.NEEDS_ATTENTION, cause.code(), join(cause.getMessage(), "The router still runs its"
                + " old firmware, but FleetFlash could not remove its memory disk and files: run 'fleetflash cleanup "
                + router + "', or reboot the router, to free them."), cause);
    }

    /** What the agent put back, in its own words, or that there was nothing left to put back. */
    private static String undoneSentence(List<AgentLine> lines) {
        List<String> undone = lines.stream().filter(AgentLine.Undone.class::isInstance)
                .map(l -> ((AgentLine.Undone) l).text()).toList();
        String put = undone.isEmpty() ? "The agent had already removed what it made."
                : "FleetFlash put back on the router: " + String.join("; ", undone) + ".";
        return put + " The router runs its old firmware, untouched.";
    }

    private static String newAttemptId() {
        byte[] b = new byte[8];
        new java.security.SecureRandom().nextBytes(b);
        return STAMP.format(Instant.now()) + "-" + HexFormat.of().formatHex(b);
    }

    private static String join(String a, String b) {
        return a == null || a.isBlank() ? b : a.endsWith(".") ? a + " " + b : a + ". " + b;
    }

    /** Runs an agent sub-command of this attempt and returns its result line, passing checks and log lines on as notes. */
    private <T extends AgentLine> T agentStep(AgentRunner agent, String sub, Class<T> expected, Duration deadline)
            throws UpgradeFailure {
        return agentStep(agent, sub, null, expected, deadline);
    }

    private <T extends AgentLine> T agentStep(AgentRunner agent, String sub, byte[] stdin, Class<T> expected, Duration deadline)
            throws UpgradeFailure {
        List<AgentLine> lines = new ArrayList<>();
        int status = beforeReroot(() -> agent.run(List.of(sub, attempt), stdin, deadline, line -> {
            lines.add(line);
            forward(line);
        }));
        T result = null;
        AgentLine.Holder holder = null;
        for (AgentLine l : lines) {
            if (l instanceof AgentLine.Holder h) {
                holder = h;
            }
            if (l instanceof AgentLine.Error e) {
                throw "BUSY".equals(e.code()) ? busy(holder, e.text()) : new UpgradeFailure(Outcome.FAILED_SAFE, e.code(), e.text());
            }
            if (expected.isInstance(l)) {
                result = expected.cast(l);
            }
        }
        if (result == null || status != 0) {
            throw new UpgradeFailure(Outcome.FAILED_SAFE, "AGENT_DIED", "The agent's " + sub + " ended (status " + status
                    + ") without reporting its result; last lines: " + tail(lines));
        }
        return result;
    }

    private void forward(AgentLine line) {
        if (line instanceof AgentLine.Check c) {
            note(c.ok() ? UpgradeEvent.Note.Level.INFO : UpgradeEvent.Note.Level.WARNING,
                    "check " + c.name() + ": " + (c.ok() ? "ok" : "FAILED") + (c.text().isEmpty() ? "" : " — " + c.text()));
        } else if (line instanceof AgentLine.Log l && !l.text().isBlank()) {
            LOG.debug("{} agent: {}", router, l.text());
        }
    }

    // ---- the point of no return --------------------------------------------------------------------

    private void commit(DeviceSession session, AgentRunner agent, Duration deadline) throws UpgradeFailure {
        List<AgentLine> lines = new ArrayList<>();
        try {
            agent.run(List.of("commit", attempt), deadline, lines::add);
        } catch (DeviceException e) {
            // The session is expected to die right after reboot -r; only a missing "committed" matters.
            LOG.info("{}: session ended during commit: {}", router, e.getMessage());
        } finally {
            session.close();
        }
        Optional<AgentLine.Error> error = lines.stream().filter(AgentLine.Error.class::isInstance)
                .map(AgentLine.Error.class::cast).findFirst();
        boolean committed = lines.stream().anyMatch(AgentLine.Committed.class::isInstance);
        if (error.isPresent() && !committed && !"COMMIT_TIMEOUT".equals(error.get().code())) {
            // Refused, or failed and undone on the router before the reroot: still safe, but the memory disk is left
            // over. It is cleaned up on a new session; a router that cannot be reached for that is not known to be
            // as it was, so that is NEEDS_ATTENTION (undo says so).
            throw undo(agent, new UpgradeFailure(Outcome.FAILED_SAFE, error.get().code(), error.get().text()));
        }
        if (!committed) {
            note(UpgradeEvent.Note.Level.WARNING, "The router did not confirm the commit before the session ended;"
                    + " treating it as rerooting.");
        }
    }

    private void onTelemetry(TelemetryEvent e) {
        lastTelemetry.set(e);
        switch (e.kind()) {
            case HELLO -> note(UpgradeEvent.Note.Level.INFO, "Telemetry path works (router → laptop)");
            case BEGIN -> {
                advanceTo(Phase.FLASH);
                emit(new UpgradeEvent.Progress(router, now(), Phase.FLASH, 0, e.number("blocks").orElse(plan.blocks()),
                        "blocks", "begin"));
            }
            case PROGRESS -> {
                advanceTo(Phase.FLASH);
                e.number("block").ifPresent(b -> blockActions.put(b, e.fields().getOrDefault("action", "")));
                emit(new UpgradeEvent.Progress(router, now(), Phase.FLASH, e.number("block").orElse(0),
                        e.number("blocks").orElse(plan.blocks()), "blocks", e.fields().getOrDefault("action", "")));
            }
            case VERIFY_OK -> advanceTo(Phase.VERIFY_FLASH);
            case DONE -> {
                e.number("written").ifPresent(written::set);
                e.number("same").ifPresent(same::set);
                advanceTo(Phase.REBOOT);
            }
            case ERROR -> note(UpgradeEvent.Note.Level.WARNING, "The flasher reported " + e.fields().getOrDefault("code", "ERROR")
                    + ": " + e.fields().getOrDefault("text", ""));
        }
    }

    private void followFlashAndReturn(StagedState staged) throws UpgradeFailure {
        try {
            if (staged.publication() != null) {
                staged.imageServer().unpublish(staged.publication());
            }
            Instant until = now().plus(request.returnTimeout());
            DeviceSession back = awaitReturn(until, staged);
            try {
                advanceTo(Phase.RETURN);
                transition(Phase.READ_BACK);
                verifyFlash(back);
                transition(Phase.VERIFIED);
            } finally {
                back.close();
            }
        } finally {
            release(staged);
        }
    }

    /** Stops serving the image and listening for the router's telemetry; safe to call twice. */
    private void release(StagedState staged) {
        if (staged.publication() != null) {
            staged.imageServer().unpublish(staged.publication());
        }
        staged.receiver().unregister(staged.token());
    }

    /**
     * Whether the router answering now is still the system that ran the commit (it never rebooted): a reboot
     * clears /tmp, so the commit's own record there tells. Such a router either still runs the detached commit
     * (it answers COMMITTING: wait) or undid it (then it is cleaned up and the result is what the commit said).
     *
     * @return true to keep waiting; false when the router has rebooted
     * @throws UpgradeFailure FAILED_SAFE with the commit's own error when it undid itself and was cleaned up
     */
    private boolean stillBeforeReroot(DeviceSession s, StagedState staged) throws DeviceException, UpgradeFailure {
        AgentRunner agent = staged.agent();
        String log = agent.home() + "/commit.log";
        ExecResult trace = s.exec(DeviceSession.sh("cat " + DeviceSession.shellQuote(log) + " 2>/dev/null"),
                request.ssh().commandDeadline());
        if (trace.exitStatus() != 0) {
            return false; // no record of the commit: /tmp was cleared by a reboot
        }
        AgentRunner here = AgentRunner.installed(s, agent.home(), agent.upload());
        List<AgentLine> lines = new ArrayList<>();
        here.run(List.of("cleanup", attempt), request.ssh().commandDeadline(), lines::add);
        if (lines.stream().anyMatch(l -> l instanceof AgentLine.Error e && "COMMITTING".equals(e.code()))) {
            return true;
        }
        AgentLine.Error said = trace.stdout().lines().map(AgentLineParser::parse).filter(AgentLine.Error.class::isInstance)
                .map(AgentLine.Error.class::cast).reduce((a, b) -> b)
                .orElse(new AgentLine.Error("COMMIT_LOST", "The commit ended on the router without rerooting it."));
        boolean cleaned = lines.stream().anyMatch(AgentLine.Done.class::isInstance);
        throw new UpgradeFailure(cleaned ? Outcome.FAILED_SAFE : Outcome.NEEDS_ATTENTION, said.code(), join(said.text(),
                cleaned ? undoneSentence(lines) : "FleetFlash could not clean up after it: run 'fleetflash cleanup " + router
                        + "', or reboot the router."));
    }

    /**
     * Polls SSH until the router answers from its new firmware, or the deadline passes. A refused login or a
     * failed handshake is retried within the window: a router going down for the reroot, or coming up, may
     * answer half-way (sshd shutting down, keys being generated). Only a changed host key ends it early.
     */
    private DeviceSession awaitReturn(Instant until, StagedState staged) throws UpgradeFailure {
        String md = staged.md();
        Duration wait = RETURN_POLL_MIN;
        DeviceException lastLoginError = null;
        SshOptions quick = request.ssh().withConnectTimeout(min(request.ssh().connectTimeout(), Duration.ofSeconds(5)));
        int attempts = 0;
        while (now().isBefore(until) && attempts++ < 10_000) {
            try {
                DeviceSession s = services.connector().open(request.target(), request.credentials(), quick, request.hostKeys());
                String root = s.exec(DeviceSession.sh("kenv -q vfs.root.mountfrom"), quick.commandDeadline()).stdout().strip();
                boolean rebooted;
                try {
                    rebooted = !root.endsWith("/dev/" + md) && !root.endsWith(":" + md) && !stillBeforeReroot(s, staged);
                } catch (UpgradeFailure | DeviceException | RuntimeException e) {
                    s.close();
                    throw e;
                }
                if (rebooted) {
                    return s;
                }
                s.close(); // still the old system, before the reroot took it down
            } catch (DeviceUnreachableException | NotSshException e) {
                LOG.debug("{} not back yet: {}", router, e.getMessage());
            } catch (HostKeyChangedException | CredentialsUnusableException e) {
                throw new UpgradeFailure(Outcome.NEEDS_ATTENTION, codeOf(e), "The router answers again but FleetFlash cannot"
                        + " log in to check it: " + e.getMessage(), e);
            } catch (DeviceException e) {
                LOG.debug("{} answers but not yet usable: {}", router, e.getMessage());
                lastLoginError = e;
            }
            if (phase.compareTo(Phase.REBOOT) >= 0) {
                advanceTo(Phase.RETURN); // the flasher said it is rebooting: now we are waiting for the return
            }
            sleep(wait);
            wait = min(wait.multipliedBy(2), RETURN_POLL_MAX);
        }
        if (lastLoginError != null) {
            throw new UpgradeFailure(Outcome.NEEDS_ATTENTION, codeOf(lastLoginError), "The router answered SSH again after"
                    + " the reroot but FleetFlash could not log in to check it until the return window of "
                    + describe(request.returnTimeout()) + " ended: " + lastLoginError.getMessage() + " Check its login, then"
                    + " run the upgrade again to check the flash (it says 'already up to date' when the image is there).",
                    lastLoginError);
        }
        TelemetryEvent last = lastTelemetry.get();
        throw new UpgradeFailure(Outcome.NEEDS_ATTENTION, "NO_RETURN", "The router did not answer SSH within "
                + describe(request.returnTimeout()) + " after the reroot"
                + (last == null ? " and sent no telemetry" : "; its last report was " + last.kind() + " " + last.fields())
                + ". It may still be flashing, or be stuck: check its LEDs; a console may be needed. The backup is in "
                + backup + ".");
    }

    /** Reads the span back from the returned router and compares it with the plan's padded image. */
    private void verifyFlash(DeviceSession session) throws UpgradeFailure {
        Duration deadline = request.ssh().commandDeadline();
        try {
            AgentRunner agent = AgentRunner.install(session, deadline);
            DeviceFactsBuilder builder = new DeviceFactsBuilder();
            agent.runCollecting("probe", deadline).lines().forEach(builder);
            DeviceFacts after = builder.build();
            List<Partition> span = new ArrayList<>();
            for (String name : plan.layout()) {
                span.add(after.partition(name).orElseThrow(() -> new UpgradeFailure(Outcome.NEEDS_ATTENTION, "LAYOUT_CHANGED",
                        "The returned router has no partition " + name + "; it may run other firmware than planned.")));
            }
            long spanSize = span.stream().mapToLong(Partition::size).sum();
            if (span.get(0).offset() != plan.spanOffset() || spanSize != plan.spanSize()) {
                throw new UpgradeFailure(Outcome.NEEDS_ATTENTION, "LAYOUT_CHANGED", "The returned router's " + String.join(" + ",
                        plan.layout()) + " span is not where the plan wrote the image.");
            }
            MessageDigest sha = sha256();
            session.readBinary(readCommand(agent, plan.layout()), deadline.multipliedBy(5),
                    new LimitedDigestStream(sha, plan.paddedSize()));
            String hex = HexFormat.of().formatHex(sha.digest());
            if (!hex.equals(plan.paddedSha256())) {
                throw new UpgradeFailure(Outcome.NEEDS_ATTENTION, "FLASH_MISMATCH", "The router came back, but its flash does"
                        + " not hold the image (SHA-256 " + hex + " instead of " + plan.paddedSha256() + "). Do not power it"
                        + " off; upgrade it again, or restore from the backup in " + backup + ".");
            }
            note(UpgradeEvent.Note.Level.INFO, "Flash read back from the returned router: matches the image");
        } catch (DeviceException | ProbeFailedException e) {
            throw new UpgradeFailure(Outcome.NEEDS_ATTENTION, "VERIFY_FAILED", "The router came back but its flash could not"
                    + " be read back to check it: " + e.getMessage(), e);
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------

    @FunctionalInterface
    private interface DeviceCall<T> {
        T call() throws DeviceException;
    }

    private <T> T beforeReroot(DeviceCall<T> call) throws UpgradeFailure {
        try {
            return call.call();
        } catch (DeviceException e) {
            throw cancelledOr(new UpgradeFailure(Outcome.FAILED_SAFE, codeOf(e), e.getMessage(), e));
        }
    }

    private synchronized void transition(Phase to) {
        Phase from = phase;
        phase = to;
        LOG.info("{}: {} -> {}", router, from, to);
        emit(new UpgradeEvent.PhaseChanged(router, now(), from, to));
    }

    /** Moves forward only (telemetry may arrive late or out of order). */
    private synchronized void advanceTo(Phase to) {
        if (phase == null || phase.compareTo(to) < 0) {
            transition(to);
        }
    }

    private void note(UpgradeEvent.Note.Level level, String text) {
        emit(new UpgradeEvent.Note(router, now(), phase, level, text));
    }

    private void emit(UpgradeEvent e) {
        try {
            events.accept(e);
        } catch (RuntimeException ex) {
            LOG.warn("An upgrade event listener failed on {}", e, ex);
        }
    }

    private Instant now() {
        return clock.instant();
    }


    static String codeOf(IOException e) {
        if (e instanceof DeviceUnreachableException || e instanceof NotSshException) {
            return "UNREACHABLE";
        }
        String simple = e.getClass().getSimpleName().replace("Exception", "");
        return simple.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT);
    }

    /** A file-name-safe form of a router string: only [A-Za-z0-9._-], at most {@code max} characters, never empty. */
    static String safeName(String s, int max) {
        String safe = s.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("\\.{2,}", "_").replaceAll("^\\.", "_");
        if (safe.length() > max) {
            safe = safe.substring(0, max);
        }
        return safe.isEmpty() ? "_" : safe;
    }

    private static String tail(List<AgentLine> lines) {
        return lines.stream().skip(Math.max(0, lines.size() - 5)).map(Object::toString).reduce((a, b) -> a + " | " + b).orElse("(none)");
    }

    private static String describe(Duration d) {
        return d.toMinutes() > 0 ? d.toMinutes() + " min " + d.toSecondsPart() + " s" : d.toSeconds() + " s";
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static void sleep(Duration d) throws UpgradeFailure {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpgradeFailure(Outcome.NEEDS_ATTENTION, "INTERRUPTED", "Waiting for the router was interrupted after the"
                    + " reroot; check whether it came back.", e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes through to {@code out} and feeds the digest. */
    private static final class DigestingStream extends OutputStream {
        private final OutputStream out;
        private final MessageDigest digest;

        DigestingStream(OutputStream out, MessageDigest digest) {
            this.out = out;
            this.digest = digest;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            digest.update(b, off, len);
        }
    }

    /** Digests only the first {@code limit} bytes. */
    private static final class LimitedDigestStream extends OutputStream {
        private final MessageDigest digest;
        private long left;

        LimitedDigestStream(MessageDigest digest, long limit) {
            this.digest = digest;
            this.left = limit;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            int n = (int) Math.min(len, left);
            if (n > 0) {
                digest.update(b, off, n);
                left -= n;
            }
        }
    }
}

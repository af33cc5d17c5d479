package org.fleetflash.core.upgrade;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.fleetflash.agent.plan.FlashPlan;
import org.fleetflash.agent.plan.PlanRefusedException;
import org.fleetflash.agent.protocol.AgentLine;
import org.fleetflash.agent.protocol.DeviceFacts;
import org.fleetflash.agent.protocol.DeviceFactsBuilder;
import org.fleetflash.agent.protocol.Partition;
import org.fleetflash.agent.protocol.ProbeFailedException;
import org.fleetflash.core.device.AgentRunner;
import org.fleetflash.core.device.DeviceException;
import org.fleetflash.core.device.DeviceSession;
import org.fleetflash.core.device.DeviceUnreachableException;
import org.fleetflash.core.device.ExecResult;
import org.fleetflash.core.device.NotSshException;
import org.fleetflash.core.device.SshOptions;
import org.fleetflash.core.device.UploadResult;
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
    /** Exit status of the stage.conf writer when another upgrade is staged (EX_TEMPFAIL). */
    private static final int BUSY_STATUS = 75;
    private static final Duration RETURN_POLL_MIN = Duration.ofSeconds(1);
    private static final Duration RETURN_POLL_MAX = Duration.ofSeconds(10);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final UpgradeRequest request;
    private final UpgradeServices services;
    private final Consumer<? super UpgradeEvent> events;
    private final Clock clock;
    private final String router;

    private volatile Phase phase;
    private FlashPlan plan;
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

    /** Runs the whole upgrade; never throws: every ending is an {@link UpgradeResult} and a {@code Finished} event. */
    public UpgradeResult run() {
        UpgradeResult result;
        try {
            runPhases();
            result = finish(Outcome.SUCCEEDED, "OK", "Upgraded: the router came back and its flash matches the image"
                    + " (" + plan.paddedSize() + " bytes over " + String.join(" + ", plan.layout()) + ").");
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
        emit(new UpgradeEvent.Finished(router, now(), outcome, phase, code, message, written.get(), same.get()));
        return new UpgradeResult(outcome, phase, code, message, Optional.ofNullable(plan), Optional.ofNullable(backup),
                written.get(), same.get());
    }

    private void runPhases() throws UpgradeFailure {
        Duration deadline = request.ssh().commandDeadline();
        transition(Phase.CONNECT);
        DeviceSession session = connect(request.ssh());
        StagedState staged;
        try {
            transition(Phase.UPLOAD_AGENT);
            AgentRunner agent = beforeReroot(() -> AgentRunner.install(session, deadline), "AGENT_UPLOAD");
            transition(Phase.PROBE);
            DeviceFacts facts = probe(agent, deadline);
            transition(Phase.PLAN);
            plan = plan(facts);
            transition(Phase.BACKUP);
            backup = backup(session, facts, deadline);
            staged = stage(session, agent, facts, deadline);
        } catch (UpgradeFailure | RuntimeException e) {
            session.close();
            throw e;
        }
        commit(session, staged.agent(), deadline);
        followFlashAndReturn(staged);
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
        AgentRunner.Result run = beforeReroot(() -> agent.runCollecting("probe", deadline), "PROBE");
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

    private FlashPlan plan(DeviceFacts facts) throws UpgradeFailure {
        if (!facts.tmpfs()) {
            throw new UpgradeFailure(Outcome.FAILED_SAFE, "NO_TMPFS", "Refused in pre-flight: this router's kernel cannot"
                    + " mount a tmpfs, which reboot -r needs; rerooting would strand it in single-user mode."
                    + " Upgrade it with a console, or first install firmware built with TMPFS.");
        }
        try {
            FlashPlan p = FlashPlan.create(request.image(), facts.partitions(), request.layout(), facts.eraseBlock());
            note(UpgradeEvent.Note.Level.INFO, String.format("Plan: %d bytes over %s, %d erase blocks of %d bytes",
                    p.imageSize(), String.join(" + ", p.layout()), p.blocks(), p.eraseBlock()));
            return p;
        } catch (PlanRefusedException e) {
            throw new UpgradeFailure(Outcome.FAILED_SAFE, e.reason().name(), "Refused before any transfer: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UpgradeFailure(Outcome.FAILED_SAFE, "IMAGE_UNREADABLE", "Cannot read the image " + request.image()
                    + ": " + e.getMessage(), e);
        }
    }

    /** Copies every partition of the flash to the laptop, with a SHA256SUMS file, before anything is written. */
    private Path backup(DeviceSession session, DeviceFacts facts, Duration deadline) throws UpgradeFailure {
        Path dir = request.backupDir().resolve(safeName(facts.hostname()) + "_" + safeName(router) + "_" + STAMP.format(now()));
        try {
            Files.createDirectories(dir);
            StringBuilder sums = new StringBuilder();
            int i = 0;
            for (Partition p : facts.partitions()) {
                Path file = dir.resolve(safeName(p.name()) + ".bin");
                MessageDigest sha = sha256();
                long n;
                try (OutputStream out = Files.newOutputStream(file)) {
                    n = session.readBinary(DeviceSession.sh("dd if=\"${FF_ROOT}/dev/map/" + p.name() + "\" bs=" + facts.eraseBlock()
                            + " 2>/dev/null"), deadline, new DigestingStream(out, sha));
                }
                if (n != p.size()) {
                    throw new UpgradeFailure(Outcome.FAILED_SAFE, "BACKUP_FAILED", "Backup of " + p.name() + " read " + n
                            + " bytes instead of " + p.size() + "; nothing was changed on the router. Try again.");
                }
                sums.append(HexFormat.of().formatHex(sha.digest())).append("  ").append(file.getFileName()).append('\n');
                emit(new UpgradeEvent.Progress(router, now(), Phase.BACKUP, ++i, facts.partitions().size(), "partitions", p.name()));
            }
            Files.writeString(dir.resolve("SHA256SUMS"), sums.toString(), StandardCharsets.UTF_8);
            note(UpgradeEvent.Note.Level.INFO, "Backed up " + facts.partitions().size() + " partitions to " + dir);
            return dir;
        } catch (DeviceException e) {
            throw new UpgradeFailure(Outcome.FAILED_SAFE, "BACKUP_FAILED", "Could not back up the flash before writing it: "
                    + e.getMessage() + " Nothing was changed on the router.", e);
        } catch (IOException e) {
            throw new UpgradeFailure(Outcome.FAILED_SAFE, "BACKUP_FAILED", "Could not write the backup to " + dir + ": "
                    + e.getMessage() + ". Free some disk space; nothing was changed on the router.", e);
        }
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
            touched = true;
            writeStageConf(session, agent, conf, deadline);

            transition(Phase.PREFLIGHT);
            AgentLine.Prepared prep;
            try {
                prep = agentStep(agent, "prepare", AgentLine.Prepared.class, deadline);
            } catch (UpgradeFailure f) {
                if (!"BUSY".equals(f.code())) {
                    throw f;
                }
                throw busy();
            }
            note(UpgradeEvent.Note.Level.INFO, "Memory disk " + prep.md() + " of " + prep.mdSize() + " bytes made");

            transition(Phase.DOWNLOAD);
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

            transition(Phase.VERIFY_IMAGE);
            if (useFetch && !facts.hasTool("sha256")) {
                readBackImage(session, prep.image(), deadline);
            }
            AgentLine.Staged sealed = agentStep(agent, "seal", AgentLine.Staged.class, deadline);
            if (sealed.sha256().isPresent() && !sealed.sha256().get().equals(plan.imageSha256())) {
                throw new UpgradeFailure(Outcome.FAILED_SAFE, "DIGEST_MISMATCH", "The staged image's SHA-256 differs from"
                        + " the image's; nothing was written.");
            }
            transition(Phase.STAGED);
            staged = true;
            return new StagedState(agent, sealed.md(), receiver, token, imageServer, publication);
        } catch (UpgradeFailure f) {
            // BUSY: what is staged is not ours to remove; it may belong to an upgrade of this router running now.
            throw touched && !"BUSY".equals(f.code()) ? undo(agent, f) : f;
        } catch (IOException e) {
            UpgradeFailure f = new UpgradeFailure(Outcome.FAILED_SAFE, codeOf(e), e.getMessage(), e);
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

    private void writeStageConf(DeviceSession session, AgentRunner agent, StageConf conf, Duration deadline)
            throws IOException, UpgradeFailure {
        String path = agent.home() + "/stage.conf";
        String marker = agent.home() + "/" + org.fleetflash.agent.Agent.PREPARED_MARKER;
        // Refuse before touching anything when another upgrade is staged (its stage.conf must stay).
        ExecResult r = session.exec(DeviceSession.sh("[ -f " + DeviceSession.shellQuote(marker) + " ] && exit " + BUSY_STATUS
                + "; umask 077 && : > " + DeviceSession.shellQuote(path) + " && chmod 600 " + DeviceSession.shellQuote(path)),
                deadline);
        if (r.exitStatus() == BUSY_STATUS) {
            throw busy();
        }
        if (r.exitStatus() != 0) {
            throw new UpgradeFailure(Outcome.FAILED_SAFE, "NO_CONF", "Cannot write " + path + " on the router: " + r.stderr());
        }
        session.upload(conf.text().getBytes(StandardCharsets.UTF_8), path, deadline);
    }

    private UpgradeFailure busy() {
        return new UpgradeFailure(Outcome.FAILED_SAFE, "BUSY", "Another upgrade of this router is staged, or an earlier one"
                + " was interrupted and left its memory disk. Nothing was changed. If no other upgrade of this router is"
                + " running, run 'fleetflash cleanup " + router + "' (or reboot the router), then try again.");
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

    /** Cleans up on the router; if that fails, the router is not "exactly as it was" any more. */
    private UpgradeFailure undo(AgentRunner agent, UpgradeFailure cause) {
        try {
            AgentRunner.Result r = agent.runCollecting("cleanup", request.ssh().commandDeadline());
            boolean ok = r.exitStatus() == 0 && r.lines().stream().anyMatch(AgentLine.Done.class::isInstance);
            if (ok) {
                return cause;
            }
        } catch (DeviceException e) {
            LOG.warn("Cleanup on {} failed: {}", router, e.getMessage());
        }
        return new UpgradeFailure(Outcome.NEEDS_ATTENTION, cause.code(), cause.getMessage() + " The router still runs its"
                + " old firmware, but FleetFlash could not remove its memory disk and files: reboot the router to free them.",
                cause);
    }

    /** Runs an agent sub-command and returns its result line, passing checks and log lines on as notes. */
    private <T extends AgentLine> T agentStep(AgentRunner agent, String sub, Class<T> expected, Duration deadline)
            throws UpgradeFailure {
        List<AgentLine> lines = new ArrayList<>();
        int status = beforeReroot(() -> agent.run(sub, deadline, line -> {
            lines.add(line);
            forward(line);
        }), sub.toUpperCase(java.util.Locale.ROOT) + "_FAILED");
        T result = null;
        for (AgentLine l : lines) {
            if (l instanceof AgentLine.Error e) {
                throw new UpgradeFailure(Outcome.FAILED_SAFE, e.code(), e.text());
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
        transition(Phase.COMMIT);
        List<AgentLine> lines = new ArrayList<>();
        try {
            agent.run("commit", deadline, lines::add);
        } catch (DeviceException e) {
            // The session is expected to die right after reboot -r; only a missing "committed" matters.
            LOG.info("{}: session ended during commit: {}", router, e.getMessage());
        } finally {
            session.close();
        }
        Optional<AgentLine.Error> error = lines.stream().filter(AgentLine.Error.class::isInstance)
                .map(AgentLine.Error.class::cast).findFirst();
        boolean committed = lines.stream().anyMatch(AgentLine.Committed.class::isInstance);
        if (error.isPresent() && !committed) {
            // Refused before kenv/reboot -r: still safe, but the md is left over; clean it up on a new session.
            DeviceSession again = connect(request.ssh());
            try {
                throw undo(AgentRunner.installed(again, agent.home(), agent.upload()),
                        new UpgradeFailure(Outcome.FAILED_SAFE, error.get().code(), error.get().text()));
            } finally {
                again.close();
            }
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
            DeviceSession back = awaitReturn(until, staged.md());
            try {
                advanceTo(Phase.RETURN);
                transition(Phase.VERIFIED);
                verifyFlash(back);
            } finally {
                back.close();
            }
        } finally {
            staged.receiver().unregister(staged.token());
        }
    }

    /** Polls SSH with backoff until the router answers from its new firmware, or the deadline passes. */
    private DeviceSession awaitReturn(Instant until, String md) throws UpgradeFailure {
        Duration wait = RETURN_POLL_MIN;
        SshOptions quick = request.ssh().withConnectTimeout(min(request.ssh().connectTimeout(), Duration.ofSeconds(5)));
        int attempts = 0;
        while (now().isBefore(until) && attempts++ < 10_000) {
            try {
                DeviceSession s = services.connector().open(request.target(), request.credentials(), quick, request.hostKeys());
                String root = s.exec(DeviceSession.sh("kenv -q vfs.root.mountfrom"), quick.commandDeadline()).stdout().strip();
                if (!root.endsWith("/dev/" + md) && !root.endsWith(":" + md)) {
                    return s;
                }
                s.close(); // still the old system, before the reroot took it down
            } catch (DeviceUnreachableException | NotSshException e) {
                LOG.debug("{} not back yet: {}", router, e.getMessage());
            } catch (DeviceException e) {
                throw new UpgradeFailure(Outcome.NEEDS_ATTENTION, codeOf(e), "The router answers again but FleetFlash cannot"
                        + " log in to check it: " + e.getMessage(), e);
            }
            if (phase.compareTo(Phase.REBOOT) >= 0) {
                advanceTo(Phase.RETURN); // the flasher said it is rebooting: now we are waiting for the return
            }
            sleep(wait);
            wait = min(wait.multipliedBy(2), RETURN_POLL_MAX);
        }
        TelemetryEvent last = lastTelemetry.get();
        throw new UpgradeFailure(Outcome.NEEDS_ATTENTION, "NO_RETURN", "The router did not answer SSH within "
                + request.returnTimeout().toMinutes() + " min " + request.returnTimeout().toSecondsPart() + " s after the reroot"
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
            StringBuilder cmd = new StringBuilder();
            for (Partition p : span) {
                cmd.append("dd if=\"${FF_ROOT}/dev/map/").append(p.name()).append("\" bs=").append(after.eraseBlock())
                        .append(" 2>/dev/null || exit 1; ");
            }
            MessageDigest sha = sha256();
            session.readBinary(DeviceSession.sh(cmd.toString()), deadline.multipliedBy(5),
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

    private <T> T beforeReroot(DeviceCall<T> call, String code) throws UpgradeFailure {
        try {
            return call.call();
        } catch (DeviceException e) {
            throw new UpgradeFailure(Outcome.FAILED_SAFE, codeOf(e), e.getMessage(), e);
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

    private static String safeName(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static String tail(List<AgentLine> lines) {
        return lines.stream().skip(Math.max(0, lines.size() - 5)).map(Object::toString).reduce((a, b) -> a + " | " + b).orElse("(none)");
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

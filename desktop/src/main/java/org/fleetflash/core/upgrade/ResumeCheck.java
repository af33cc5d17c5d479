package org.fleetflash.core.upgrade;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.fleetflash.agent.plan.FlashPlan;
import org.fleetflash.agent.plan.PlanRefusedException;
import org.fleetflash.agent.protocol.DeviceFacts;
import org.fleetflash.agent.protocol.Partition;
import org.fleetflash.agent.protocol.ProbeFailedException;
import org.fleetflash.core.device.AgentRunner;
import org.fleetflash.core.device.Credentials;
import org.fleetflash.core.device.DeviceException;
import org.fleetflash.core.device.DeviceProber;
import org.fleetflash.core.device.DeviceSession;
import org.fleetflash.core.device.DeviceUnreachableException;
import org.fleetflash.core.device.HostKeyStore;
import org.fleetflash.core.device.NotSshException;
import org.fleetflash.core.device.SshConnector;
import org.fleetflash.core.device.SshHandshakeException;
import org.fleetflash.core.device.SshOptions;
import org.fleetflash.core.device.SshTarget;

/**
 * Finds out what an {@link InterruptedAttempt} really did to its router, from the router itself: it logs in
 * (waiting, when the reroot may have been sent, for a router that is still flashing or rebooting), removes what
 * the attempt left before its reroot (the agent's {@code cleanup}, which never touches a commit in progress),
 * probes it, reads the layout's span and compares it with the image and with the backup the attempt took.
 *
 * <p>The verdict: the span holds the image → {@link Outcome#SUCCEEDED} (the router finished on its own); it holds
 * what the backup holds → {@link Outcome#FAILED_SAFE} (untouched, and now cleaned up); anything else, or a router
 * that never answers after its reroot → {@link Outcome#NEEDS_ATTENTION}, with the evidence. A router that cannot be
 * judged now (unreachable before its reroot, login refused, a commit still running when the wait ends) gets no
 * outcome: its attempt stays interrupted, and the finding says what to do before trying again.
 */
public final class ResumeCheck {

    private static final Pattern MEMORY_DISK_ROOT = Pattern.compile(".*(/dev/|:)md[0-9]+$");
    private static final Duration POLL_MIN = Duration.ofMillis(250);
    private static final Duration POLL_MAX = Duration.ofSeconds(2);
    private static final int MAX_TRIES = 100_000;

    /**
     * What resume found.
     *
     * @param outcome         the attempt's outcome now, or empty when it cannot be judged yet (it stays interrupted)
     * @param code            why ({@link FailureCode#OK} for a router that finished on its own)
     * @param message         one or two sentences for the technician: what happened and what to do
     * @param firmwareVersion the version the router runs now, when it was reached
     * @param evidence        what was compared, line by line, for the attempt's transcript
     */
    public record Finding(Optional<Outcome> outcome, FailureCode code, String message, Optional<String> firmwareVersion,
            List<String> evidence) {
        public Finding {
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
            evidence = List.copyOf(evidence);
        }

        /** Whether the attempt has an outcome now. */
        public boolean settled() {
            return outcome.isPresent();
        }
    }

    /** Sleeps between tries; a test may pass one that moves its clock. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final SshConnector connector;
    private final java.util.function.Function<RouterId, Credentials> credentials;
    private final SshOptions ssh;
    private final HostKeyStore hostKeys;
    private final Duration returnWindow;
    private final Clock clock;
    private final Sleeper sleeper;

    /**
     * @param credentials  how to log in to each router
     * @param returnWindow how long to wait for a router whose reroot may have been sent (it may still be flashing)
     */
    public ResumeCheck(SshConnector connector, java.util.function.Function<RouterId, Credentials> credentials, SshOptions ssh, HostKeyStore hostKeys,
            Duration returnWindow, Clock clock, Sleeper sleeper) {
        this.connector = Objects.requireNonNull(connector, "connector");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.ssh = Objects.requireNonNull(ssh, "ssh");
        this.hostKeys = Objects.requireNonNull(hostKeys, "hostKeys");
        this.returnWindow = Objects.requireNonNull(returnWindow, "returnWindow");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /** Judges one interrupted attempt from its router. Never throws for what the router does; interrupts end it early. */
    public Finding check(InterruptedAttempt attempt) throws InterruptedException {
        return check(attempt, why -> { });
    }

    /**
     * The same, telling {@code waiting} what it waits for (a sentence for the technician: the router still flashing,
     * not answering, a commit still running, and for how long at most it goes on trying) each time that changes, so
     * that a wait of minutes is never silent. Called on the caller's thread.
     */
    public Finding check(InterruptedAttempt attempt, java.util.function.Consumer<String> waiting) throws InterruptedException {
        SshTarget target = new SshTarget(attempt.router().host(), attempt.router().port());
        if (!attempt.mayHaveRerooted()) {
            return checkReachable(attempt, target, hostKeys, waiting); // the router runs its old firmware: its pinned key, strictly
        }
        // Past its reroot the router may run new firmware with new host keys, as in the upgrade itself. But only the new
        // image in its flash explains new keys: a changed key is accepted for this check alone, and pinned only if the
        // check finds the image there.
        Provisional keys = new Provisional(hostKeys);
        Finding found = checkReachable(attempt, target, keys, waiting);
        if (keys.presented == null) {
            return found;
        }
        if (found.outcome().filter(o -> o == Outcome.SUCCEEDED).isPresent()) {
            try (org.fleetflash.core.device.RepinPermit permit = hostKeys.allowRepin(target, attempt.attemptId())) {
                if (hostKeys.repinIfAllowed(target, keys.pinned, keys.presented)) {
                    return found;
                }
            } catch (IOException e) {
                return unsettled(FailureCode.SSH_HANDSHAKE, "The router " + target.hostPort() + " runs the new image with a new host key,"
                        + " but this computer could not record the key (" + e.getMessage() + "). Its attempt stays INTERRUPTED: free"
                        + " disk space if it is full, then run 'fleetflash resume' again.");
            }
        }
        return unsettled(FailureCode.HOST_KEY_CHANGED, "The router " + target.hostPort() + " presents another host key ("
                + org.fleetflash.core.device.HostKeys.fingerprint(keys.presented) + ") than the one pinned ("
                + org.fleetflash.core.device.HostKeys.fingerprint(keys.pinned) + "), but its flash does not hold the new image, so"
                + " the upgrade does not explain the change and the key was not trusted. What the check saw: " + found.message()
                + " Its attempt stays INTERRUPTED. If you know why the key changed (the router was reset or replaced), "
                + hostKeys.howToForget(target) + ", then run 'fleetflash resume' again.");
    }

    /**
     * The store for a check past the reroot: a key other than the pinned one is let through for this check alone and
     * remembered, never pinned; everything else is the real store's.
     */
    static final class Provisional extends org.fleetflash.core.device.ForwardingHostKeyStore {
        private volatile java.security.PublicKey pinned;
        private volatile java.security.PublicKey presented;

        Provisional(HostKeyStore store) {
            super(store);
        }

        @Override
        public boolean repinIfAllowed(SshTarget target, java.security.PublicKey was, java.security.PublicKey now) {
            pinned = was;
            presented = now;
            return true;
        }
    }

    private Finding checkReachable(InterruptedAttempt attempt, SshTarget target, HostKeyStore keys,
            java.util.function.Consumer<String> waiting) throws InterruptedException {
        Instant until = clock.instant().plus(attempt.mayHaveRerooted() ? returnWindow : Duration.ZERO);
        Duration wait = POLL_MIN;
        String lastWhy = "";
        Wait told = null;
        for (int tries = 0; tries < MAX_TRIES; tries++) {
            Try t = once(attempt, target, keys);
            if (t.finding() != null) {
                return t.finding();
            }
            lastWhy = t.waitingFor();
            Instant now = clock.instant();
            if (!now.isBefore(until)) {
                break;
            }
            if (t.kind() != told) {
                told = t.kind();
                String why = lastWhy.endsWith(".") ? lastWhy.substring(0, lastWhy.length() - 1) : lastWhy;
                waiting.accept(why + "; trying again for at most " + ReturnWatch.describe(Duration.between(now, until)));
            }
            sleeper.sleep(wait);
            wait = wait.multipliedBy(2).compareTo(POLL_MAX) <= 0 ? wait.multipliedBy(2) : POLL_MAX;
        }
        if (attempt.mayHaveRerooted()) {
            return new Finding(Optional.of(Outcome.NEEDS_ATTENTION), FailureCode.NO_RETURN, stopped(attempt) + " The router"
                    + " was not back on a firmware FleetFlash can check within " + ReturnWatch.describe(returnWindow) + " ("
                    + lastWhy + "). It may still be flashing, or be stuck: check its LEDs; a console may be needed."
                    + backupHint(attempt), Optional.empty(), List.of("waited " + ReturnWatch.describe(returnWindow) + ": " + lastWhy));
        }
        return unsettled(FailureCode.UNREACHABLE, "Cannot judge " + target.hostPort() + " now: " + lastWhy + " Its attempt stays"
                + " INTERRUPTED; run 'fleetflash resume' again when the router is on the network. Its flash was not written"
                + " (the upgrade never reached its reroot).");
    }

    /** What a try that found no verdict waits for. */
    private enum Wait {
        SILENT, FLASHING, COMMITTING, UNCLEAR
    }

    /** One try: a finding, or what is still awaited (and which kind of wait that is). */
    private record Try(Finding finding, String waitingFor, Wait kind) {
        static Try found(Finding f) {
            return new Try(f, null, null);
        }
    }

    private Try once(InterruptedAttempt attempt, SshTarget target, HostKeyStore keys) {
        DeviceSession session;
        try {
            session = connector.open(target, credentials.apply(attempt.router()), ssh, keys);
        } catch (DeviceUnreachableException | NotSshException | SshHandshakeException e) {
            return new Try(null, "it does not answer SSH: " + e.getMessage(), Wait.SILENT); // also a router half-way up or down
        } catch (DeviceException e) {
            return Try.found(unsettled(FailureCode.of(e), "Cannot log in to " + target.hostPort() + " to check it: " + e.getMessage()
                    + " Its attempt stays INTERRUPTED: fix this, then run 'fleetflash resume' again."));
        }
        try (session) {
            Duration deadline = ssh.commandDeadline();
            AgentRunner agent = AgentRunner.install(session, deadline);
            DeviceFacts facts = DeviceProber.probe(agent, deadline).facts();
            if (MEMORY_DISK_ROOT.matcher(facts.rootMountFrom()).matches()) {
                // rerooted and flashing: nothing is touched on a router in that state, not even a cleanup
                return new Try(null, "it still runs from its memory disk (" + facts.rootMountFrom() + "): it is writing its flash, or"
                        + " stopped while doing so", Wait.FLASHING);
            }
            RouterCleanup.Report cleaned = RouterCleanup.run(agent, Optional.of(attempt.attemptId()), deadline);
            if (cleaned.refusal().filter(e -> "COMMITTING".equals(e.code())).isPresent()) {
                return new Try(null, "a commit is still running on it", Wait.COMMITTING);
            }
            return Try.found(judge(attempt, facts, read(session, agent, facts, attempt), cleaned));
        } catch (DeviceException e) {
            return new Try(null, "it answered but a command failed: " + e.getMessage(), Wait.UNCLEAR);
        } catch (ProbeFailedException e) {
            return new Try(null, "its probe could not be understood: " + e.getMessage(), Wait.UNCLEAR);
        } catch (IOException e) {
            return new Try(null, "its flash could not be read: " + e.getMessage(), Wait.UNCLEAR);
        }
    }

    /** The layout's span as the router holds it now: each partition's SHA-256, and the digest the plan compares. */
    record Span(Map<String, String> partitionSha256, Optional<FlashPlan> plan, Optional<String> planSha256, String planNote) {
    }

    private Span read(DeviceSession session, AgentRunner agent, DeviceFacts facts, InterruptedAttempt attempt)
            throws DeviceException, IOException {
        List<Partition> parts = new ArrayList<>();
        for (String name : attempt.layout()) {
            Optional<Partition> p = facts.partition(name);
            if (p.isEmpty()) {
                return new Span(Map.of(), Optional.empty(), Optional.empty(), "the router has no partition " + name + " now");
            }
            parts.add(p.get());
        }
        Optional<FlashPlan> plan = Optional.empty();
        String planNote = "";
        if (attempt.image().isEmpty() || !Files.isReadable(attempt.image().get())) {
            planNote = "the image " + attempt.image().map(Object::toString).orElse("(not recorded)") + " cannot be read on this laptop";
        } else {
            try {
                FlashPlan p = FlashPlan.create(attempt.image().get(), facts.partitions(), attempt.layout(), facts.eraseBlock());
                if (attempt.imageSha256().isPresent() && !attempt.imageSha256().get().equals(p.imageSha256())) {
                    planNote = "the image file " + attempt.image().get() + " changed since the attempt started";
                } else {
                    plan = Optional.of(p);
                }
            } catch (PlanRefusedException e) {
                planNote = "the image no longer fits the router's layout: " + e.getMessage();
            }
        }
        SpanDigests sink = new SpanDigests(parts, plan.map(FlashPlan::paddedSize).orElse(0L));
        List<String> args = new ArrayList<>();
        args.add("read");
        args.addAll(attempt.layout());
        session.readBinary(agent.command(args.toArray(String[]::new)), ssh.commandDeadline().multipliedBy(5), sink);
        return new Span(sink.partitions(), plan, plan.map(p -> sink.prefix()), planNote);
    }

    /**
     * The verdict from what was found; pure, so that every branch has a fast test.
     *
     * @param facts   the router now
     * @param span    its layout's span now
     * @param cleaned what the agent's cleanup put back
     */
    static Finding judge(InterruptedAttempt attempt, DeviceFacts facts, Span span, RouterCleanup.Report cleaned) {
        List<String> evidence = new ArrayList<>();
        Optional<String> version = facts.firmwareVersion();
        evidence.add("last phase recorded: " + attempt.reachedName() + "; the router runs " + version.orElse("an unknown version")
                + " from " + facts.rootMountFrom());
        cleaned.undone().forEach(u -> evidence.add("put back: " + u));
        cleaned.refusal().ifPresent(e -> evidence.add("cleanup refused: " + e.code() + " " + e.text()));
        span.partitionSha256().forEach((name, sha) -> evidence.add(name + " now: SHA-256 " + sha));
        if (!span.planNote().isEmpty()) {
            evidence.add("not compared with the image: " + span.planNote());
        }
        boolean holdsImage = span.plan().isPresent() && span.planSha256().equals(span.plan().map(FlashPlan::paddedSha256));
        span.plan().ifPresent(p -> evidence.add("the image laid over the span: SHA-256 " + p.paddedSha256() + (holdsImage
                ? " = the flash" : " ≠ the flash (" + span.planSha256().orElse("?") + ")")));
        List<String> differing = new ArrayList<>();
        boolean backupComplete = !attempt.backups().isEmpty();
        for (String name : attempt.layout()) {
            Optional<InterruptedAttempt.RecordedBackup> b = attempt.backups().stream().filter(x -> x.partition().equals(name)).findFirst();
            if (b.isEmpty()) {
                backupComplete = false;
            } else if (!b.get().sha256().equals(span.partitionSha256().get(name))) {
                differing.add(name);
            }
        }
        boolean asBackedUp = backupComplete && differing.isEmpty() && !span.partitionSha256().isEmpty();
        if (backupComplete) {
            evidence.add(asBackedUp ? "every layout partition matches the backup" : "differs from the backup: " + String.join(", ", differing));
        }
        String cleanup = cleaned.undone().isEmpty() ? "" : " What it had left on the router was put back (" + cleaned.undone().size()
                + " thing(s)).";
        if (cleaned.refusal().isPresent()) {
            cleanup = " FleetFlash could not clean up after it (" + cleaned.refusal().get().text() + "): run 'fleetflash cleanup "
                    + attempt.router().hostPort() + "' or reboot the router.";
        }
        if (!attempt.mayHaveRerooted()) {
            // Nothing writes the flash before the reroot, which this attempt never reached: it left the flash alone.
            String flash = !backupComplete ? "" : asBackedUp ? " (its flash matches the backup the attempt took)"
                    : " (its flash changed since the attempt's backup: another upgrade since?)";
            return new Finding(Optional.of(cleaned.clean() ? Outcome.FAILED_SAFE : Outcome.NEEDS_ATTENTION), FailureCode.PROCESS_DIED,
                    stopped(attempt) + " It never wrote the router's flash, which is as it was" + flash + "; the router runs "
                            + version.orElse("its old firmware") + "." + cleanup + " Upgrade it again when ready.", version, evidence);
        }
        if (holdsImage) {
            return new Finding(Optional.of(Outcome.SUCCEEDED), FailureCode.OK, stopped(attempt) + " The router finished on its own:"
                    + " resume read its flash back and it holds the image byte for byte" + version.map(v -> " (it runs " + v + ")")
                            .orElse("") + "." + cleanup, version, evidence);
        }
        if (asBackedUp) {
            return new Finding(Optional.of(cleaned.clean() ? Outcome.FAILED_SAFE : Outcome.NEEDS_ATTENTION), FailureCode.PROCESS_DIED,
                    stopped(attempt) + " The reroot did not happen: the router's flash is as it was (it matches the backup the"
                            + " attempt took), and it runs " + version.orElse("its old firmware") + "." + cleanup
                            + " Upgrade it again when ready.", version, evidence);
        }
        String what = "Its flash holds neither the image nor what it held before" + (differing.isEmpty() ? "" : " (" + String.join(", ",
                differing) + " differ from the backup)") + (span.planNote().isEmpty() ? "" : "; " + span.planNote()) + ".";
        return new Finding(Optional.of(Outcome.NEEDS_ATTENTION), FailureCode.PROCESS_DIED, stopped(attempt) + " " + what
                + " Do not power it off; upgrade it again, or restore it from the backup." + backupHint(attempt) + cleanup, version,
                evidence);
    }

    private static String stopped(InterruptedAttempt attempt) {
        if (!attempt.mayHaveRerooted()) {
            return "FleetFlash stopped during " + attempt.reachedName() + ", before the reroot.";
        }
        // "committing" is recorded before the reroot is asked for: from that phase alone, it may or may not have gone out
        return "FleetFlash stopped during " + attempt.reachedName() + (attempt.reached().orElseThrow() == Phase.COMMIT
                ? ", once the commit was on record (the reroot may or may not have been sent)." : ", after the reroot was sent.");
    }

    private static String backupHint(InterruptedAttempt attempt) {
        return attempt.backupDir().map(d -> " The backup is in " + d + ".").orElse("");
    }

    private static Finding unsettled(FailureCode code, String message) {
        return new Finding(Optional.empty(), code, message, Optional.empty(), List.of(message));
    }

    /** Digests the layout's partitions as they stream by, and the first {@code prefix} bytes of the span. */
    private static final class SpanDigests extends OutputStream {
        private final List<Partition> parts;
        private final Map<String, String> done = new LinkedHashMap<>();
        private final MessageDigest prefixSha = Digests.sha256();
        private long prefixLeft;
        private int index;
        private long partLeft;
        private MessageDigest partSha = Digests.sha256();

        SpanDigests(List<Partition> parts, long prefix) {
            this.parts = parts;
            this.prefixLeft = prefix;
            this.partLeft = parts.isEmpty() ? 0 : parts.get(0).size();
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            int n = (int) Math.min(len, prefixLeft);
            prefixSha.update(b, off, n);
            prefixLeft -= n;
            while (len > 0 && index < parts.size()) {
                int take = (int) Math.min(len, partLeft);
                partSha.update(b, off, take);
                off += take;
                len -= take;
                partLeft -= take;
                if (partLeft == 0) {
                    done.put(parts.get(index).name(), HexFormat.of().formatHex(partSha.digest()));
                    index++;
                    partSha = Digests.sha256();
                    partLeft = index < parts.size() ? parts.get(index).size() : 0;
                }
            }
        }

        Map<String, String> partitions() {
            return index == parts.size() ? done : Map.of(); // a short read proves nothing
        }

        String prefix() {
            return prefixLeft == 0 ? HexFormat.of().formatHex(prefixSha.digest()) : "short read";
        }
    }
}

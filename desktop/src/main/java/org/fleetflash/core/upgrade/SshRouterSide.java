package org.fleetflash.core.upgrade;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.fleetflash.agent.plan.FlashPlan;
import org.fleetflash.agent.protocol.AgentLine;
import org.fleetflash.agent.protocol.AgentLineParser;
import org.fleetflash.agent.protocol.DeviceFacts;
import org.fleetflash.agent.protocol.DeviceFactsBuilder;
import org.fleetflash.agent.protocol.Partition;
import org.fleetflash.agent.protocol.ProbeFailedException;
import org.fleetflash.core.device.AgentRunner;
import org.fleetflash.core.device.CredentialsUnusableException;
import org.fleetflash.core.device.DeviceException;
import org.fleetflash.core.device.DeviceSession;
import org.fleetflash.core.device.DeviceUnreachableException;
import org.fleetflash.core.device.ExecResult;
import org.fleetflash.core.device.HostKeyChangedException;
import org.fleetflash.core.device.NotSshException;
import org.fleetflash.core.device.RepinPermit;
import org.fleetflash.core.device.SshConnector;
import org.fleetflash.core.device.SshOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The router side of an attempt over SSH: the session, the agent's sub-commands of this attempt, and the knock. */
final class SshRouterSide implements RouterSide {

    private static final Logger LOG = LoggerFactory.getLogger(SshRouterSide.class);

    private final UpgradeRequest request;
    private final SshConnector connector;
    private final String attempt;
    private final String router;
    private final Duration deadline;
    private final AgentNotes notes;
    private volatile DeviceSession session;
    private volatile AgentRunner agent;
    /** The probe's lines from {@link #installAgent()}, until {@link #probe()} takes them. */
    private volatile List<AgentLine> probeLines;
    /** The knock's exit status when the router still has the commit's record (commit.log): /tmp was not cleared. */
    private static final int COMMIT_LOG_FOUND = 3;
    /** Whether the router had sha256 before the reroot: its return's probe then digests the span in the same run. */
    private volatile boolean hadSha256;

    /** Where the agent's check and log lines go (the script turns them into notes: the attempt's transcript). */
    @FunctionalInterface
    interface AgentNotes {
        /** A {@link AgentLine.Check} or a non-blank {@link AgentLine.Log} line of the agent. */
        void said(AgentLine line);
    }

    SshRouterSide(UpgradeRequest request, SshConnector connector, String attempt, AgentNotes notes) {
        this.request = request;
        this.connector = connector;
        this.attempt = attempt;
        this.router = request.target().hostPort();
        this.deadline = request.ssh().commandDeadline();
        this.notes = notes;
    }

    @Override
    public String connect() throws UpgradeFailure {
        session = call(() -> connector.open(request.target(), request.credentials(), request.ssh(), request.hostKeys()));
        return session.hostKeyFingerprint();
    }

    /** Installs the agent and runs its probe on the same channel (one round trip); {@link #probe()} reads the lines. */
    @Override
    public void installAgent() throws UpgradeFailure {
        List<AgentLine> lines = new ArrayList<>();
        agent = call(() -> AgentRunner.installAndRun(session, deadline, List.of("probe"), lines::add)).runner();
        probeLines = List.copyOf(lines);
    }

    @Override
    public DeviceFacts probe() throws UpgradeFailure {
        List<AgentLine> lines = probeLines;
        probeLines = null;
        DeviceFacts facts = facts(lines != null ? lines : call(() -> agent.runCollecting("probe", deadline)).lines());
        hadSha256 = facts.hasTool("sha256");
        return facts;
    }

    /** The agent's {@code digest BLOCKS NAME...} of the plan's padded image length over its layout. */
    private static List<String> digestArgs(FlashPlan plan) {
        List<String> args = new ArrayList<>();
        args.add("digest");
        args.add(Long.toString(plan.paddedSize() / plan.eraseBlock()));
        args.addAll(plan.layout());
        return args;
    }

    /** Where the second run of a chain begins (its hello), or -1. */
    private static int secondHello(List<AgentLine> lines) {
        int hellos = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i) instanceof AgentLine.Hello && ++hellos == 2) {
                return i;
            }
        }
        return -1;
    }

    private static DeviceFacts facts(List<AgentLine> lines) throws UpgradeFailure {
        DeviceFactsBuilder builder = new DeviceFactsBuilder();
        lines.forEach(builder);
        try {
            return builder.build();
        } catch (ProbeFailedException e) {
            throw new UpgradeFailure(Outcome.FAILED_SAFE, FailureCode.PROBE_FAILED, e.getMessage(), e);
        }
    }

    @Override
    public byte[] firstBlock(String partition) throws UpgradeFailure {
        java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
        call(() -> session.readBinary(agent.command("read", "--blocks", "1", partition), deadline, head));
        return head.toByteArray();
    }

    @Override
    public long readPartitions(List<String> partitions, ByteSink sink) throws UpgradeFailure {
        return call(() -> session.readBinary(readCommand(agent, partitions), deadline.multipliedBy(5), asStream(sink)));
    }

    /** {@code digest N NAME} per partition, chained: the first that fails ends the chain, and the list there. */
    @Override
    public List<AgentLine.Digest> partitionDigests(List<Partition> partitions) throws UpgradeFailure {
        if (partitions.isEmpty()) {
            return List.of();
        }
        List<List<String>> runs = partitions.stream()
                .map(p -> List.of("digest", Long.toString(p.size() / p.eraseBlock()), p.name())).toList();
        List<AgentLine.Digest> digests = new ArrayList<>();
        int status = call(() -> agent.session().stream(agent.chain(runs), deadline.multipliedBy(5), raw -> {
            AgentLine line = AgentRunner.lineOf(raw);
            if (line instanceof AgentLine.Digest d) {
                digests.add(d);
            }
        }));
        List<AgentLine.Digest> usable = new ArrayList<>();
        for (int i = 0; i < Math.min(digests.size(), partitions.size()); i++) {
            AgentLine.Digest d = digests.get(i);
            Partition p = partitions.get(i);
            if (d.bytes() != p.size() || !d.sha256().matches("[0-9a-f]{64}")) {
                break; // not what was asked: this partition and the ones after it are read instead
            }
            usable.add(d);
        }
        if (usable.size() < partitions.size()) {
            LOG.debug("{}: the router digested {} of {} partitions (status {})", router, usable.size(), partitions.size(), status);
        }
        return usable;
    }

    @Override
    public InetAddress laptopAddress() {
        return session.localAddress();
    }

    @Override
    public AgentLine.Claimed claim() throws UpgradeFailure {
        return step("claim", null, AgentLine.Claimed.class, deadline);
    }

    @Override
    public void configure(StageConf conf) throws UpgradeFailure {
        step("conf", conf.text().getBytes(StandardCharsets.UTF_8), AgentLine.Done.class, deadline);
    }

    @Override
    public AgentLine.Prepared prepare() throws UpgradeFailure {
        return step("prepare", null, AgentLine.Prepared.class, deadline);
    }

    /** {@code claim && conf && stage} in one exec channel: the chain stops at the first sub-command that fails. */
    @Override
    public AgentLine.Staged stage(StageConf conf, StageProgress progress) throws UpgradeFailure {
        String command = agent.chain(List.of(List.of("claim", attempt), List.of("conf", attempt), List.of("stage", attempt)));
        List<AgentLine> lines = new ArrayList<>();
        int status = call(() -> agent.session().stream(command, conf.text().getBytes(StandardCharsets.UTF_8),
                deadline.multipliedBy(5), raw -> {
                    AgentLine line = AgentRunner.lineOf(raw);
                    lines.add(line);
                    if (line instanceof AgentLine.Claimed c) {
                        progress.claimed(c);
                    } else if (line instanceof AgentLine.Done d && "conf".equals(d.cmd())) {
                        progress.configured();
                    } else if (line instanceof AgentLine.Prepared p) {
                        progress.prepared(p);
                    } else if (line instanceof AgentLine.Fetched) {
                        progress.fetched();
                    }
                    passOn(line);
                }));
        return result("stage", lines, status, AgentLine.Staged.class);
    }

    @Override
    public void fetch() throws UpgradeFailure {
        step("fetch", null, AgentLine.Fetched.class, deadline.multipliedBy(5));
    }

    @Override
    public String upload(Path image, String remotePath) throws UpgradeFailure {
        try {
            return session.upload(image, remotePath, deadline.multipliedBy(5)).check().description();
        } catch (DeviceException e) {
            throw failure(e);
        } catch (IOException e) {
            throw new UpgradeFailure(Outcome.FAILED_SAFE, FailureCode.IMAGE_UNREADABLE, "Cannot read the image " + image + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public Digest readBack(String remotePath) throws UpgradeFailure {
        MessageDigest sha = Digests.sha256();
        long n = call(() -> session.readBinary(DeviceSession.sh("cat " + DeviceSession.shellQuote(remotePath)),
                deadline.multipliedBy(5), asStream(sha::update)));
        return new Digest(n, HexFormat.of().formatHex(sha.digest()));
    }

    @Override
    public AgentLine.Staged seal() throws UpgradeFailure {
        return step("seal", null, AgentLine.Staged.class, deadline);
    }

    @Override
    public CommitAnswer commit() {
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
        return new CommitAnswer(lines.stream().anyMatch(AgentLine.Committed.class::isInstance), error);
    }

    @Override
    public CleanupAnswer cleanup() {
        DeviceSession fresh = null;
        try {
            AgentRunner runner = agent;
            if (runner == null) {
                return CleanupAnswer.failed(List.of(), "the agent was never installed on the router");
            }
            if (!runner.session().isOpen()) {
                fresh = connector.open(request.target(), request.credentials(), request.ssh(), request.hostKeys());
                runner = AgentRunner.installed(fresh, agent.home(), agent.upload());
            }
            List<AgentLine> lines = new ArrayList<>();
            int status = runner.run(List.of("cleanup", attempt), deadline, lines::add);
            if (status == 0 && lines.stream().anyMatch(AgentLine.Done.class::isInstance)) {
                return CleanupAnswer.finished(undone(lines));
            }
            // the router's own last words say what could not be undone ("mdconfig -d -u md2: ... Device busy"); the
            // error line only says that something could not
            List<String> log = lines.stream().filter(AgentLine.Log.class::isInstance).map(l -> ((AgentLine.Log) l).text()).toList();
            String error = lines.stream().filter(AgentLine.Error.class::isInstance).map(AgentLine.Error.class::cast)
                    .map(RouterUpgrade::agentText).reduce((a, b) -> b)
                    .orElse("the agent's cleanup ended with status " + status + " and no result");
            String why = log.isEmpty() ? error : "the router said: " + log.get(log.size() - 1);
            LOG.warn("Cleanup on {} failed: {}; its log: {}", router, error, log);
            return CleanupAnswer.failed(undone(lines), why);
        } catch (DeviceException e) {
            LOG.warn("Cleanup on {} failed: {}", router, e.getMessage());
            return CleanupAnswer.failed(List.of(), e.getMessage());
        } finally {
            if (fresh != null) {
                fresh.close();
            }
        }
    }

    @Override
    public void abort() {
        DeviceSession s = session;
        if (s != null) {
            s.close(); // the running command fails at once; the script then undoes on a new session
        }
    }

    @Override
    public void close() {
        abort();
    }

    @Override
    public RepinPermit allowHostKeyChange() {
        return request.hostKeys().allowRepin(request.target(), attempt);
    }

    @Override
    public ReturnWatch.Knock knock(String md) {
        SshOptions quick = request.ssh().withConnectTimeout(request.ssh().connectTimeout().compareTo(Duration.ofSeconds(5)) <= 0
                ? request.ssh().connectTimeout() : Duration.ofSeconds(5));
        return () -> {
            DeviceSession s;
            try {
                s = connector.open(request.target(), request.credentials(), quick, request.hostKeys());
            } catch (DeviceUnreachableException | NotSshException e) {
                return new ReturnWatch.Answer.Silent(e.getMessage());
            } catch (HostKeyChangedException | CredentialsUnusableException e) {
                return new ReturnWatch.Answer.Refused(FailureCode.of(e), e.getMessage());
            } catch (DeviceException e) {
                return new ReturnWatch.Answer.LoginFailed(FailureCode.of(e), e.getMessage());
            }
            boolean keep = false;
            try {
                // one exec: the root device (first line), then the commit's record if there is one (exit status 3)
                ExecResult look = s.exec(DeviceSession.sh("printf '%s\\n' \"$(kenv -q vfs.root.mountfrom)\"; cat "
                        + DeviceSession.shellQuote(agent.home() + "/commit.log") + " 2>/dev/null && exit " + COMMIT_LOG_FOUND
                        + "; exit 0"), quick.commandDeadline());
                String out = look.stdout();
                int eol = out.indexOf('\n');
                String root = (eol < 0 ? out : out.substring(0, eol)).strip();
                if (root.endsWith("/dev/" + md) || root.endsWith(":" + md)
                        || look.exitStatus() == COMMIT_LOG_FOUND && stillBeforeReroot(s, eol < 0 ? "" : out.substring(eol + 1))) {
                    return new ReturnWatch.Answer.OldSystem();
                }
                keep = true;
                return new ReturnWatch.Answer.Back(returned(s));
            } catch (DeviceException e) {
                return new ReturnWatch.Answer.LoginFailed(FailureCode.of(e), e.getMessage());
            } finally {
                if (!keep) {
                    s.close();
                }
            }
        };
    }

    /**
     * Whether the router answering now is still the system that ran the commit (it never rebooted): a reboot
     * clears /tmp, so the commit's own record there tells. Such a router either still runs the detached commit
     * (then: wait) or undid it (then it is cleaned up and the result is what the commit said).
     *
     * @param commitLog the commit's record on the router, which the knock found
     */
    private boolean stillBeforeReroot(DeviceSession s, String commitLog) throws DeviceException, UpgradeFailure {
        AgentRunner here = AgentRunner.installed(s, agent.home(), agent.upload());
        List<AgentLine> lines = new ArrayList<>();
        here.run(List.of("cleanup", attempt), deadline, lines::add);
        if (lines.stream().anyMatch(l -> l instanceof AgentLine.Error e && "COMMITTING".equals(e.code()))) {
            return true;
        }
        AgentLine.Error said = commitLog.lines().map(AgentLineParser::parse).filter(AgentLine.Error.class::isInstance)
                .map(AgentLine.Error.class::cast).reduce((a, b) -> b)
                .orElse(new AgentLine.Error("COMMIT_LOST", "The commit ended on the router without rerooting it."));
        boolean cleaned = lines.stream().anyMatch(AgentLine.Done.class::isInstance);
        throw new UpgradeFailure(cleaned ? Outcome.FAILED_SAFE : Outcome.NEEDS_ATTENTION, FailureCode.fromAgent(said.code()),
                RouterUpgrade.join(RouterUpgrade.agentText(said),
                        cleaned ? RouterUpgrade.undoneSentence(undone(lines)) : "FleetFlash could not clean up after it: run"
                                + " 'fleetflash cleanup " + router + "', or reboot the router."));
    }

    private RouterSide.ReturnedRouter returned(DeviceSession s) {
        return new RouterSide.ReturnedRouter() {
            private AgentRunner runner;
            private DeviceFacts facts;
            /** The digest run's lines when it ran with the probe, else null; and its exit status. */
            private List<AgentLine> digestLines;
            private int digestStatus;

            /**
             * Installs the agent and probes; where the router had {@code sha256} before the reroot, the same run then
             * digests the span (decision 0012), whose lines are kept apart for {@link #spanSha256}: they are used only
             * after the probe's facts (the layout) have been checked, as a digest run of its own would be.
             */
            @Override
            public DeviceFacts probe(FlashPlan plan) throws UpgradeFailure {
                List<AgentLine> lines = new ArrayList<>();
                boolean digest = hadSha256 && plan.paddedSize() % plan.eraseBlock() == 0;
                List<List<String>> runs = digest ? List.of(List.of("probe"), digestArgs(plan)) : List.of(List.of("probe"));
                AgentRunner.Installed run = call(() -> AgentRunner.installAndChain(s, digest ? deadline.multipliedBy(6)
                        : deadline, runs, lines::add));
                runner = run.runner();
                int split = secondHello(lines);
                facts = facts(split < 0 ? lines : lines.subList(0, split));
                if (split >= 0) {
                    digestLines = List.copyOf(lines.subList(split, lines.size()));
                    digestStatus = run.exitStatus();
                }
                return facts;
            }

            /**
             * The router's own SHA-256 of the span where it has {@code sha256} (decision 0012: the span does not cross
             * SSH a second time); else, or when the agent cannot compute it, the span read over SSH and hashed here.
             */
            @Override
            public String spanSha256(FlashPlan plan) throws UpgradeFailure {
                if (facts != null && facts.hasTool("sha256") && plan.paddedSize() % plan.eraseBlock() == 0) {
                    Optional<String> onRouter = routerDigest(plan);
                    if (onRouter.isPresent()) {
                        return onRouter.get();
                    }
                }
                MessageDigest sha = Digests.sha256();
                long[] left = {plan.paddedSize()};
                call(() -> s.readBinary(readCommand(runner, plan.layout()), deadline.multipliedBy(5), asStream((b, off, len) -> {
                    int n = (int) Math.min(len, left[0]);
                    if (n > 0) {
                        sha.update(b, off, n);
                        left[0] -= n;
                    }
                })));
                return HexFormat.of().formatHex(sha.digest());
            }

            private Optional<String> routerDigest(FlashPlan plan) throws UpgradeFailure {
                List<String> args = digestArgs(plan);
                List<AgentLine> lines = new ArrayList<>();
                int status;
                if (digestLines != null) {
                    lines.addAll(digestLines); // it ran with the probe
                    status = digestStatus;
                } else {
                    status = call(() -> runner.run(args, deadline.multipliedBy(5), lines::add));
                }
                long blocks = plan.paddedSize() / plan.eraseBlock();
                Optional<String> digest = lines.stream().filter(AgentLine.Digest.class::isInstance).map(AgentLine.Digest.class::cast)
                        .filter(d -> d.blocks() == blocks && d.bytes() == plan.paddedSize()).map(AgentLine.Digest::sha256)
                        .findFirst();
                if (status != 0 || digest.isEmpty()) {
                    LOG.warn("{}: the router could not digest its span (status {}; {}); reading it back instead", router,
                            status, tail(lines));
                    return Optional.empty();
                }
                return digest;
            }

            @Override
            public void close() {
                s.close();
            }
        };
    }

    // ---- helpers ------------------------------------------------------------------------------------

    @FunctionalInterface
    private interface DeviceCall<T> {
        T call() throws DeviceException;
    }

    private static <T> T call(DeviceCall<T> c) throws UpgradeFailure {
        try {
            return c.call();
        } catch (DeviceException e) {
            throw failure(e);
        }
    }

    private static UpgradeFailure failure(DeviceException e) {
        return new UpgradeFailure(Outcome.FAILED_SAFE, FailureCode.of(e), e.getMessage(), e);
    }

    private static OutputStream asStream(ByteSink sink) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                sink.write(b, off, len);
            }
        };
    }

    /** The agent's {@code read NAME...}: the named partitions' raw bytes, each name one quoted argument word. */
    private static String readCommand(AgentRunner agent, List<String> names) {
        List<String> args = new ArrayList<>();
        args.add("read");
        args.addAll(names);
        return agent.command(args.toArray(String[]::new));
    }

    private static List<String> undone(List<AgentLine> lines) {
        return lines.stream().filter(AgentLine.Undone.class::isInstance).map(l -> ((AgentLine.Undone) l).text()).toList();
    }

    /** Runs an agent sub-command of this attempt and returns its result line, passing checks on. */
    private <T extends AgentLine> T step(String sub, byte[] stdin, Class<T> expected, Duration limit) throws UpgradeFailure {
        List<AgentLine> lines = new ArrayList<>();
        int status = call(() -> agent.run(List.of(sub, attempt), stdin, limit, line -> {
            lines.add(line);
            passOn(line);
        }));
        return result(sub, lines, status, expected);
    }

    /** Checks and log lines go to the notes (the transcript); log lines also to the log. */
    private void passOn(AgentLine line) {
        if (line instanceof AgentLine.Check) {
            notes.said(line);
        } else if (line instanceof AgentLine.Log l && !l.text().isBlank()) {
            LOG.debug("{} agent: {}", router, l.text());
            notes.said(line);
        }
    }

    /** The run's result line of type {@code expected}; the first error (BUSY with its holder) as a failure. */
    private <T extends AgentLine> T result(String sub, List<AgentLine> lines, int status, Class<T> expected)
            throws UpgradeFailure {
        T result = null;
        AgentLine.Holder holder = null;
        for (AgentLine l : lines) {
            if (l instanceof AgentLine.Holder h) {
                holder = h;
            }
            if (l instanceof AgentLine.Error e) {
                throw "BUSY".equals(e.code()) ? busy(holder, e.text())
                        : UpgradeFailure.safe(FailureCode.fromAgent(e.code()), RouterUpgrade.agentText(e));
            }
            if (expected.isInstance(l)) {
                result = expected.cast(l);
            }
        }
        if (result == null || status != 0) {
            throw UpgradeFailure.safe(FailureCode.AGENT_DIED, "The agent's " + sub + " ended (status " + status
                    + ") without reporting its result; last lines: " + tail(lines));
        }
        return result;
    }

    /** The router is claimed by another attempt: say who, since when, and what to do (never to clean up a commit). */
    private UpgradeFailure busy(AgentLine.Holder holder, String agentText) {
        if (holder == null) {
            return UpgradeFailure.safe(FailureCode.BUSY, "Another upgrade of this router holds it: " + agentText
                    + " Nothing was changed. If no other upgrade of this router is running, run 'fleetflash cleanup " + router
                    + "', then try again.");
        }
        String who = "Another upgrade of this router (attempt " + holder.attempt() + ", started " + holder.since() + " from "
                + holder.laptop() + ")";
        if (holder.committing()) {
            return UpgradeFailure.safe(FailureCode.BUSY, who + " is rerooting it right now. Nothing was changed by this"
                    + " attempt. Wait a few minutes for it to flash and reboot, then check it with 'fleetflash probe "
                    + router + "'.");
        }
        return UpgradeFailure.safe(FailureCode.BUSY, who + " holds it. Nothing was changed by this attempt. If that upgrade"
                + " is no longer running: when FleetFlash stopped during it on this computer, run 'fleetflash resume' (it puts"
                + " the router back and records what that upgrade did); from another laptop (switched off, say), run 'fleetflash"
                + " cleanup " + router + "' (or reboot the router). Then try again.");
    }

    private static String tail(List<AgentLine> lines) {
        return lines.stream().skip(Math.max(0, lines.size() - 5)).map(Object::toString).reduce((a, b) -> a + " | " + b)
                .orElse("(none)");
    }
}

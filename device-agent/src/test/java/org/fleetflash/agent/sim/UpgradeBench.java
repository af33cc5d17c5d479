package org.fleetflash.agent.sim;

import org.fleetflash.agent.ShellWords;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.rmi.RemoteException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.fleetflash.agent.Agent;
import org.fleetflash.agent.plan.FlashPlan;
import org.fleetflash.agent.protocol.AgentLine;
import org.fleetflash.agent.protocol.AgentLineParser;
import org.fleetflash.agent.protocol.DeviceFacts;
import org.fleetflash.agent.protocol.DeviceFactsBuilder;
import org.fleetflash.server.ftp.ImageServer;
import org.fleetflash.server.ftp.ImageServerConfig;
import org.fleetflash.server.ftp.Publication;
import org.fleetflash.server.telemetry.TelemetryEvent;
import org.fleetflash.server.telemetry.TelemetryReceiver;
import org.fleetflash.server.telemetry.TelemetryToken;

/**
 * One simulated router with what the desktop would bring to an upgrade: a real FTP server publishing
 * the image, a real telemetry receiver, the agent uploaded into the router's /tmp/fleetflash and a
 * stage.conf written from a real FlashPlan. Runs agent sub-commands as the SSH server would.
 */
final class UpgradeBench implements AutoCloseable {

    /** What one agent run printed, parsed. */
    record Run(int exit, List<AgentLine> lines, String out, String err) {
        Optional<AgentLine.Error> error() {
            return lines.stream().filter(AgentLine.Error.class::isInstance).map(AgentLine.Error.class::cast).findFirst();
        }

        <T extends AgentLine> Optional<T> first(Class<T> kind) {
            return lines.stream().filter(kind::isInstance).map(kind::cast).findFirst();
        }

        /** The machine lines (no logs), for assertion messages. */
        String machine() {
            return lines.stream().filter(l -> !(l instanceof AgentLine.Log)).map(Object::toString)
                    .collect(Collectors.joining("\n")) + "\nstderr:\n" + err;
        }
    }

    final SimRouter router;
    final ImageServer ftp;
    final TelemetryReceiver telemetry;
    TelemetryToken token;
    /** The attempt id this bench's upgrade claims the router with. */
    String attempt = "bench-1";
    final List<TelemetryEvent> events = new CopyOnWriteArrayList<>();
    private final Path work;

    UpgradeBench(Path stateDir, Path work, Profile profile, Shell shell, String address) throws Exception {
        this.work = work;
        router = SimRouter.start(stateDir, new SimRouter.Options("r1", profile, shell, address, 0, Optional.empty(),
                Optional.empty()));
        router.setRebootDelay(Duration.ofSeconds(1));
        ftp = ImageServer.start(ImageServerConfig.on(InetAddress.getByName("127.0.0.1"))
                .withWorkDirectory(Files.createDirectories(work.resolve("ftp"))));
        telemetry = TelemetryReceiver.start(InetAddress.getByName("127.0.0.1"), 0);
        token = telemetry.register("r1", events::add);
        upload();
    }

    /** Uploads the agent into the router's /tmp/fleetflash (a reboot clears /tmp). */
    void upload() throws IOException {
        Path home = home();
        Files.createDirectories(home);
        Files.write(home.resolve(Agent.FILE_NAME), Agent.script());
    }

    /** A fresh telemetry token for the next upgrade (sequence numbers start again); forgets the events so far. */
    void renewToken() {
        telemetry.unregister(token);
        events.clear();
        token = telemetry.register("r1", events::add);
    }

    /** The agent's directory on the router (host path). */
    Path home() {
        return router.sandbox().root().resolve("tmp/fleetflash");
    }

    /** Runs an agent sub-command; the upgrade steps get this bench's attempt id when none is given. */
    Run agent(String subCommand) throws Exception {
        return shell(agentCommand(subCommand));
    }

    /** The command line of an agent sub-command, with this bench's attempt id added to an upgrade step. */
    String agentCommand(String subCommand) {
        String sub = subCommand;
        if (sub.matches("(prepare|fetch|seal|stage|commit|claim)")) {
            sub = sub + " " + attempt;
        }
        return "sh \"$FF_ROOT/tmp/fleetflash/ffagent.sh\" " + sub;
    }

    Run shell(String command) throws Exception {
        return shell(command, new byte[0]);
    }

    Run shell(String command, byte[] input) throws Exception {
        SandboxShell.Result r = new SandboxShell(router.sandbox()).run(command, input);
        List<AgentLine> lines = new ArrayList<>();
        r.out().lines().forEach(l -> lines.add(AgentLineParser.parse(l)));
        return new Run(r.exit(), lines, r.out(), r.err());
    }

    DeviceFacts probe() throws Exception {
        Run run = agent("probe");
        assertThat(run.exit()).as(run.machine()).isZero();
        return DeviceFactsBuilder.from(run.lines());
    }

    /** Writes an image file for this router's profile. */
    Path image(String name, byte[] bytes) throws IOException {
        Path p = work.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    /** The stage.conf the desktop would write for this image, as sh assignments; {@code edit} may change lines. */
    Publication writeStageConf(Path image, String transport, UnaryOperator<String> edit)
            throws Exception {
        DeviceFacts facts = probe();
        FlashPlan plan = FlashPlan.create(image, facts.partitions(), router.sandbox().profile().layout(),
                facts.eraseBlock());
        Publication pub = ftp.publish(image);
        String segments = plan.segments().stream()
                .map(s -> s.partition() + ":" + s.flashOffset() + ":" + s.length() + ":" + s.paddedLength())
                .collect(Collectors.joining(" "));
        String conf = "FF_TRANSPORT=" + q(transport) + "\n"
                + "FF_URL=" + q(pub.url().toString()) + "\n"
                + "FTP_PASSWORD=" + q(pub.password()) + "\n"
                + "FF_IMAGE_SIZE=" + q(plan.imageSize()) + "\n"
                + "FF_IMAGE_SHA256=" + q(plan.imageSha256()) + "\n"
                + "FF_PADDED_SIZE=" + q(plan.paddedSize()) + "\n"
                + "FF_PADDED_SHA256=" + q(plan.paddedSha256()) + "\n"
                + "FF_ERASE=" + q(plan.eraseBlock()) + "\n"
                + "FF_SPAN_OFFSET=" + q(plan.spanOffset()) + "\n"
                + "FF_SPAN_SIZE=" + q(plan.spanSize()) + "\n"
                + "FF_SEGMENTS=" + q(segments) + "\n"
                + "FF_MARGIN=" + q(8L << 20) + "\n"
                + "FF_TELEMETRY_HOST=" + q("127.0.0.1") + "\n"
                + "FF_TELEMETRY_PORT=" + q(telemetry.port()) + "\n"
                + "FF_TELEMETRY_TOKEN=" + q(token.value()) + "\n"
                + "FF_TELEMETRY_SEQ=" + q(1) + "\n"
                + "FF_LED=" + q("SYSTEM") + "\n";
        claimAndConf(edit.apply(conf));
        return pub;
    }

    /** Claims the router for this bench's attempt (if it does not hold it yet) and writes stage.conf through the agent. */
    void claimAndConf(String conf) throws Exception {
        Run claim = agent("claim");
        assertThat(claim.first(AgentLine.Claimed.class)).as(claim.machine()).isPresent();
        Run written = shell(agentCommand("conf " + attempt), conf.getBytes(StandardCharsets.UTF_8));
        assertThat(written.lines()).as(written.machine()).contains(new AgentLine.Done("conf", "ok"));
    }

    /** The padded image as the flasher writes it: the image, then 0x00 to the next erase block. */
    static byte[] padded(byte[] image, int eraseBlock) {
        int n = (image.length + eraseBlock - 1) / eraseBlock * eraseBlock;
        return Arrays.copyOf(image, n);
    }

    static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    byte[] flash() throws IOException {
        return Files.readAllBytes(router.sandbox().flashFile());
    }

    /** What an SSH login to the router saw: the host key it presented and a command's output. */
    record SshLook(PublicKey hostKey, String output) {}

    /** Logs in over real SSH (password) and runs {@code command}; fails unless it exits 0. */
    SshLook ssh(String command) throws IOException {
        SshRun run = sshRun(command);
        if (run.exit() == null || run.exit() != 0) {
            throw new RemoteException("'" + command + "' ended with " + run.exit() + ": " + run.err());
        }
        return new SshLook(run.hostKey(), run.out());
    }

    /** One exec over real SSH: exit status (null when the session dropped first), stdout, stderr, host key. */
    record SshRun(Integer exit, String out, String err, PublicKey hostKey) {
        List<AgentLine> lines() {
            return out.lines().map(AgentLineParser::parse).toList();
        }
    }

    /** Logs in over real SSH (password, a pinned-on-first-use host key) and runs {@code command} to its end. */
    SshRun sshRun(String command) throws IOException {
        try (SshClient client = SshClient.setUpDefaultClient()) {
            client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
            client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
            AtomicReference<PublicKey> key =
                    new AtomicReference<>();
            client.setServerKeyVerifier((session, address, k) -> {
                key.set(k);
                return true;
            });
            client.start();
            try (ClientSession s = client
                    .connect(router.user(), router.address(), router.port()).verify(Duration.ofSeconds(10)).getSession()) {
                s.addPasswordIdentity(router.password());
                s.auth().verify(Duration.ofSeconds(10));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                try (ChannelExec ch = s.createExecChannel(command)) {
                    ch.setOut(out);
                    ch.setErr(err);
                    ch.open().verify(Duration.ofSeconds(10));
                    ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED),
                            Duration.ofSeconds(120));
                    return new SshRun(ch.getExitStatus(), out.toString(StandardCharsets.UTF_8),
                            err.toString(StandardCharsets.UTF_8), key.get());
                }
            }
        }
    }

    /** An exec over real SSH that runs on while the test does other things, and that the test can cut off. */
    static final class LiveSsh implements AutoCloseable {
        private final SshClient client;
        private final ClientSession session;
        private final ChannelExec channel;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteArrayOutputStream err = new ByteArrayOutputStream();

        private LiveSsh(SimRouter router, String command) throws IOException {
            client = SshClient.setUpDefaultClient();
            client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
            client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
            client.setServerKeyVerifier((s, address, k) -> true);
            client.start();
            try {
                session = client.connect(router.user(), router.address(), router.port()).verify(Duration.ofSeconds(10)).getSession();
                session.addPasswordIdentity(router.password());
                session.auth().verify(Duration.ofSeconds(10));
                channel = session.createExecChannel(command);
                channel.setOut(out);
                channel.setErr(err);
                channel.open().verify(Duration.ofSeconds(10));
            } catch (IOException | RuntimeException e) {
                client.stop();
                throw e;
            }
        }

        /** What the command printed so far. */
        synchronized String out() {
            return out.toString(StandardCharsets.UTF_8);
        }

        String err() {
            return err.toString(StandardCharsets.UTF_8);
        }

        /** Waits (bounded) for the command to end; its exit status, or null when the session dropped first. */
        Integer await(Duration timeout) {
            channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout);
            return channel.getExitStatus();
        }

        /** Whether the command has ended (or its session dropped), without waiting. */
        boolean ended() {
            return channel.getExitStatus() != null || channel.isClosed();
        }

        /** The laptop vanishes: the connection is dropped at once, without a word to the router. */
        void cut() throws IOException {
            session.close(true);
            client.stop();
        }

        @Override
        public void close() throws IOException {
            cut();
        }
    }

    /** Starts {@code command} over real SSH and returns at once. */
    LiveSsh sshStart(String command) throws IOException {
        return new LiveSsh(router, command);
    }

    /** Uploads {@code local} over real SSH with {@code cat > remote} (no sftp-server needed), as the desktop does. */
    void sshUpload(Path local, String remote) throws IOException {
        try (SshClient client = SshClient.setUpDefaultClient()) {
            client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
            client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
            client.setServerKeyVerifier((session, address, k) -> true);
            client.start();
            try (ClientSession s = client.connect(router.user(), router.address(), router.port())
                    .verify(Duration.ofSeconds(10)).getSession()) {
                s.addPasswordIdentity(router.password());
                s.auth().verify(Duration.ofSeconds(10));
                try (ChannelExec ch = s.createExecChannel("cat > " + ShellWords.quote(remote))) {
                    ch.setErr(new ByteArrayOutputStream());
                    ch.open().verify(Duration.ofSeconds(10));
                    try (java.io.OutputStream in = ch.getInvertedIn()) {
                        Files.copy(local, in);
                    }
                    ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(60));
                    if (ch.getExitStatus() == null || ch.getExitStatus() != 0) {
                        throw new IOException("upload to " + remote + " ended with " + ch.getExitStatus());
                    }
                }
            }
        }
    }

    /** Runs {@code command} over SSH where the router drops the session (reboot): no exit status is expected. */
    void sshDropped(String command) throws IOException {
        sshRun(command);
    }

    /** Events of a telemetry kind received so far. */
    List<TelemetryEvent> events(String kind) {
        return events.stream().filter(e -> e.kind().name().equals(kind)).toList();
    }

    private static String q(Object v) {
        return ShellWords.quote(v.toString());
    }

    @Override
    public void close() throws Exception {
        try (ImageServer f = ftp; TelemetryReceiver t = telemetry) {
            router.close();
        }
    }
}

package org.fleetflash.core.device;

import org.fleetflash.agent.ShellWords;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.session.ClientSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A logged-in SSH session to one router: run commands (collected or streamed line by line), upload files
 * with {@code cat >} and verify them. Every call has a deadline. Thread-safe: several commands may run at
 * once on one session (each on its own channel). Commands are run by the user's login shell on the router
 * (sh, or csh for root on older FreeBSD): keep them to {@code cmd 'arg'} forms, or wrap a script as
 * {@link #sh(String)}.
 */
public final class DeviceSession implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceSession.class);
    /** Output kept per stream by {@link #exec}: beyond this, bytes are counted and dropped. */
    static final int CAPTURE_LIMIT = 8 * 1024 * 1024;
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);
    private static final int CHUNK = 32 * 1024;
    private static final int NO_SHA256_TOOL = 127;

    private final SshTarget target;
    private final ClientSession session;
    private final SshOptions options;
    private final ScheduledExecutorService deadlines;
    private final String serverVersion;

    DeviceSession(SshTarget target, ClientSession session, SshOptions options, ScheduledExecutorService deadlines, String serverVersion) {
        this.target = target;
        this.session = session;
        this.options = options;
        this.deadlines = deadlines;
        this.serverVersion = serverVersion;
    }

    /** The MINA session under this one, for the tests of this package (a re-key, say). */
    ClientSession clientSession() {
        return session;
    }

    public SshTarget target() {
        return target;
    }

    /**
     * The laptop's address on this connection: the address the router can reach the laptop at (for the
     * image server and the telemetry receiver), unless the technician binds another.
     */
    public java.net.InetAddress localAddress() {
        java.net.SocketAddress local = session.getIoSession().getLocalAddress();
        if (local instanceof java.net.InetSocketAddress inet) {
            return inet.getAddress();
        }
        throw new IllegalStateException("The SSH connection to " + target + " has no IP address");
    }

    /** The router's SSH identification, e.g. {@code SSH-2.0-OpenSSH_7.2 FreeBSD-20160310}. */
    public String serverVersion() {
        return serverVersion;
    }

    /** The SHA-256 fingerprint of the host key this session checked (the form known_hosts tools print). */
    public String hostKeyFingerprint() {
        java.security.PublicKey key = session.getServerKey();
        return key == null ? "" : HostKeys.fingerprint(key);
    }

    public boolean isOpen() {
        return session.isOpen();
    }

    /** Runs {@code command} with the default deadline of the session's options. */
    public ExecResult exec(String command) throws DeviceException {
        return exec(command, options.commandDeadline());
    }

    /**
     * Runs {@code command} in the router's shell and collects its output and exit status. A non-zero exit is
     * returned, not thrown (see {@link #execChecked}).
     *
     * @throws CommandTimeoutException       not finished within {@code deadline} (the channel is closed)
     * @throws RemoteCommandFailedException  the command ended without an exit status (killed by a signal)
     * @throws DeviceUnreachableException    the connection dropped
     */
    public ExecResult exec(String command, Duration deadline) throws DeviceException {
        BoundedCapture out = new BoundedCapture(CAPTURE_LIMIT);
        BoundedCapture err = new BoundedCapture(CAPTURE_LIMIT);
        int status = requireStatus(command, run(command, deadline, out, err, null), err);
        return new ExecResult(command, status, out.text(), err.text(), out.truncated() || err.truncated());
    }

    /** Like {@link #exec(String, Duration)}, but a non-zero exit becomes a {@link RemoteCommandFailedException}. */
    public ExecResult execChecked(String command, Duration deadline) throws DeviceException {
        BoundedCapture out = new BoundedCapture(CAPTURE_LIMIT);
        BoundedCapture err = new BoundedCapture(CAPTURE_LIMIT);
        int status = requireStatus(command, run(command, deadline, out, err, null), err);
        if (status != 0) {
            throw new RemoteCommandFailedException(target, command, status, err.tail(20, 2000), "See the router's message above.");
        }
        return new ExecResult(command, status, out.text(), err.text(), out.truncated() || err.truncated());
    }

    /**
     * Runs {@code command} and hands its stdout and stderr lines to {@code sink} as they arrive (lines longer
     * than 64 KiB are cut and marked). Returns the exit status; a non-zero one is not an exception here.
     *
     * @throws CommandTimeoutException not finished within {@code deadline} (the channel is closed)
     */
    public int stream(String command, Duration deadline, LineSink sink) throws DeviceException {
        return stream(command, null, deadline, sink);
    }

    /** As {@link #stream(String, Duration, LineSink)}, with {@code stdin} (when not null) as the command's standard input. */
    public int stream(String command, byte[] stdin, Duration deadline, LineSink sink) throws DeviceException {
        Objects.requireNonNull(sink, "sink");
        LineSplitter out = new LineSplitter(StdStream.STDOUT, sink, LineSplitter.DEFAULT_MAX_LINE_BYTES);
        LineSplitter err = new LineSplitter(StdStream.STDERR, sink, LineSplitter.DEFAULT_MAX_LINE_BYTES);
        Ended status = run(command, deadline, out, err, stdin == null ? null : in -> in.write(stdin));
        out.close();
        err.close();
        for (LineSplitter s : new LineSplitter[] {out, err}) {
            if (s.sinkFailure() != null) {
                throw s.sinkFailure();
            }
        }
        return requireStatus(command, status, new BoundedCapture(0));
    }

    /**
     * Writes {@code content} to {@code remotePath} on the router ({@code mkdir -p} of its directory, then
     * {@code cat >} over an exec channel, no sftp needed) and verifies the router's copy.
     *
     * @param remotePath absolute path on the router
     * @param deadline   for the transfer, and again for the verification
     * @throws UploadVerificationException  the router's copy differs
     * @throws RemoteCommandFailedException the router could not write the file
     */
    public UploadResult upload(byte[] content, String remotePath, Duration deadline) throws DeviceException {
        Objects.requireNonNull(content, "content");
        String command = uploadCommand(remotePath);
        transfer(command, deadline, in -> in.write(content));
        return verifyUpload(remotePath, content.length, sha256Hex(content), deadline);
    }

    /** Uploads a local file; see {@link #upload(byte[], String, Duration)}. Reading the local file may throw a plain IOException. */
    public UploadResult upload(Path localFile, String remotePath, Duration deadline) throws IOException {
        String command = uploadCommand(remotePath);
        MessageDigest digest = newSha256();
        long[] count = {0};
        try (InputStream local = Files.newInputStream(localFile)) {
            transfer(command, deadline, in -> {
                byte[] buf = new byte[CHUNK];
                for (int n = readLocal(local, buf); n > 0; n = readLocal(local, buf)) {
                    digest.update(buf, 0, n);
                    in.write(buf, 0, n);
                    count[0] += n;
                }
            });
        } catch (LocalReadFailure e) {
            throw e.getCause();
        }
        return verifyUpload(remotePath, count[0], HexFormat.of().formatHex(digest.digest()), deadline);
    }

    /**
     * Runs {@code command} and copies its stdout, byte for byte, to {@code out} (for reading flash
     * partitions and staged images back). A non-zero exit status is an exception carrying stderr's tail.
     *
     * @return the number of bytes copied
     */
    public long readBinary(String command, Duration deadline, OutputStream out) throws DeviceException {
        Objects.requireNonNull(out, "out");
        long[] count = {0};
        OutputStream counting = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                out.write(b);
                count[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                count[0] += len;
            }
        };
        BoundedCapture err = new BoundedCapture(64 * 1024);
        int status = requireStatus(command, run(command, deadline, counting, err, null), err);
        if (status != 0) {
            throw new RemoteCommandFailedException(target, command, status, err.tail(10, 1000), "See the router's message above.");
        }
        return count[0];
    }

    /**
     * A remote command that runs {@code script} with the router's {@code sh}, whatever the user's login shell
     * is (root's is csh on older FreeBSD; decision 0003). The one place that builds such commands.
     */
    public static String sh(String script) {
        return ShellWords.sh(script);
    }

    /**
     * Quotes {@code value} as one word for the router's POSIX shell: single quotes, each embedded {@code '}
     * written as {@code '\''}. The one function that puts values into remote commands.
     *
     * @throws IllegalArgumentException for a NUL character, which no shell word can hold
     */
    public static String shellQuote(String value) {
        return ShellWords.quote(value);
    }

    /** Closes the session (gracefully for up to 5 s, then at once). */
    @Override
    public void close() {
        try {
            if (!session.close(false).await(CLOSE_GRACE)) {
                session.close(true);
            }
        } catch (IOException e) {
            LOG.debug("Closing session to {}: {}", target, e.toString());
            session.close(true);
        }
    }

    @Override
    public String toString() {
        return "DeviceSession[" + target + "]";
    }

    private String uploadCommand(String remotePath) {
        if (remotePath == null || !remotePath.startsWith("/") || remotePath.endsWith("/")) {
            throw new IllegalArgumentException("Upload target '" + remotePath + "' must be an absolute file path on the router, e.g. /tmp/ffagent.sh");
        }
        int slash = remotePath.lastIndexOf('/');
        String cat = "cat > " + shellQuote(remotePath);
        return slash == 0 ? cat : "mkdir -p " + shellQuote(remotePath.substring(0, slash)) + " && " + cat;
    }

    private void transfer(String command, Duration deadline, StdinWriter writer) throws DeviceException {
        BoundedCapture err = new BoundedCapture(64 * 1024);
        int status = requireStatus(command, run(command, deadline, new BoundedCapture(64 * 1024), err, writer), err);
        if (status != 0) {
            throw new RemoteCommandFailedException(target, command, status, err.tail(10, 1000),
                    "Check that the directory is writable and that the router has free space (df -h).");
        }
    }

    private UploadResult verifyUpload(String remotePath, long size, String sha256, Duration deadline) throws DeviceException {
        String q = shellQuote(remotePath);
        // Wrapped in sh -c: the router runs commands with the user's login shell, which may be csh on older FreeBSD.
        String script = "if command -v sha256 >/dev/null 2>&1; then sha256 -q " + q + "; else exit " + NO_SHA256_TOOL + "; fi";
        ExecResult check = exec(sh(script), deadline);
        UploadResult result;
        if (check.exitStatus() == 0) {
            String remote = check.stdout().strip().toLowerCase(Locale.ROOT);
            if (!remote.equals(sha256)) {
                throw new UploadVerificationException(target, remotePath, UploadCheck.REMOTE_SHA256, "SHA-256 " + sha256,
                        remote.matches("[0-9a-f]{64}") ? "SHA-256 " + remote : "sha256 output \"" + Durations.abbreviate(remote) + "\"");
            }
            result = new UploadResult(remotePath, size, sha256, UploadCheck.REMOTE_SHA256);
        } else if (check.exitStatus() == NO_SHA256_TOOL) {
            result = readBack(remotePath, size, sha256, deadline);
        } else {
            throw new RemoteCommandFailedException(target, check.command(), check.exitStatus(), check.stderr(),
                    "The router could not compute the checksum of the uploaded file; check its free memory.");
        }
        LOG.info("Uploaded {} bytes to {}:{} (SHA-256 {}, checked by {})", size, target, remotePath, sha256, result.check().description());
        return result;
    }

    private UploadResult readBack(String remotePath, long size, String sha256, Duration deadline) throws DeviceException {
        MessageDigest digest = newSha256();
        long[] count = {0};
        OutputStream hashing = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                digest.update(b, off, len);
                count[0] += len;
            }
        };
        String command = "cat " + shellQuote(remotePath);
        BoundedCapture err = new BoundedCapture(64 * 1024);
        int status = requireStatus(command, run(command, deadline, hashing, err, null), err);
        if (status != 0) {
            throw new RemoteCommandFailedException(target, command, status, err.tail(10, 1000), "The uploaded file cannot be read back.");
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (count[0] != size || !actual.equals(sha256)) {
            throw new UploadVerificationException(target, remotePath, UploadCheck.READ_BACK, size + " bytes with SHA-256 " + sha256,
                    count[0] + " bytes with SHA-256 " + actual);
        }
        return new UploadResult(remotePath, size, sha256, UploadCheck.READ_BACK);
    }

    private int requireStatus(String command, Ended ended, BoundedCapture err) throws DeviceException {
        if (ended.status() != null) {
            return ended.status();
        }
        String signal = ended.signal();
        throw new RemoteCommandFailedException(target, command, -1, err.tail(10, 1000),
                "It ended without an exit status" + (signal == null ? "" : " (signal " + signal + ")")
                        + ": it was probably killed on the router (out of memory?).");
    }

    /**
     * Runs one exec channel to completion or deadline. Returns the exit status, which is null when the command
     * ended without one (then the signal, if the router named it). The deadline timer closes the channel,
     * which also unblocks a stdin write stuck on a full window.
     */
    private Ended run(String command, Duration deadline, OutputStream out, OutputStream err, StdinWriter stdin) throws DeviceException {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(deadline, "deadline");
        if (!session.isOpen()) {
            throw DeviceUnreachableException.connectionLost(target, "starting `" + Durations.abbreviate(command) + "`", null);
        }
        LOG.debug("{}: running `{}` (deadline {})", target, command, deadline);
        ChannelExec channel;
        try {
            channel = session.createExecChannel(command);
        } catch (IOException e) {
            throw DeviceUnreachableException.connectionLost(target, "starting `" + Durations.abbreviate(command) + "`", e);
        }
        channel.setOut(out);
        channel.setErr(err);
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> watchdog = deadlines.schedule(() -> {
            if (!channel.isClosed()) {
                timedOut.set(true);
                LOG.warn("{}: `{}` exceeded its deadline of {}; closing its channel", target, Durations.abbreviate(command), Durations.human(deadline));
                channel.close(true);
            }
        }, deadline.toNanos(), TimeUnit.NANOSECONDS);
        try {
            OpenFuture opened = channel.open();
            boolean done = opened.await(deadline);
            if (timedOut.get() || !done) {
                throw new CommandTimeoutException(target, command, deadline);
            }
            if (!opened.isOpened()) {
                if (!session.isOpen()) {
                    throw DeviceUnreachableException.connectionLost(target, "starting `" + Durations.abbreviate(command) + "`", opened.getException());
                }
                throw new RemoteCommandFailedException(target, command, -1, String.valueOf(opened.getException()),
                        "The router refused to open a command channel; check its sshd limits (MaxSessions).");
            }
            try (OutputStream in = channel.getInvertedIn()) {
                if (stdin != null) {
                    stdin.writeTo(in);
                }
            } catch (IOException e) {
                // The remote side closed early (e.g. cat could not create the file): its exit status tells why.
                LOG.debug("{}: stdin of `{}` closed early: {}", target, Durations.abbreviate(command), e.toString());
            }
            Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), deadline.plus(CLOSE_GRACE));
            if (timedOut.get() || !events.contains(ClientChannelEvent.CLOSED)) {
                channel.close(true);
                throw new CommandTimeoutException(target, command, deadline);
            }
            Integer status = channel.getExitStatus();
            if (status == null && !session.isOpen()) {
                throw DeviceUnreachableException.connectionLost(target, "running `" + Durations.abbreviate(command) + "`", null);
            }
            if (status == null) {
                LOG.warn("{}: `{}` ended without exit status (signal {})", target, Durations.abbreviate(command), channel.getExitSignal());
            }
            return new Ended(status, channel.getExitSignal());
        } catch (IOException e) {
            if (e instanceof DeviceException de) {
                throw de;
            }
            if (timedOut.get()) {
                throw new CommandTimeoutException(target, command, deadline);
            }
            throw DeviceUnreachableException.connectionLost(target, "running `" + Durations.abbreviate(command) + "`", e);
        } finally {
            watchdog.cancel(false);
            if (!channel.isClosed()) {
                channel.close(true);
            }
        }
    }

    private static int readLocal(InputStream in, byte[] buf) {
        try {
            return in.read(buf);
        } catch (IOException e) {
            throw new LocalReadFailure(e);
        }
    }

    private static String sha256Hex(byte[] content) {
        return HexFormat.of().formatHex(newSha256().digest(content));
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }

    /** How a command ended: exit status, or null and maybe the signal that killed it. */
    private record Ended(Integer status, String signal) {
    }

    /** Feeds a command's stdin; the stream is closed (EOF) by the caller afterwards. */
    @FunctionalInterface
    private interface StdinWriter {
        void writeTo(OutputStream stdin) throws IOException;
    }

    /** A local file read failed during an upload: not the router's fault, rethrown as the original IOException. */
    private static final class LocalReadFailure extends UncheckedIOException {
        LocalReadFailure(IOException cause) {
            super(cause);
        }
    }
}

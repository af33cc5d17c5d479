package org.fleetflash.core.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.fleetflash.testsupport.ssh.TestProcesses;
import org.fleetflash.testsupport.ssh.TestSshServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands, streaming, deadlines and uploads against real MINA SSH servers whose commands run in a real /bin/sh. */
class DeviceSessionIT {

    private static final String PASSWORD = "s3cret";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final SshOptions OPTIONS = SshOptions.DEFAULTS.withAcceptNewHostKey(true).withCommandDeadline(WAIT);

    @TempDir
    static Path dir;

    private static SshConnector connector;
    private static TestSshServer withSha256;
    private static TestSshServer withoutSha256;
    private static TestSshServer lyingSha256;
    private static DeviceSession session;

    @BeforeAll
    static void start() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        // FreeBSD's `sha256 -q FILE` prints only the digest; Debian has sha256sum, so a stand-in bridges them.
        script(bin.resolve("sha256"), "#!/bin/sh\n[ \"$1\" = -q ] || { echo 'usage: sha256 -q file' >&2; exit 64; }\n"
                + "out=$(sha256sum \"$2\") || exit 1\nprintf '%s\\n' \"${out%% *}\"\n");
        Path liar = Files.createDirectories(dir.resolve("liar"));
        script(liar.resolve("sha256"), "#!/bin/sh\necho 0000000000000000000000000000000000000000000000000000000000000000\n");
        Path hostKey = dir.resolve("hostkey");
        withSha256 = TestSshServer.builder(hostKey).password(PASSWORD).workDir(dir).path(bin + ":/usr/bin:/bin").start();
        withoutSha256 = TestSshServer.builder(hostKey).password(PASSWORD).workDir(dir).path("/usr/bin:/bin").start();
        lyingSha256 = TestSshServer.builder(hostKey).password(PASSWORD).workDir(dir).path(liar + ":/usr/bin:/bin").start();
        assertThat(TestProcesses.run(WAIT, "sh", "-c", "PATH=/usr/bin:/bin; command -v sha256 || echo absent").strip()).isEqualTo("absent");
        connector = SshConnector.start();
        session = open(withSha256);
    }

    @AfterAll
    static void stop() throws Exception {
        session.close();
        connector.close();
        withSha256.close();
        withoutSha256.close();
        lyingSha256.close();
    }

    private static DeviceSession open(TestSshServer sshd) throws DeviceException {
        return connector.open(sshd.target(), Credentials.Password.of("root", PASSWORD), OPTIONS, new FileHostKeyStore(dir.resolve("known_hosts")));
    }

    private static void script(Path file, String text) throws Exception {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void execCollectsStdoutStderrAndExitStatus() throws Exception {
        ExecResult r = session.exec("echo out; echo err >&2; exit 3", WAIT);

        assertThat(r).isEqualTo(new ExecResult("echo out; echo err >&2; exit 3", 3, "out\n", "err\n", false));
        assertThat(r.succeeded()).isFalse();
    }

    @Test
    void execCheckedTurnsNonZeroExitIntoFailureWithTheRoutersMessage() {
        assertThatThrownBy(() -> session.execChecked("echo 'geom: no such partition: kernel' >&2; exit 2", WAIT))
                .isInstanceOfSatisfying(RemoteCommandFailedException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(2);
                    assertThat(e.stderrTail()).isEqualTo("geom: no such partition: kernel");
                })
                .hasMessageContaining("on router " + withSha256.target() + " failed with exit status 2: geom: no such partition: kernel.");
    }

    @Test
    void streamDeliversLinesWhileTheCommandStillRuns() throws Exception {
        Path fifo = dir.resolve("release.fifo");
        TestProcesses.run(WAIT, "mkfifo", fifo.toString());
        BlockingQueue<OutputLine> lines = new LinkedBlockingQueue<>();
        String command = "echo first; echo warning >&2; read go < " + DeviceSession.shellQuote(fifo.toString())
                + "; echo \"second $go\"; printf 'no newline'";

        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> {
            try {
                return session.stream(command, WAIT, lines::add);
            } catch (DeviceException e) {
                throw new CompletionException(e);
            }
        });

        assertThat(List.of(poll(lines), poll(lines))).containsExactlyInAnyOrder(
                new OutputLine(StdStream.STDOUT, "first", false), new OutputLine(StdStream.STDERR, "warning", false));
        assertThat(run).isNotDone(); // the command is blocked on the fifo: the lines came before its end
        CompletableFuture.runAsync(() -> {
            try {
                Files.writeString(fifo, "go\n");
            } catch (java.io.IOException e) {
                throw new CompletionException(e);
            }
        }).get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(run.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
        assertThat(List.of(poll(lines), poll(lines))).containsExactly(
                new OutputLine(StdStream.STDOUT, "second go", false), new OutputLine(StdStream.STDOUT, "no newline", false));
        assertThat(lines).isEmpty();
    }

    @Test
    void streamCutsOverlongLinesAndKeepsGoing() throws Exception {
        BlockingQueue<OutputLine> lines = new LinkedBlockingQueue<>();

        int status = session.stream("head -c 200000 /dev/zero | tr '\\0' x; echo; echo after; exit 4", WAIT, lines::add);

        assertThat(status).isEqualTo(4);
        assertThat(lines).containsExactly(new OutputLine(StdStream.STDOUT, "x".repeat(64 * 1024), true),
                new OutputLine(StdStream.STDOUT, "after", false));
    }

    @Test
    void commandThatNeverEndsIsStoppedAtItsDeadline() throws Exception {
        BlockingQueue<OutputLine> lines = new LinkedBlockingQueue<>();
        long start = System.nanoTime();

        assertThatThrownBy(() -> session.stream("echo started; sleep 600", Duration.ofSeconds(1), lines::add))
                .isInstanceOfSatisfying(CommandTimeoutException.class, e -> {
                    assertThat(e.command()).isEqualTo("echo started; sleep 600");
                    assertThat(e.deadline()).isEqualTo(Duration.ofSeconds(1));
                })
                .hasMessage("The command `echo started; sleep 600` on router " + withSha256.target() + " did not finish within 1 s "
                        + "and was stopped. Check whether the router is overloaded or waiting for input; if the step is "
                        + "legitimately slow, give it a longer deadline.");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(lines).contains(new OutputLine(StdStream.STDOUT, "started", false));
        assertThat(session.exec("echo still usable", WAIT).stdout()).isEqualTo("still usable\n");
    }

    @Test
    void uploadWritesHostileNamedFileAndVerifiesItWithTheRoutersSha256() throws Exception {
        byte[] content = randomBytes(1024 * 1024 + 17);
        Path remote = dir.resolve("new dir $(touch pwned)").resolve("it's `id` ; *.bin");

        UploadResult r = session.upload(content, remote.toString(), WAIT);

        assertThat(r).isEqualTo(new UploadResult(remote.toString(), content.length, sha256(content), UploadCheck.REMOTE_SHA256));
        assertThat(Files.readAllBytes(remote)).isEqualTo(content);
        assertThat(dir.resolve("pwned")).doesNotExist();
    }

    @Test
    void uploadFallsBackToReadingTheFileBackWhenTheRouterHasNoSha256() throws Exception {
        byte[] content = randomBytes(3 * 1024 * 1024);
        Path local = Files.write(dir.resolve("image.local"), content);
        Path remote = dir.resolve("fallback").resolve("image.bin");

        try (DeviceSession noSha = open(withoutSha256)) {
            UploadResult r = noSha.upload(local, remote.toString(), WAIT);

            assertThat(r).isEqualTo(new UploadResult(remote.toString(), content.length, sha256(content), UploadCheck.READ_BACK));
        }
        assertThat(Files.readAllBytes(remote)).isEqualTo(content);
    }

    @Test
    void uploadRefusesACopyWhoseChecksumDiffers() throws Exception {
        byte[] content = "#!/bin/sh\necho agent\n".getBytes(StandardCharsets.UTF_8);
        String remote = dir.resolve("liar").resolve("ffagent.sh").toString();

        try (DeviceSession liar = open(lyingSha256)) {
            assertThatThrownBy(() -> liar.upload(content, remote, WAIT))
                    .isInstanceOf(UploadVerificationException.class)
                    .hasMessage("The file " + remote + " on router " + lyingSha256.target() + " is not what was sent (router's sha256 -q "
                            + "compared with the local SHA-256): expected SHA-256 " + sha256(content) + ", found SHA-256 " + "0".repeat(64)
                            + ". Retry the upload; if it fails again, check the router's free space and memory.");
        }
    }

    @Test
    void uploadWhereTheRouterCannotWriteReportsItsMessage() throws Exception {
        Path notADir = Files.writeString(dir.resolve("plain-file"), "x");
        String remote = notADir.resolve("agent.sh").toString();

        assertThatThrownBy(() -> session.upload(new byte[] {1, 2, 3}, remote, WAIT))
                .isInstanceOfSatisfying(RemoteCommandFailedException.class, e -> assertThat(e.exitCode()).isEqualTo(1))
                .hasMessageContaining("failed with exit status 1: mkdir: ")
                .hasMessageContaining("Check that the directory is writable and that the router has free space (df -h).");
    }

    private static OutputLine poll(BlockingQueue<OutputLine> lines) throws InterruptedException {
        OutputLine line = lines.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(line).as("a line within %s", WAIT).isNotNull();
        return line;
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}

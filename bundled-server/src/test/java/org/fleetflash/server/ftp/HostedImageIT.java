package org.fleetflash.server.ftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.fleetflash.server.ftp.DownloadProgress.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A batch's view of the image server: one hosted copy per image, one account per router, real curl and wget. */
class HostedImageIT {
    private static final String HOST = "127.0.4.2";
    private static final Duration CLIENT_DEADLINE = Duration.ofSeconds(120);
    private static final int CURL_LOGIN_DENIED = 67;
    private static final int MIB = 1024 * 1024;

    @TempDir
    Path dir;
    private Path work;
    private ImageServer server;

    @BeforeEach
    void startServer() throws Exception {
        work = dir.resolve("work");
        server = ImageServer.start(ImageServerConfig.on(InetAddress.getByName(HOST)).withConcurrency(60)
                .withIdleTimeout(Duration.ofSeconds(30)).withWorkDirectory(work));
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    /** One router: its account and what its listener heard. */
    private record Router(Publication publication, List<DownloadProgress> heard) {
        DownloadProgress last() {
            return heard.get(heard.size() - 1);
        }

        boolean finished() {
            return !heard.isEmpty() && last().state().isFinal();
        }
    }

    private static Router grant(HostedImage hosted) {
        List<DownloadProgress> heard = new CopyOnWriteArrayList<>();
        return new Router(hosted.grant(heard::add), heard);
    }

    private Path image(String name, int size, long seed) throws Exception {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return Files.write(dir.resolve(name), bytes);
    }

    private List<Path> filesInWork() throws Exception {
        if (!Files.exists(work)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(work)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private ExternalCommand curl(Publication p, Path out) throws Exception {
        return ExternalCommand.start(dir, dir.resolve(out.getFileName() + ".stdout"), List.of("curl", "-s", "-S",
                "--ftp-pasv", "--max-time", "90", "-o", out.toString(), p.urlWithPassword().toString()));
    }

    private ExternalCommand wget(Publication p, Path out) throws Exception {
        return ExternalCommand.start(dir, dir.resolve(out.getFileName() + ".stdout"), List.of("wget", "-q",
                "--tries=1", "--timeout=60", "--passive-ftp", "-O", out.toString(), p.urlWithPassword().toString()));
    }

    @Test
    void fiftyGrantsOnOneHostedImageDownloadAtOnceAndEachListenerHearsOnlyItsOwnDownload() throws Exception {
        Path source = image("batch.bin", MIB + 17, 50);
        byte[] bytes = Files.readAllBytes(source);
        HostedImage hosted = server.host(source);
        List<Router> routers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            routers.add(grant(hosted));
        }

        List<ExternalCommand> clients = new ArrayList<>();
        for (int i = 0; i < routers.size(); i++) {
            Path out = dir.resolve("out-" + i + ".bin");
            clients.add(i % 2 == 0 ? curl(routers.get(i).publication(), out) : wget(routers.get(i).publication(), out));
        }
        for (int i = 0; i < clients.size(); i++) {
            ExternalCommand.Result result = clients.get(i).await(CLIENT_DEADLINE);
            assertThat(result.exitCode()).as("%s %d: %s", i % 2 == 0 ? "curl" : "wget", i, result.stderr()).isZero();
        }

        for (int i = 0; i < routers.size(); i++) {
            assertThat(Files.readAllBytes(dir.resolve("out-" + i + ".bin"))).as("download %d", i).isEqualTo(bytes);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> routers.stream().allMatch(Router::finished));
        for (Router router : routers) {
            String user = router.publication().user();
            assertThat(router.heard()).as(user).extracting(DownloadProgress::user).containsOnly(user);
            assertThat(router.heard()).as(user).extracting(DownloadProgress::id).containsOnly(router.last().id());
            assertThat(router.heard().get(0).state()).isEqualTo(State.STARTED);
            assertThat(router.last().state()).isEqualTo(State.COMPLETE);
            assertThat(router.last().bytes()).isEqualTo(bytes.length);
            assertThat(hosted.downloads(router.publication())).singleElement()
                    .extracting(DownloadProgress::state).isEqualTo(State.COMPLETE);
        }
        assertThat(routers).extracting(r -> r.last().id()).doesNotHaveDuplicates();
        assertThat(filesInWork()).as("one copy for the whole batch").hasSize(1);
        assertThat(hosted.bytesServed()).isEqualTo(50L * bytes.length);
        assertThat(server.bytesServed()).isEqualTo(50L * bytes.length);
        assertThat(hosted.activeTransfers()).isZero();
        assertThat(server.activeTransfers()).isZero();
    }

    @Test
    void theCopyIsMadeAndHashedOnceWhenHostedAndGrantsNeitherCopyNorReadIt() throws Exception {
        Path source = image("large.bin", 64 * MIB, 64);
        byte[] original = Files.readAllBytes(source);

        long hostStart = System.nanoTime();
        HostedImage hosted = server.host(source);
        long hostNanos = System.nanoTime() - hostStart;

        // the digest is there before any account exists
        assertThat(hosted.sha256()).isEqualTo(sha256(original));
        assertThat(hosted.size()).isEqualTo(original.length);
        assertThat(hosted.name()).isEqualTo("large.bin");
        // the original changes after hosting: what is granted and served is still the copy made then
        Files.write(source, new byte[] {1, 2, 3});

        List<Publication> grants = new ArrayList<>();
        grants.add(hosted.grant(progress -> { })); // the first router: classes loaded once per JVM
        long grantStart = System.nanoTime();
        for (int i = 1; i < 200; i++) {
            grants.add(hosted.grant(progress -> { }));
        }
        long grantNanos = System.nanoTime() - grantStart;

        assertThat(grantNanos).as("199 more grants (%d ms) against one copy-and-hash of 64 MiB (%d ms)",
                grantNanos / 1_000_000, hostNanos / 1_000_000).isLessThan(hostNanos);
        assertThat(grants).extracting(Publication::sha256).containsOnly(sha256(original));
        assertThat(grants).extracting(Publication::size).containsOnly((long) original.length);
        assertThat(grants).extracting(Publication::user).doesNotHaveDuplicates();
        assertThat(hosted.grants()).hasSize(200);
        assertThat(filesInWork()).as("still the one copy").hasSize(1);
        Path out = dir.resolve("last-router.bin");
        ExternalCommand.Result result = curl(grants.get(199), out).await(CLIENT_DEADLINE);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(sha256(Files.readAllBytes(out))).isEqualTo(hosted.sha256());
    }

    @Test
    void aRevokedAccountCannotLogInWhileTheOthersStillDownload() throws Exception {
        Path source = image("revoke.bin", 256 * 1024, 7);
        HostedImage hosted = server.host(source);
        Publication revoked = hosted.grant(progress -> { });
        Publication kept = hosted.grant(progress -> { });

        hosted.revoke(revoked);
        hosted.revoke(revoked);

        ExternalCommand.Result refused = curl(revoked, dir.resolve("revoked.bin")).await(CLIENT_DEADLINE);
        assertThat(refused.exitCode()).as(refused.stderr()).isEqualTo(CURL_LOGIN_DENIED);
        assertThat(dir.resolve("revoked.bin")).doesNotExist();
        try (FtpDialogue ftp = new FtpDialogue(HOST, server.port())) {
            assertThat(ftp.login(revoked.user(), revoked.password()).code()).isEqualTo(530);
        }
        ExternalCommand.Result served = wget(kept, dir.resolve("kept.bin")).await(CLIENT_DEADLINE);
        assertThat(served.exitCode()).as(served.stderr()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("kept.bin"))).isEqualTo(Files.readAllBytes(source));
        assertThat(hosted.grants()).containsExactly(kept);
    }

    @Test
    void closingTheHostedImageCutsRunningTransfersKeepsFinishedOnesAndDeletesTheCopy() throws Exception {
        int size = 16 * MIB;
        HostedImage hosted = server.host(image("cut.bin", size, 16));
        Router finished = grant(hosted);
        ExternalCommand.Result done = curl(finished.publication(), dir.resolve("done.bin")).await(CLIENT_DEADLINE);
        assertThat(done.exitCode()).as(done.stderr()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(finished::finished);
        List<Router> stalled = List.of(grant(hosted), grant(hosted), grant(hosted));
        List<FtpDialogue> controls = new ArrayList<>();
        List<Socket> data = new ArrayList<>();
        try {
            for (Router router : stalled) {
                FtpDialogue ftp = new FtpDialogue(HOST, server.port());
                controls.add(ftp);
                data.add(startRetrAndStopReading(ftp, router.publication()));
            }
            // each has read 1 KiB: all three transfers are running, blocked on clients that stopped reading
            assertThat(stalled).allSatisfy(r -> assertThat(r.heard()).extracting(DownloadProgress::state)
                    .doesNotContain(State.COMPLETE, State.ABORTED).first().isEqualTo(State.STARTED));
            assertThat(hosted.activeTransfers()).isEqualTo(3);
            assertThat(server.activeTransfers()).isEqualTo(3);

            hosted.close();

            await().atMost(Duration.ofSeconds(10)).until(() -> stalled.stream().allMatch(Router::finished));
        } finally {
            for (Socket socket : data) {
                socket.close();
            }
            for (FtpDialogue ftp : controls) {
                ftp.close();
            }
        }
        long cutBytes = 0;
        for (Router router : stalled) {
            DownloadProgress last = router.last();
            assertThat(last.state()).isEqualTo(State.ABORTED);
            assertThat(last.bytes()).isBetween(1024L, size - 1L);
            assertThat(router.heard()).filteredOn(e -> e.state().isFinal()).hasSize(1);
            cutBytes += last.bytes();
        }
        assertThat(finished.heard()).filteredOn(e -> e.state().isFinal()).singleElement()
                .extracting(DownloadProgress::state).isEqualTo(State.COMPLETE);
        assertThat(hosted.downloads(finished.publication())).singleElement()
                .extracting(DownloadProgress::state).isEqualTo(State.COMPLETE);
        assertThat(hosted.bytesServed()).isEqualTo(size + cutBytes);
        assertThat(hosted.activeTransfers()).isZero();
        assertThat(server.activeTransfers()).isZero();
        assertThat(filesInWork()).as("the copy is deleted").isEmpty();
        assertThat(server.hostedImages()).isEmpty();
        assertThat(hosted.grants()).isEmpty();
        ExternalCommand.Result refused = curl(finished.publication(), dir.resolve("after.bin")).await(CLIENT_DEADLINE);
        assertThat(refused.exitCode()).as(refused.stderr()).isEqualTo(CURL_LOGIN_DENIED);
        assertThatThrownBy(() -> hosted.grant(progress -> { })).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("host it again");
    }

    @Test
    void closingTheServerClosesEveryHostedImage() throws Exception {
        HostedImage first = server.host(image("first.bin", 4096, 1));
        HostedImage second = server.host(image("second.bin", 4096, 2));
        Publication p = second.grant(progress -> { });
        assertThat(filesInWork()).hasSize(2);

        server.close();

        assertThat(first.isClosed()).isTrue();
        assertThat(second.isClosed()).isTrue();
        assertThat(second.grants()).doesNotContain(p);
        assertThat(filesInWork()).isEmpty();
    }

    /** Logs in, asks for the image over a passive data connection, reads 1 KiB and then reads no more. */
    private static Socket startRetrAndStopReading(FtpDialogue ftp, Publication p) throws Exception {
        assertThat(ftp.login(p.user(), p.password()).code()).isEqualTo(230);
        assertThat(ftp.send("TYPE I").code()).isEqualTo(200);
        Matcher pasv = Pattern.compile("\\((\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)\\)").matcher(ftp.send("PASV").text());
        assertThat(pasv.find()).isTrue();
        int dataPort = Integer.parseInt(pasv.group(5)) * 256 + Integer.parseInt(pasv.group(6));
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.setSoTimeout(10_000);
        socket.connect(new InetSocketAddress(HOST, dataPort), 5_000);
        assertThat(ftp.send("RETR " + p.name()).code()).isEqualTo(150);
        assertThat(socket.getInputStream().readNBytes(1024)).hasSize(1024);
        return socket;
    }
}

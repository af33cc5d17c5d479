package org.fleetflash.server.ftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.fleetflash.server.ftp.DownloadProgress.State;
import org.fleetflash.server.ftp.FtpDialogue.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The image server against real FTP clients (curl, wget) and a raw control connection. */
class ImageServerIT {
    private static final String HOST = "127.0.4.1";
    private static final Duration CLIENT_DEADLINE = Duration.ofSeconds(60);
    private static final int CURL_LOGIN_DENIED = 67;

    @TempDir
    static Path shared;
    private static ImageServer server;
    private static byte[] imageBytes;
    private static Path image;
    private static HostedImage hosted;

    @TempDir
    Path dir;
    private Publication publication;
    /** What the listener of this test's account heard. */
    private final List<DownloadProgress> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startServer() throws Exception {
        imageBytes = new byte[3 * 1024 * 1024 + 123];
        new Random(3600).nextBytes(imageBytes);
        image = shared.resolve("tl-wdr3600-factory.bin");
        Files.write(image, imageBytes);
        server = ImageServer.start(ImageServerConfig.on(InetAddress.getByName(HOST))
                .withProgressInterval(Duration.ZERO)
                .withIdleTimeout(Duration.ofSeconds(30))
                .withWorkDirectory(shared.resolve("work")));
        hosted = server.host(image);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void grant() {
        publication = hosted.grant(events::add);
    }

    @AfterEach
    void revoke() {
        hosted.revoke(publication);
    }

    private String url(String path) {
        return "ftp://" + publication.user() + ":" + publication.password() + "@" + HOST + ":" + server.port() + path;
    }

    private ExternalCommand.Result curl(Path out, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-s", "-S", "--ftp-pasv", "--max-time", "60"));
        command.addAll(Arrays.asList(args));
        return ExternalCommand.run(dir, out, CLIENT_DEADLINE, command);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void publicationDescribesTheImage() throws Exception {
        assertThat(publication.size()).isEqualTo(imageBytes.length);
        assertThat(publication.sha256()).isEqualTo(sha256(imageBytes));
        assertThat(publication.url().toString())
                .isEqualTo("ftp://" + publication.user() + "@" + HOST + ":" + server.port() + "/tl-wdr3600-factory.bin");
        assertThat(publication.password()).matches("[0-9a-f]{32}");
        Publication second = hosted.grant(progress -> { });
        assertThat(second.user()).isNotEqualTo(publication.user());
        assertThat(second.password()).isNotEqualTo(publication.password());
        assertThat(second.url().getPath()).isEqualTo(publication.url().getPath());
        assertThat(second.sha256()).isEqualTo(publication.sha256());
        hosted.revoke(second);
    }

    @Test
    void curlDownloadsThePublishedImageByteExact() throws Exception {
        Path out = dir.resolve("curl.bin");

        ExternalCommand.Result result = curl(dir.resolve("stdout"), "-o", out.toString(),
                publication.urlWithPassword().toString());

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(imageBytes);
    }

    @Test
    void wgetDownloadsThePublishedImageByteExact() throws Exception {
        Path out = dir.resolve("wget.bin");

        ExternalCommand.Result result = ExternalCommand.run(dir, dir.resolve("stdout"), CLIENT_DEADLINE,
                List.of("wget", "-q", "--tries=1", "--timeout=30", "--passive-ftp", "-O", out.toString(),
                        publication.urlWithPassword().toString()));

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(sha256(Files.readAllBytes(out))).isEqualTo(publication.sha256());
    }

    @Test
    void answersTheCommandsFreeBsdFetchSendsBeforeRetr() throws Exception {
        // libfetch (fetch -s / fetch -o / fetch -r): PWD, MODE S, TYPE I, CWD, SIZE, MDTM, REST, EPSV
        try (FtpDialogue ftp = new FtpDialogue(HOST, server.port())) {
            assertThat(ftp.login(publication.user(), publication.password()).code()).isEqualTo(230);

            assertThat(ftp.send("PWD").text()).startsWith("257 \"/\"");
            assertThat(ftp.send("MODE S").code()).isEqualTo(200);
            assertThat(ftp.send("TYPE I").code()).isEqualTo(200);
            assertThat(ftp.send("CWD /").code()).isEqualTo(250);
            assertThat(ftp.send("SIZE " + publication.name()).text()).isEqualTo("213 " + imageBytes.length);
            assertThat(ftp.send("MDTM " + publication.name()).code()).isEqualTo(213);
            assertThat(ftp.send("REST 4096").code()).isEqualTo(350);
            assertThat(ftp.send("EPSV").code()).isEqualTo(229);
        }
    }

    @Test
    void listingShowsOnlyTheImage() throws Exception {
        Path out = dir.resolve("listing.txt");

        ExternalCommand.Result result = curl(out, "--list-only", url("/"));

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(Files.readAllLines(out)).containsExactly(publication.name());
    }

    @Test
    void refusesAnonymousLogin() throws Exception {
        Path out = dir.resolve("anonymous.bin");

        ExternalCommand.Result result = curl(dir.resolve("stdout"), "-o", out.toString(),
                "ftp://" + HOST + ":" + server.port() + "/" + publication.name());

        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(CURL_LOGIN_DENIED);
        assertThat(out).doesNotExist();
        try (FtpDialogue ftp = new FtpDialogue(HOST, server.port())) {
            assertThat(ftp.send("USER anonymous").code()).isEqualTo(530);
        }
    }

    @Test
    void refusesAWrongPasswordAndAnUnknownUser() throws Exception {
        ExternalCommand.Result wrongPassword = curl(dir.resolve("stdout"), "-o", dir.resolve("a.bin").toString(),
                "ftp://" + publication.user() + ":" + "0".repeat(32) + "@" + HOST + ":" + server.port() + "/"
                        + publication.name());
        ExternalCommand.Result unknownUser = curl(dir.resolve("stdout"), "-o", dir.resolve("b.bin").toString(),
                "ftp://ffnobody:" + publication.password() + "@" + HOST + ":" + server.port() + "/"
                        + publication.name());

        assertThat(wrongPassword.exitCode()).as(wrongPassword.stderr()).isEqualTo(CURL_LOGIN_DENIED);
        assertThat(unknownUser.exitCode()).as(unknownUser.stderr()).isEqualTo(CURL_LOGIN_DENIED);
        assertThat(dir.resolve("a.bin")).doesNotExist();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"CWD ..", "CWD ../..", "CWD /etc", "CWD /tmp", "CWD work", "RETR /etc/passwd",
        "RETR ../../../../../etc/passwd", "RETR ../tl-wdr3600-factory.bin", "SIZE /etc/passwd",
        "SIZE ../tl-wdr3600-factory.bin", "MDTM /etc/passwd", "LIST ../.."})
    void refusesPathsOutsideTheHome(String command) throws Exception {
        try (FtpDialogue ftp = new FtpDialogue(HOST, server.port())) {
            assertThat(ftp.login(publication.user(), publication.password()).code()).isEqualTo(230);
            if (command.startsWith("LIST")) {
                assertThat(ftp.send("PASV").code()).isEqualTo(227);
            }

            Reply reply = ftp.send(command);

            // 550 (not taken), or 450 (file unavailable) which FtpServer's LIST gives for a missing path
            assertThat(reply.code()).as(reply.text()).isIn(550, 450);
            assertThat(ftp.send("PWD").text()).contains("\"/\"");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/../../../../../etc/passwd", "/%2Fetc/passwd", "/../tl-wdr3600-factory.bin"})
    void curlWithPathAsIsCannotLeaveTheHome(String path) throws Exception {
        Path out = dir.resolve("escape.bin");

        ExternalCommand.Result result = curl(dir.resolve("stdout"), "--path-as-is", "-o", out.toString(), url(path));

        assertThat(result.exitCode()).as(result.stderr()).isNotZero();
        assertThat(out).doesNotExist();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"STOR new.bin", "APPE tl-wdr3600-factory.bin", "STOR tl-wdr3600-factory.bin", "STOU",
        "DELE tl-wdr3600-factory.bin", "MKD sub", "RMD /", "RNTO other.bin", "SITE CHMOD 777 tl-wdr3600-factory.bin"})
    void refusesWritesDeletesRenamesAndDirectories(String command) throws Exception {
        try (FtpDialogue ftp = new FtpDialogue(HOST, server.port())) {
            assertThat(ftp.login(publication.user(), publication.password()).code()).isEqualTo(230);
            assertThat(ftp.send("PASV").code()).isEqualTo(227);
            if (command.startsWith("RNTO")) {
                ftp.send("RNFR " + publication.name());
            }

            Reply reply = ftp.send(command);

            assertThat(reply.code()).as(reply.text()).isEqualTo(550);
        }
        assertThat(server.downloads(publication)).isEmpty();
    }

    @Test
    void curlUploadIsRefusedAndTheImageStaysIntact() throws Exception {
        Path upload = dir.resolve("evil.bin");
        Files.writeString(upload, "not firmware");

        ExternalCommand.Result put = curl(dir.resolve("stdout"), "-T", upload.toString(), url("/" + publication.name()));
        ExternalCommand.Result get = curl(dir.resolve("stdout"), "-o", dir.resolve("after.bin").toString(),
                url("/" + publication.name()));

        assertThat(put.exitCode()).as(put.stderr()).isEqualTo(25);
        assertThat(get.exitCode()).as(get.stderr()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("after.bin"))).isEqualTo(imageBytes);
    }

    @Test
    void curlResumesWithRestAndTheCounterShowsTheOffset() throws Exception {
        int offset = 1_000_001;
        Path out = dir.resolve("rest.bin");

        ExternalCommand.Result result = curl(dir.resolve("stdout"), "-C", Integer.toString(offset), "-o",
                out.toString(), url("/" + publication.name()));

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(Arrays.copyOfRange(imageBytes, offset, imageBytes.length));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(server.downloads(publication))
                .singleElement().satisfies(download -> {
                    assertThat(download.state()).isEqualTo(State.COMPLETE);
                    assertThat(download.offset()).isEqualTo(offset);
                    assertThat(download.bytes()).isEqualTo(imageBytes.length);
                    assertThat(download.transferred()).isEqualTo(imageBytes.length - offset);
                }));
    }

    @Test
    void progressListenerSeesBytesGrowToTotalAndComplete() throws Exception {
        ExternalCommand.Result result = curl(dir.resolve("stdout"), "-o", dir.resolve("p.bin").toString(),
                url("/" + publication.name()));

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> !events.isEmpty() && events.get(events.size() - 1)
                .state().isFinal());
        assertThat(events.get(0).state()).isEqualTo(State.STARTED);
        assertThat(events).extracting(DownloadProgress::bytes).isSorted();
        assertThat(events).filteredOn(e -> e.state() == State.RUNNING).hasSizeGreaterThan(1);
        DownloadProgress last = events.get(events.size() - 1);
        assertThat(last.state()).isEqualTo(State.COMPLETE);
        assertThat(last.bytes()).isEqualTo(last.total()).isEqualTo(imageBytes.length);
        assertThat(last.remoteAddress()).isNotNull();
        assertThat(last.remoteAddress().getAddress().isLoopbackAddress()).isTrue();
        assertThat(last.bytesPerSecond()).isPositive();
        assertThat(events).extracting(DownloadProgress::id).containsOnly(last.id());
        assertThat(events).extracting(DownloadProgress::user).containsOnly(publication.user());
    }

    @Test
    void acceptsMoreThanTenSimultaneousLogins() throws Exception {
        List<FtpDialogue> sessions = new ArrayList<>();
        try {
            for (int i = 0; i < 30; i++) {
                FtpDialogue ftp = new FtpDialogue(HOST, server.port());
                sessions.add(ftp);
                assertThat(ftp.login(publication.user(), publication.password()).code()).as("login %d", i)
                        .isEqualTo(230);
            }

            ExternalCommand.Result result = curl(dir.resolve("stdout"), "-o", dir.resolve("31st.bin").toString(),
                    url("/" + publication.name()));

            assertThat(result.exitCode()).as(result.stderr()).isZero();
        } finally {
            for (FtpDialogue ftp : sessions) {
                ftp.close();
            }
        }
    }

    @Test
    void passiveRangeAndAddressAreHonoured() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            port = probe.getLocalPort();
        }
        ImageServerConfig config = ImageServerConfig.on(InetAddress.getByName(HOST)).withConcurrency(1)
                .withPassivePorts(PassivePorts.parse(Integer.toString(port))).withWorkDirectory(dir.resolve("ranged"));
        try (ImageServer ranged = ImageServer.start(config); HostedImage one = ranged.host(image)) {
            Publication p = one.grant(progress -> { });
            try (FtpDialogue ftp = new FtpDialogue(HOST, ranged.port())) {
                assertThat(ftp.login(p.user(), p.password()).code()).isEqualTo(230);

                Reply pasv = ftp.send("PASV");

                assertThat(pasv.text()).contains("(127,0,4,1," + (port >> 8) + "," + (port & 0xff) + ")");
                assertThat(ftp.send("PORT 127,0,4,1,200,10").code()).as("active mode is off").isBetween(500, 599);
            }
        }
    }

    @Test
    void aPassiveRangeThatOtherProgramsHoldFailsTheDownloadAndTheAccountSaysWhy() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            int port = taken.getLocalPort(); // another program listens on the only passive port
            ImageServerConfig config = ImageServerConfig.on(InetAddress.getByName(HOST)).withConcurrency(1)
                    .withPassivePorts(PassivePorts.parse(Integer.toString(port))).withWorkDirectory(dir.resolve("taken"));
            try (ImageServer ranged = ImageServer.start(config); HostedImage one = ranged.host(image)) {
                Publication p = one.grant(progress -> { });
                assertThat(one.serverProblem(p)).as("nothing went wrong yet").isEmpty();
                String url = "ftp://" + p.user() + ":" + p.password() + "@" + HOST + ":" + ranged.port() + "/" + p.name();

                ExternalCommand.Result result = curl(dir.resolve("stdout"), "-o", dir.resolve("none.bin").toString(), url);

                assertThat(result.exitCode()).as("curl fails: %s", result.stderr()).isNotZero();
                assertThat(one.serverProblem(p)).hasValueSatisfying(why -> assertThat(why)
                        .startsWith("The laptop's FTP server could not open a data port for the download: the passive port "
                                + port + " is in use on this computer")
                        .contains("--ftp-passive-ports"));
                Publication other = one.grant(progress -> { });
                assertThat(one.serverProblem(other)).as("only the account whose client it failed").isEmpty();
            }
        }
    }

    @Test
    void revokeRefusesLoginAndEndsOpenSessions() throws Exception {
        try (FtpDialogue ftp = new FtpDialogue(HOST, server.port())) {
            assertThat(ftp.login(publication.user(), publication.password()).code()).isEqualTo(230);

            hosted.revoke(publication);

            assertThat(replyOrClosed(ftp, "NOOP")).isEqualTo(-1);
        }
        ExternalCommand.Result result = curl(dir.resolve("stdout"), "-o", dir.resolve("gone.bin").toString(),
                url("/" + publication.name()));
        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(CURL_LOGIN_DENIED);
    }

    @Test
    void revokeAbortsADownloadWhoseClientStoppedReading() throws Exception {
        byte[] big = new byte[16 * 1024 * 1024];
        new Random(16).nextBytes(big);
        Path bigImage = dir.resolve("big.bin");
        Files.write(bigImage, big);
        List<DownloadProgress> events = new CopyOnWriteArrayList<>();
        try (HostedImage bigHosted = server.host(bigImage)) {
            Publication stalled = bigHosted.grant(events::add);
            abortsWhenRevoked(bigHosted, stalled, big.length, events);
        }
    }

    private void abortsWhenRevoked(HostedImage bigHosted, Publication stalled, int size, List<DownloadProgress> events)
            throws Exception {
        try (FtpDialogue ftp = new FtpDialogue(HOST, server.port())) {
            assertThat(ftp.login(stalled.user(), stalled.password()).code()).isEqualTo(230);
            assertThat(ftp.send("TYPE I").code()).isEqualTo(200);
            Matcher pasv = Pattern.compile("\\((\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)\\)")
                    .matcher(ftp.send("PASV").text());
            assertThat(pasv.find()).isTrue();
            int dataPort = Integer.parseInt(pasv.group(5)) * 256 + Integer.parseInt(pasv.group(6));
            try (Socket data = new Socket()) {
                data.setReceiveBufferSize(4096);
                data.setSoTimeout(10_000);
                data.connect(new InetSocketAddress(HOST, dataPort), 5_000);
                assertThat(ftp.send("RETR " + stalled.name()).code()).isEqualTo(150);
                assertThat(data.getInputStream().readNBytes(1024)).hasSize(1024);
                await().atMost(Duration.ofSeconds(10)).until(() -> events.stream()
                        .anyMatch(e -> e.state() == State.RUNNING));

                bigHosted.revoke(stalled);

                await().atMost(Duration.ofSeconds(10)).until(() -> !events.isEmpty()
                        && events.get(events.size() - 1).state().isFinal());
                DownloadProgress last = events.get(events.size() - 1);
                assertThat(last.state()).isEqualTo(State.ABORTED);
                assertThat(last.bytes()).isLessThan(size);
            }
        }
    }

    private static int replyOrClosed(FtpDialogue ftp, String command) {
        try {
            return ftp.send(command).code();
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void refusesToHostAMissingOrEmptyImage() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.bin"));

        assertThatThrownBy(() -> server.host(dir.resolve("missing.bin")))
                .isInstanceOf(ImageServerException.class).hasMessageContaining("choose an existing image file");
        assertThatThrownBy(() -> server.host(empty))
                .isInstanceOf(ImageServerException.class).hasMessageContaining("is empty");
        assertThat(server.hostedImages()).hasSize(1);
    }

    @Test
    @SuppressWarnings("deprecation")
    void publishIsOneGrantOnItsOwnCopyAndUnpublishDeletesIt() throws Exception {
        List<DownloadProgress> heard = new CopyOnWriteArrayList<>();
        DownloadListener everyDownload = heard::add;
        server.addDownloadListener(everyDownload);
        try {
            Publication single = server.publish(image);
            assertThat(server.hostedImages()).hasSize(2);
            ExternalCommand.Result get = curl(dir.resolve("stdout"), "-o", dir.resolve("single.bin").toString(),
                    single.urlWithPassword().toString());
            assertThat(get.exitCode()).as(get.stderr()).isZero();
            assertThat(Files.readAllBytes(dir.resolve("single.bin"))).isEqualTo(imageBytes);
            await().atMost(Duration.ofSeconds(10)).until(() -> heard.stream()
                    .anyMatch(e -> e.user().equals(single.user()) && e.state() == State.COMPLETE));

            server.unpublish(single);
            server.unpublish(single);

            assertThat(server.hostedImages()).hasSize(1);
            ExternalCommand.Result again = curl(dir.resolve("stdout"), "-o", dir.resolve("again.bin").toString(),
                    single.urlWithPassword().toString());
            assertThat(again.exitCode()).as(again.stderr()).isEqualTo(CURL_LOGIN_DENIED);
            try (Stream<Path> files = Files.walk(shared.resolve("work"))) {
                assertThat(files.filter(Files::isRegularFile)).as("only the class's hosted copy is left").hasSize(1);
            }
        } finally {
            server.removeDownloadListener(everyDownload);
        }
    }

    @Test
    void aTakenPortIsReportedWithWhatToDo() throws Exception {
        ImageServerConfig samePort = ImageServerConfig.on(InetAddress.getByName(HOST)).withPort(server.port())
                .withWorkDirectory(dir.resolve("second"));

        assertThatThrownBy(() -> ImageServer.start(samePort).close())
                .isInstanceOf(ImageServerException.class).hasMessageContaining("Choose another port");
    }
}

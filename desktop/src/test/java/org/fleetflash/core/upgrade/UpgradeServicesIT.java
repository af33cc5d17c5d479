package org.fleetflash.core.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.fleetflash.core.device.SshConnector;
import org.fleetflash.server.ftp.DownloadProgress;
import org.fleetflash.server.ftp.HostedImage;
import org.fleetflash.server.ftp.PassivePorts;
import org.fleetflash.server.ftp.Publication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The batch's image hosting: one copy per image however many routers, each router its own account; real curl. */
class UpgradeServicesIT {

    private static final SshConnector CONNECTOR = SshConnector.start();
    private static final InetAddress LAPTOP = InetAddress.getLoopbackAddress();
    private static final int CURL_LOGIN_DENIED = 67;

    @TempDir
    Path dir;

    private Path image(String name) throws IOException {
        byte[] bytes = new byte[300_000];
        new Random(name.hashCode()).nextBytes(bytes);
        return Files.write(dir.resolve(name), bytes);
    }

    private List<Path> copies(Path work) throws IOException {
        Path ftp = work.resolve("ftp");
        if (!Files.exists(ftp)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(ftp)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private int curl(Publication p, Path out) throws Exception {
        Process curl = new ProcessBuilder("curl", "-s", "-S", "--ftp-pasv", "--max-time", "60", "-o", out.toString(),
                p.urlWithPassword().toString()).redirectErrorStream(true).redirectOutput(dir.resolve("curl.log").toFile())
                .start();
        curl.getOutputStream().close();
        if (!curl.waitFor(90, TimeUnit.SECONDS)) {
            curl.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("curl did not finish in 90 s");
        }
        return curl.exitValue();
    }

    @Test
    void everyRouterOfTheBatchGetsItsOwnAccountOntoOneCopyOfTheImage() throws Exception {
        Path work = dir.resolve("work");
        Path firmware = image("fw.bin");
        List<DownloadProgress> first = new CopyOnWriteArrayList<>();
        List<DownloadProgress> second = new CopyOnWriteArrayList<>();
        Publication a;
        Publication b;
        try (UpgradeServices services = new UpgradeServices(CONNECTOR, work, new ImageHosting(0, PassivePorts.ANY, 4), java.time.Clock.systemUTC())) {
            HostedImage hosted = services.hostedImage(LAPTOP, firmware);
            assertThat(services.hostedImage(LAPTOP, dir.resolve(".").resolve("fw.bin"))).isSameAs(hosted);
            a = hosted.grant(first::add);
            b = services.hostedImage(LAPTOP, firmware).grant(second::add);

            assertThat(curl(a, dir.resolve("a.bin"))).isZero();
            assertThat(curl(b, dir.resolve("b.bin"))).isZero();

            assertThat(Files.readAllBytes(dir.resolve("a.bin"))).isEqualTo(Files.readAllBytes(firmware));
            assertThat(Files.readAllBytes(dir.resolve("b.bin"))).isEqualTo(Files.readAllBytes(firmware));
            await().atMost(Duration.ofSeconds(10)).until(() -> !first.isEmpty() && first.get(first.size() - 1).state()
                    .isFinal() && !second.isEmpty() && second.get(second.size() - 1).state().isFinal());
            assertThat(first).extracting(DownloadProgress::user).containsOnly(a.user());
            assertThat(second).extracting(DownloadProgress::user).containsOnly(b.user());
            assertThat(copies(work)).as("one copy for both routers").hasSize(1);
            assertThat(hosted.bytesServed()).isEqualTo(2 * Files.size(firmware));
        }
        assertThat(copies(work)).as("closing the services deletes the copy").isEmpty();
    }

    @Test
    void aRevokedRouterCannotDownloadAndAnotherImageGetsItsOwnCopy() throws Exception {
        Path work = dir.resolve("work");
        try (UpgradeServices services = new UpgradeServices(CONNECTOR, work)) {
            HostedImage hosted = services.hostedImage(LAPTOP, image("one.bin"));
            Publication revoked = hosted.grant(progress -> { });
            hosted.revoke(revoked);
            services.hostedImage(LAPTOP, image("two.bin"));

            assertThat(curl(revoked, dir.resolve("revoked.bin"))).isEqualTo(CURL_LOGIN_DENIED);
            assertThat(copies(work)).hasSize(2);
        }
    }

    @Test
    void aPassiveRangeTooSmallForTheBatchIsRefusedBeforeAnyRouterIsTouched() {
        assertThatThrownBy(() -> new ImageHosting(0, PassivePorts.parse("50000-50003"), 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has 4 ports, fewer than the 10 routers")
                .hasMessageContaining("widen it to 50000-50009");
    }
}

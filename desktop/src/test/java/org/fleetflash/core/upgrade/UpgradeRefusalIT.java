package org.fleetflash.core.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.fleetflash.agent.sim.Profile;
import org.fleetflash.agent.sim.Shell;
import org.fleetflash.agent.sim.SimImage;
import org.fleetflash.agent.sim.SimRouter;
import org.fleetflash.core.device.Credentials;
import org.fleetflash.core.device.FileHostKeyStore;
import org.fleetflash.core.device.SshConnector;
import org.fleetflash.core.device.SshOptions;
import org.fleetflash.core.device.SshTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upgrades refused before anything is sent to the router: the router is left exactly as it was, and the
 * technician is told why.
 */
class UpgradeRefusalIT {

    private static final AtomicInteger NEXT = new AtomicInteger(60);
    /** The application-wide connector, as the command line uses it. */
    private static final SshConnector connector = SshConnector.shared();

    @TempDir
    Path dir;



    record Run(UpgradeResult result, List<UpgradeEvent> events) {
    }

    Run upgrade(SimRouter router, Path image, String layout) {
        List<UpgradeEvent> events = new ArrayList<>();
        UpgradeRequest request = new UpgradeRequest(new SshTarget(router.address(), router.port()),
                Credentials.Password.of(router.user(), router.password()),
                SshOptions.DEFAULTS.withAcceptNewHostKey(true).withConnectTimeout(Duration.ofSeconds(3)),
                new FileHostKeyStore(dir.resolve("known_hosts")), image, List.of(layout.split(" ")), Optional.empty(),
                UpgradeRequest.Transport.AUTO, Duration.ofSeconds(30), dir.resolve("backups"));
        try (UpgradeServices services = new UpgradeServices(connector, dir.resolve("work"))) {
            UpgradeResult result = new RouterUpgrade(request, services, events::add, Clock.systemUTC()).run();
            return new Run(result, events);
        }
    }

    SimRouter start(Profile profile) throws IOException {
        return SimRouter.start(dir.resolve("state"), new SimRouter.Options("r" + NEXT.get(), profile, Shell.DASH,
                "127.0.5." + NEXT.getAndIncrement(), 0, Optional.empty(), Optional.empty()));
    }

    Path image(Profile p, long size) throws IOException {
        Path img = dir.resolve("image-" + size + ".bin");
        SimImage.write(p, "12.0-test", size, img);
        return img;
    }

    void assertUntouched(SimRouter router, byte[] flashBefore, Run run) throws IOException {
        assertThat(Files.readAllBytes(router.sandbox().flashFile())).isEqualTo(flashBefore);
        assertThat(run.events()).noneMatch(e -> e instanceof UpgradeEvent.PhaseChanged p && p.to().pastPointOfNoReturn());
        assertThat(run.events().get(run.events().size() - 1)).isInstanceOf(UpgradeEvent.Finished.class);
        assertThat(Files.exists(router.sandbox().root().resolve("tmp/fleetflash/stage.conf"))).isFalse();
    }

    @Test
    void refusesAnImageOneByteTooLargeBeforeAnyTransfer() throws Exception {
        Profile p = Profile.load("tl-wdr3600").unthrottled();
        try (SimRouter router = start(p)) {
            byte[] before = Files.readAllBytes(router.sandbox().flashFile());
            long span = 0x7d0000 - 0x020000;
            Path tooLarge = image(p, span);
            Files.write(tooLarge, new byte[] {0x42}, java.nio.file.StandardOpenOption.APPEND);
            Run run = upgrade(router, tooLarge, "kernel rootfs");

            assertThat(run.result().outcome()).isEqualTo(Outcome.FAILED_SAFE);
            assertThat(run.result().code()).isEqualTo("IMAGE_TOO_LARGE");
            assertThat(run.result().message()).contains("too large by 1 bytes").contains("before any transfer");
            assertThat(run.result().backup()).isEmpty();
            assertThat(run.events()).noneMatch(e -> e instanceof UpgradeEvent.PhaseChanged pc
                    && pc.to().compareTo(Phase.BACKUP) >= 0);
            assertUntouched(router, before, run);
        }
    }

    @Test
    void refusesARouterWithoutTmpfsInPreflight() throws Exception {
        Profile p = Profile.load("tl-wdr3600-stripped").unthrottled();
        try (SimRouter router = start(p)) {
            byte[] before = Files.readAllBytes(router.sandbox().flashFile());
            Run run = upgrade(router, image(p, 4 * 1024 * 1024), "kernel rootfs");

            assertThat(run.result().outcome()).isEqualTo(Outcome.FAILED_SAFE);
            assertThat(run.result().code()).isEqualTo("NO_TMPFS");
            assertThat(run.result().message()).contains("tmpfs").contains("reboot -r");
            assertUntouched(router, before, run);
        }
    }

    @Test
    void refusesReadOnlyPartitions() throws Exception {
        String text;
        try (InputStream in = Profile.class.getResourceAsStream("/org/fleetflash/agent/sim/profiles/tl-wdr3600.profile")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        // The stock TL-WDR4300 hints: kernel and rootfs readonly=1.
        Profile stock = Profile.parse("tl-wdr3600-stock", text
                .replace("search:0x00020000:0x10000:.!/bin/sh rw", "search:0x00020000:0x10000:.!/bin/sh ro")
                .replace("0x7d0000 rw", "0x7d0000 ro")).unthrottled();
        try (SimRouter router = start(stock)) {
            byte[] before = Files.readAllBytes(router.sandbox().flashFile());
            Run run = upgrade(router, image(stock, 4 * 1024 * 1024), "kernel rootfs");

            assertThat(run.result().outcome()).isEqualTo(Outcome.FAILED_SAFE);
            assertThat(run.result().code()).isEqualTo("READONLY_PARTITION");
            assertThat(run.result().message()).contains("kernel is read-only");
            assertUntouched(router, before, run);
        }
    }

    @Test
    void anUnreachableRouterFailsSafeWithTheReason() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.5.250"))) {
            port = s.getLocalPort();
        }
        List<UpgradeEvent> events = new ArrayList<>();
        UpgradeRequest request = new UpgradeRequest(new SshTarget("127.0.5.250", port), Credentials.Password.of("root", "x"),
                SshOptions.DEFAULTS.withConnectTimeout(Duration.ofSeconds(2)), new FileHostKeyStore(dir.resolve("kh")),
                dir.resolve("none.bin"), List.of("kernel", "rootfs"), Optional.empty(), UpgradeRequest.Transport.AUTO,
                Duration.ofSeconds(10), dir.resolve("backups"));
        try (UpgradeServices services = new UpgradeServices(connector, dir.resolve("work"))) {
            UpgradeResult r = new RouterUpgrade(request, services, events::add, Clock.systemUTC()).run();
            assertThat(r.outcome()).isEqualTo(Outcome.FAILED_SAFE);
            assertThat(r.code()).isEqualTo("UNREACHABLE");
            assertThat(r.message()).contains("127.0.5.250");
            assertThat(r.phase()).isEqualTo(Phase.CONNECT);
        }
    }
}

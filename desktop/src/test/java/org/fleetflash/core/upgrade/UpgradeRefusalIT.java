package org.fleetflash.core.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.fleetflash.agent.image.ImageInfo;
import org.fleetflash.agent.image.TpLinkHeader;
import org.fleetflash.agent.image.UImageHeader;
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
    private static final SshConnector connector = SshConnector.start();

    @TempDir
    Path dir;



    record Run(UpgradeResult result, List<UpgradeEvent> events) {
    }

    Run upgrade(SimRouter router, Path image, String layout) {
        return upgrade(router, image, layout, false);
    }

    Run upgrade(SimRouter router, Path image, String layout, boolean forceImage) {
        return upgrade(router, image, layout, forceImage, false);
    }

    Run upgrade(SimRouter router, Path image, String layout, boolean forceImage, boolean windowWording) {
        List<UpgradeEvent> events = new ArrayList<>();
        UpgradeRequest request = new UpgradeRequest(new SshTarget(router.address(), router.port()),
                Credentials.Password.of(router.user(), router.password()),
                SshOptions.DEFAULTS.withAcceptNewHostKey(true).withConnectTimeout(Duration.ofSeconds(3)),
                new FileHostKeyStore(dir.resolve("known_hosts")), image, List.of(layout.split(" ")), Optional.empty(),
                UpgradeRequest.Transport.AUTO, Duration.ofSeconds(30), dir.resolve("backups")).withForceImage(forceImage);
        try (UpgradeServices services = new UpgradeServices(connector, dir.resolve("work"))) {
            if (windowWording) {
                services.useWindowWording();
            }
            UpgradeResult result = new RouterUpgrade(request, services, events::add).run();
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
            assertThat(run.result().code()).isEqualTo(FailureCode.IMAGE_TOO_LARGE);
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
            assertThat(run.result().code()).isEqualTo(FailureCode.NO_TMPFS);
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
            assertThat(run.result().code()).isEqualTo(FailureCode.READONLY_PARTITION);
            assertThat(run.result().message()).contains("kernel is read-only");
            assertUntouched(router, before, run);
        }
    }

    /** Refused in PLAN with {@code code}: no backup, no phase from BACKUP on, the router exactly as it was. */
    void assertRefusedBeforeAnyTransfer(SimRouter router, byte[] before, Run run, String code) throws IOException {
        assertThat(run.result().outcome()).as(run.result().message()).isEqualTo(Outcome.FAILED_SAFE);
        assertThat(run.result().code().name()).isEqualTo(code);
        assertThat(run.result().message()).contains("Refused before any transfer", "Nothing was sent");
        assertThat(run.result().backup()).isEmpty();
        assertThat(run.events()).noneMatch(e -> e instanceof UpgradeEvent.PhaseChanged pc && pc.to().compareTo(Phase.BACKUP) >= 0);
        assertUntouched(router, before, run);
        assertThat(router.sandbox().root().resolve("tmp/fleetflash/claim")).doesNotExist();
    }

    @Test
    void refusesRandomBytesOfTheRightSizeAsNotFirmware() throws Exception {
        Profile p = Profile.load("tl-wdr3600").unthrottled();
        try (SimRouter router = start(p)) {
            byte[] before = Files.readAllBytes(router.sandbox().flashFile());
            byte[] noise = new byte[7_919_104];
            new java.util.Random(7).nextBytes(noise);
            Path random = Files.write(dir.resolve("random.bin"), noise);

            Run run = upgrade(router, random, "kernel rootfs");

            assertRefusedBeforeAnyTransfer(router, before, run, "NOT_FIRMWARE");
            assertThat(run.result().image()).hasValueSatisfying(i -> assertThat(i.format()).isEqualTo(ImageInfo.Format.UNKNOWN));
        }
    }

    @Test
    void refusesAnImageCutInsideItsRootFileSystemEvenWhenForced() throws Exception {
        // every header of such a file is intact; flashed, the router stops at "mountroot>" and needs its console
        Profile p = Profile.load("tl-wdr3600").unthrottled();
        try (SimRouter router = start(p)) {
            byte[] before = Files.readAllBytes(router.sandbox().flashFile());
            Path cut = Files.write(dir.resolve("cut.bin"), java.util.Arrays.copyOf(SimImage.bytes(p, "12.0-cut", 0), 6_000_000));

            Run run = upgrade(router, cut, "kernel rootfs", true);

            assertRefusedBeforeAnyTransfer(router, before, run, "TRUNCATED");
            assertThat(run.result().message()).contains("cut short", "Download the image again");
        }
    }

    @Test
    void refusesAKernelForAnotherArchitectureEvenWhenForced() throws Exception {
        Profile p = Profile.load("tl-wdr3600").unthrottled();
        try (SimRouter router = start(p)) {
            byte[] before = Files.readAllBytes(router.sandbox().flashFile());
            Path arm = Files.write(dir.resolve("arm.bin"), SimImage.withKernelArch(SimImage.bytes(p, "12.0-arm", 0),
                    UImageHeader.ARCH_ARM));

            Run run = upgrade(router, arm, "kernel rootfs", true);

            assertRefusedBeforeAnyTransfer(router, before, run, "WRONG_ARCH");
            assertThat(run.result().message()).contains("--force-image cannot override this");
        }
    }

    @Test
    void refusesAnImageForAnotherBoardWhoseRootIsNotWhereThisKernelLooks() throws Exception {
        Profile mt7621 = Profile.load("generic-16m").unthrottled();
        try (SimRouter router = start(mt7621)) {
            byte[] before = Files.readAllBytes(router.sandbox().flashFile());
            Path wdr = Files.write(dir.resolve("wdr3600.bin"), SimImage.bytes(Profile.load("tl-wdr3600"), "12.0-wdr", 0));

            Run run = upgrade(router, wdr, "kernel rootfs");

            assertRefusedBeforeAnyTransfer(router, before, run, "NO_ROOT");
        }
    }

    @Test
    void refusesAnImageForABoardWithAnotherSystemOnChipThoughItNamesNoModel() throws Exception {
        // The demo's mistake: the 16 MiB MT7621 board's image, a bare U-Boot image (no TP-Link header, so no hardware
        // id), MIPS like the TL-WDR3600, its root where the TL-WDR3600's kernel searches. Flashed, the router would
        // hang after "Starting kernel ...": its kernel is linked for the MT7621's load address.
        Profile wdr = Profile.load("tl-wdr3600").unthrottled();
        try (SimRouter router = start(wdr)) {
            byte[] before = Files.readAllBytes(router.sandbox().flashFile());
            Path g16 = Files.write(dir.resolve("generic-16m.bin"), SimImage.bytes(Profile.load("generic-16m"), "12.1-gw16m",
                    4L << 20));

            Run run = upgrade(router, g16, "kernel rootfs");

            assertRefusedBeforeAnyTransfer(router, before, run, "WRONG_MODEL");
            assertThat(run.result().message()).contains("loaded at 0x80001000", "loaded at 0x80050000", "another system-on-chip",
                    "Pick the image for this model", "--force-image writes it anyway");
            Run inTheWindow = upgrade(router, g16, "kernel rootfs", false, true);
            assertRefusedBeforeAnyTransfer(router, before, inTheWindow, "WRONG_MODEL");
            assertThat(inTheWindow.result().message()).contains("0x80001000").doesNotContain("--");
        }
    }

    @Test
    void refusesATpLinkImageForAnotherModelAndSaysForceExists() throws Exception {
        Profile p = Profile.load("tl-wdr3600").unthrottled();
        String name;
        try (SimRouter router = start(p)) {
            name = router.name();
        }
        // The router runs TP-Link firmware (hardware id 0x36000001 at 0x40 of its kernel partition), as shipped.
        byte[] own = SimImage.bytes(p, "11.0-tplink", 0, ImageInfo.Format.TPLINK);
        byte[] flash = Files.readAllBytes(dir.resolve("state").resolve(name).resolve("flash.bin"));
        System.arraycopy(own, 0, flash, (int) p.spanStart(), own.length);
        Files.write(dir.resolve("state").resolve(name).resolve("flash.bin"), flash);
        try (SimRouter router = SimRouter.start(dir.resolve("state"), new SimRouter.Options(name, p, Shell.DASH,
                "127.0.5." + NEXT.getAndIncrement(), 0, Optional.empty(), Optional.empty()))) {
            assertThat(router.runningVersion()).contains("11.0-tplink");
            byte[] before = Files.readAllBytes(router.sandbox().flashFile());
            byte[] other = SimImage.bytes(p, "12.0-wdr4300", 0, ImageInfo.Format.TPLINK);
            java.nio.ByteBuffer.wrap(other).putInt(0x40, 0x43000001); // a TL-WDR4300's image
            TpLinkHeader.sign(other);
            Path wdr4300 = Files.write(dir.resolve("wdr4300.bin"), other);

            Run run = upgrade(router, wdr4300, "kernel rootfs");

            assertRefusedBeforeAnyTransfer(router, before, run, "WRONG_MODEL");
            assertThat(run.result().message()).contains("0x43000001", "0x36000001", "--force-image writes it anyway");
            // the window never writes an image its checks refuse: its words point at no command-line option
            Run inTheWindow = upgrade(router, wdr4300, "kernel rootfs", false, true);
            assertRefusedBeforeAnyTransfer(router, before, inTheWindow, "WRONG_MODEL");
            assertThat(inTheWindow.result().message()).contains("0x43000001", "0x36000001").doesNotContain("--");
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
            UpgradeResult r = new RouterUpgrade(request, services, events::add).run();
            assertThat(r.outcome()).isEqualTo(Outcome.FAILED_SAFE);
            assertThat(r.code()).isEqualTo(FailureCode.UNREACHABLE);
            assertThat(r.message()).contains("127.0.5.250");
            assertThat(r.phase()).isEqualTo(Phase.CONNECT);
        }
    }
}

package org.fleetflash.core.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The confirmation sheet's pre-flight: the upgrade's own checks on a real simulated router, which say "fits" or name
 * the reason an upgrade would be refused, and leave the router exactly as it was (no claim, no staging, no backup).
 */
class PreflightIT {

    private static final AtomicInteger NEXT = new AtomicInteger(10);
    private static final SshConnector connector = SshConnector.start();

    @TempDir
    Path dir;

    @AfterAll
    static void stop() {
        connector.close();
    }

    SimRouter start(Profile profile) throws IOException {
        return SimRouter.start(dir.resolve("state"), new SimRouter.Options("p" + NEXT.get(), profile, Shell.DASH,
                "127.0.55." + NEXT.getAndIncrement(), 0, Optional.empty(), Optional.empty()));
    }

    Preflight check(SimRouter router, Path image, String password, List<UpgradeEvent> events) {
        UpgradeRequest request = new UpgradeRequest(new SshTarget(router.address(), router.port()),
                Credentials.Password.of(router.user(), password),
                SshOptions.DEFAULTS.withAcceptNewHostKey(true).withConnectTimeout(Duration.ofSeconds(5)),
                new FileHostKeyStore(dir.resolve("known_hosts")), image, List.of("kernel", "rootfs"), Optional.empty(),
                UpgradeRequest.Transport.AUTO, Duration.ofSeconds(30), dir.resolve("backups"));
        try (UpgradeServices services = new UpgradeServices(connector, dir.resolve("work"))) {
            return new RouterUpgrade(request, services, events::add).preflight();
        }
    }

    Preflight check(SimRouter router, Path image) {
        return check(router, image, router.password(), new ArrayList<>());
    }

    Path image(Profile p, String version, long size) throws IOException {
        Path img = dir.resolve(version + "-" + size + ".bin");
        SimImage.write(p, version, size, img);
        return img;
    }

    /** The router's flash, its scratch directory and the history are as they were: nothing was claimed or staged. */
    void assertUntouched(SimRouter router, byte[] flashBefore) throws IOException {
        assertThat(Files.readAllBytes(router.sandbox().flashFile())).isEqualTo(flashBefore);
        assertThat(router.sandbox().root().resolve("tmp/fleetflash/claim")).doesNotExist();
        assertThat(router.sandbox().root().resolve("tmp/fleetflash/stage.conf")).doesNotExist();
        assertThat(dir.resolve("backups")).doesNotExist();
    }

    @Test
    void aFittingImageIsReadyWithItsPlanAndSpareRoomAndNoStartOrFinishEvent() throws Exception {
        Profile p = Profile.load("tl-wdr3600").unthrottled();
        try (SimRouter router = start(p)) {
            byte[] before = Files.readAllBytes(router.sandbox().flashFile());
            List<UpgradeEvent> events = new ArrayList<>();
            Preflight pf = check(router, image(p, "12.1-new", 4 * 1024 * 1024), router.password(), events);

            assertThat(pf.verdict()).as(pf.message()).isEqualTo(Preflight.Verdict.READY);
            assertThat(pf.mayUpgrade()).isTrue();
            assertThat(pf.plan()).hasValueSatisfying(plan -> assertThat(plan.layout()).containsExactly("kernel", "rootfs"));
            assertThat(pf.facts()).hasValueSatisfying(f -> assertThat(f.arch()).isEqualTo("mips"));
            assertThat(pf.message()).startsWith("Fits: 4194304 bytes over kernel + rootfs").contains("bytes to spare");
            assertThat(events).noneMatch(e -> e instanceof UpgradeEvent.Started || e instanceof UpgradeEvent.Finished);
            assertThat(events).noneMatch(e -> e instanceof UpgradeEvent.PhaseChanged pc && pc.to().compareTo(Phase.BACKUP) >= 0);
            assertUntouched(router, before);
        }
    }

    @Test
    void anImageTooLargeIsBlockedByHowMuch() throws Exception {
        Profile p = Profile.load("tl-wdr3600").unthrottled();
        try (SimRouter router = start(p)) {
            byte[] before = Files.readAllBytes(router.sandbox().flashFile());
            Path tooLarge = image(p, "12.1-big", 0x7d0000 - 0x020000);
            Files.write(tooLarge, new byte[300], java.nio.file.StandardOpenOption.APPEND);

            Preflight pf = check(router, tooLarge);

            assertThat(pf.verdict()).isEqualTo(Preflight.Verdict.BLOCKED);
            assertThat(pf.code()).isEqualTo(FailureCode.IMAGE_TOO_LARGE);
            assertThat(pf.message()).contains("too large by 300 bytes");
            assertUntouched(router, before);
        }
    }

    @Test
    void anImageForAnotherBoardIsBlocked() throws Exception {
        try (SimRouter router = start(Profile.load("generic-16m").unthrottled())) {
            byte[] before = Files.readAllBytes(router.sandbox().flashFile());
            Preflight pf = check(router, image(Profile.load("tl-wdr3600"), "12.1-wdr", 0));

            assertThat(pf.verdict()).isEqualTo(Preflight.Verdict.BLOCKED);
            assertThat(pf.code()).isEqualTo(FailureCode.NO_ROOT);
            assertThat(pf.message()).contains("Nothing was sent");
            assertUntouched(router, before);
        }
    }

    @Test
    void anImageForTheSixteenMegabyteBoardIsBlockedOnATlWdr3600AsAnotherModel() throws Exception {
        try (SimRouter router = start(Profile.load("tl-wdr3600").unthrottled())) {
            byte[] before = Files.readAllBytes(router.sandbox().flashFile());
            Preflight pf = check(router, image(Profile.load("generic-16m"), "12.1-gw16m", 4L << 20));

            assertThat(pf.verdict()).isEqualTo(Preflight.Verdict.BLOCKED);
            assertThat(pf.code()).isEqualTo(FailureCode.WRONG_MODEL);
            assertThat(pf.message()).contains("0x80001000", "0x80050000", "Nothing was sent");
            assertUntouched(router, before);
        }
    }

    @Test
    void aTpLinkImageOnARouterRunningABareImageIsReadyAndSaysItsHardwareIdWasNotCompared() throws Exception {
        Profile p = Profile.load("tl-wdr3600").unthrottled();
        try (SimRouter router = start(p)) {
            byte[] before = Files.readAllBytes(router.sandbox().flashFile());
            Path tplink = dir.resolve("tplink.bin");
            SimImage.write(p, "12.1-tp", 0, org.fleetflash.agent.image.ImageInfo.Format.TPLINK, tplink);
            List<UpgradeEvent> events = new ArrayList<>();

            Preflight pf = check(router, tplink, router.password(), events);

            assertThat(pf.verdict()).as(pf.message()).isEqualTo(Preflight.Verdict.READY);
            assertThat(pf.message()).startsWith("Fits: ").contains("0x36000001", "no TP-Link header", "not compared");
            assertThat(events).anyMatch(e -> e instanceof UpgradeEvent.Note n && n.level() == UpgradeEvent.Note.Level.WARNING
                    && n.text().startsWith("Not checked: "));
            assertUntouched(router, before);
        }
    }

    @Test
    void aRouterWithoutTmpfsIsBlocked() throws Exception {
        Profile p = Profile.load("tl-wdr3600-stripped").unthrottled();
        try (SimRouter router = start(p)) {
            Preflight pf = check(router, image(p, "12.1-new", 4 * 1024 * 1024));

            assertThat(pf.code()).isEqualTo(FailureCode.NO_TMPFS);
            assertThat(pf.mayUpgrade()).isFalse();
        }
    }

    @Test
    void tooLittleFreeRamIsBlockedWithBothFigures() throws Exception {
        String text;
        try (InputStream in = Profile.class.getResourceAsStream("/org/fleetflash/agent/sim/profiles/tl-wdr3600.profile")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Profile busy = Profile.parse("tl-wdr3600-busy", text.replace("mem.free_pages=18934", "mem.free_pages=2500")).unthrottled();
        try (SimRouter router = start(busy)) {
            byte[] before = Files.readAllBytes(router.sandbox().flashFile());
            Preflight pf = check(router, image(busy, "12.1-new", 4 * 1024 * 1024));

            assertThat(pf.code()).isEqualTo(FailureCode.NO_RAM);
            assertThat(pf.message()).contains("Not enough free RAM").contains(Long.toString(2500L * 4096) + " are free");
            assertUntouched(router, before);
        }
    }

    @Test
    void aRouterThatRunsTheImagesVersionIsProbablyUpToDate() throws Exception {
        Profile p = Profile.load("tl-wdr3600").unthrottled();
        try (SimRouter router = start(p)) {
            String running = router.runningVersion().orElseThrow();
            Preflight pf = check(router, image(p, running, 4 * 1024 * 1024));

            assertThat(pf.verdict()).isEqualTo(Preflight.Verdict.PROBABLY_UP_TO_DATE);
            assertThat(pf.mayUpgrade()).isTrue();
            assertThat(pf.message()).contains("Already runs version " + running);
        }
    }

    @Test
    void aWrongPasswordIsBlockedAsALoginRefusal() throws Exception {
        Profile p = Profile.load("tl-wdr3600").unthrottled();
        try (SimRouter router = start(p)) {
            Preflight pf = check(router, image(p, "12.1-new", 4 * 1024 * 1024), "not-the-password", new ArrayList<>());

            assertThat(pf.code()).isEqualTo(FailureCode.AUTHENTICATION_FAILED);
            assertThat(pf.facts()).isEmpty();
            assertThat(pf.mayUpgrade()).isFalse();
        }
    }
}

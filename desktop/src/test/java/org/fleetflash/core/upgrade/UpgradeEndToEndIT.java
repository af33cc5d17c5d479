package org.fleetflash.core.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.fleetflash.agent.protocol.DeviceFacts;
import org.fleetflash.agent.sim.Faults;
import org.fleetflash.agent.sim.Profile;
import org.fleetflash.agent.sim.Shell;
import org.fleetflash.agent.sim.SimImage;
import org.fleetflash.agent.sim.SimRouter;
import org.fleetflash.core.device.Credentials;
import org.fleetflash.core.device.DeviceProber;
import org.fleetflash.core.device.FileHostKeyStore;
import org.fleetflash.core.device.SshConnector;
import org.fleetflash.core.device.SshOptions;
import org.fleetflash.core.device.SshTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine upgrades simulated routers end to end (SSH, FTP, the real agent, reroot, flasher, telemetry,
 * reboot), and every fault ends in the outcome a technician must be told.
 */
class UpgradeEndToEndIT {

    private static final AtomicInteger NEXT = new AtomicInteger(1);
    private static final String VERSION = "12.0-e2e";
    /** The application-wide connector, as the command line uses it. */
    private static final SshConnector connector = SshConnector.start();

    @TempDir
    Path dir;

    private final List<SimRouter> routers = new ArrayList<>();



    @AfterEach
    void stopRouters() throws IOException {
        for (SimRouter r : routers) {
            r.close();
        }
    }

    record Run(UpgradeResult result, List<UpgradeEvent> events) {
        List<Phase> phases() {
            return events.stream().filter(UpgradeEvent.PhaseChanged.class::isInstance)
                    .map(e -> ((UpgradeEvent.PhaseChanged) e).to()).toList();
        }
    }

    SimRouter start(Profile profile) throws IOException {
        int n = NEXT.getAndIncrement();
        SimRouter r = SimRouter.start(dir.resolve("state"), new SimRouter.Options("e2e-" + n, profile, Shell.DASH,
                "127.0.7." + n, 0, Optional.empty(), Optional.empty()));
        r.setRebootDelay(Duration.ofMillis(500));
        routers.add(r);
        return r;
    }

    SimRouter start() throws IOException {
        return start(Profile.load("tl-wdr3600").unthrottled());
    }

    Run upgrade(SimRouter router, Path image, Duration returnTimeout) {
        return upgrade(router, image, returnTimeout, ImageHosting.DEFAULT);
    }

    Run upgrade(SimRouter router, Path image, Duration returnTimeout, ImageHosting hosting) {
        return upgrade(router, image, returnTimeout, hosting, false);
    }

    Run upgrade(SimRouter router, Path image, Duration returnTimeout, ImageHosting hosting, boolean windowWording) {
        List<UpgradeEvent> events = Collections.synchronizedList(new ArrayList<>());
        UpgradeRequest request = new UpgradeRequest(new SshTarget(router.address(), router.port()),
                Credentials.Password.of(router.user(), router.password()),
                SshOptions.DEFAULTS.withAcceptNewHostKey(true).withCommandDeadline(Duration.ofSeconds(60)),
                new FileHostKeyStore(dir.resolve("known_hosts")), image, List.of("kernel", "rootfs"), Optional.empty(),
                UpgradeRequest.Transport.AUTO, returnTimeout, dir.resolve("backups"));
        try (UpgradeServices services = new UpgradeServices(connector, dir.resolve("work"), hosting, java.time.Clock.systemUTC())) {
            if (windowWording) {
                services.useWindowWording();
            }
            UpgradeResult result = new RouterUpgrade(request, services, events::add).run();
            return new Run(result, List.copyOf(events));
        }
    }

    Run upgrade(SimRouter router, Path image) {
        return upgrade(router, image, Duration.ofSeconds(120));
    }

    Path image(Profile p, String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    static byte[] padded(byte[] image, int eraseBlock) {
        return Arrays.copyOf(image, (image.length + eraseBlock - 1) / eraseBlock * eraseBlock);
    }

    DeviceFacts probe(SimRouter router) throws Exception {
        return new DeviceProber(connector).probe(new SshTarget(router.address(), router.port()),
                Credentials.Password.of(router.user(), router.password()), SshOptions.DEFAULTS.withAcceptNewHostKey(true),
                new FileHostKeyStore(dir.resolve("known_hosts"))).facts();
    }

    /** Failed safe: old flash, no memory disk but the router's own, no stage.conf left, still answering. */
    void assertLeftAsItWas(SimRouter router, byte[] flashBefore, Run run) throws Exception {
        assertThat(run.result().outcome()).as(run.result().message()).isEqualTo(Outcome.FAILED_SAFE);
        assertThat(run.phases()).noneMatch(Phase::pastPointOfNoReturn);
        assertThat(Files.readAllBytes(router.sandbox().flashFile())).isEqualTo(flashBefore);
        assertThat(Files.exists(router.sandbox().root().resolve("tmp/fleetflash/stage.conf"))).isFalse();
        DeviceFacts after = probe(router);
        assertThat(after.mdUnitsInUse()).containsExactly("md0", "md1");
        assertThat(router.state()).isEqualTo(SimRouter.State.UP);
    }

    @Test
    void upgradesTheSeedDeviceAndChecksItCameBackWithTheImage() throws Exception {
        SimRouter router = start();
        Profile p = router.sandbox().profile();
        byte[] before = Files.readAllBytes(router.sandbox().flashFile());
        byte[] img = SimImage.bytes(p, VERSION, 0);

        Run run = upgrade(router, image(p, "fw.bin", img));

        assertThat(run.result().outcome()).as(run.result().message()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(run.phases()).containsSubsequence(Phase.CONNECT, Phase.UPLOAD_AGENT, Phase.PROBE, Phase.PLAN,
                Phase.BACKUP, Phase.PREFLIGHT, Phase.DOWNLOAD, Phase.VERIFY_IMAGE, Phase.STAGED, Phase.COMMIT, Phase.FLASH,
                Phase.RETURN, Phase.VERIFIED);
        byte[] after = Files.readAllBytes(router.sandbox().flashFile());
        int start = (int) p.spanStart();
        byte[] pad = padded(img, p.eraseBlock());
        assertThat(Arrays.copyOfRange(after, start, start + pad.length)).isEqualTo(pad);
        assertThat(Arrays.copyOfRange(after, 0, start)).isEqualTo(Arrays.copyOfRange(before, 0, start));
        assertThat(Arrays.copyOfRange(after, start + pad.length, after.length))
                .isEqualTo(Arrays.copyOfRange(before, start + pad.length, before.length));
        assertThat(router.runningVersion()).contains(VERSION);
        assertThat(probe(router).firmwareVersion()).contains(VERSION);
        assertThat(run.result().written()).isEqualTo(pad.length / p.eraseBlock());
        // The download's progress reached the whole image, as the FTP server counted it.
        assertThat(run.events()).anyMatch(e -> e instanceof UpgradeEvent.Transfer pr && pr.phase() == Phase.DOWNLOAD
                && pr.bytes() == img.length && pr.total() == img.length);
        // Every partition was backed up before anything was written, byte for byte.
        Path backup = run.result().backup().orElseThrow();
        assertThat(Files.readAllBytes(backup.resolve("ART.bin")))
                .isEqualTo(Arrays.copyOfRange(before, 0x7f0000, 0x800000));
        assertThat(Files.readAllBytes(backup.resolve("cfg.bin")))
                .isEqualTo(Arrays.copyOfRange(before, 0x7d0000, 0x7e0000));
        assertThat(Files.readString(backup.resolve("SHA256SUMS"))).contains("  u-boot.bin", "  kernel.bin", "  ART.bin");
    }

    @Test
    void aRouterLeftStagedByAnEarlierAttemptIsNotTouchedUntilCleanedUp() throws Exception {
        SimRouter router = start();
        Profile p = router.sandbox().profile();
        Path img = image(p, "fw.bin", SimImage.bytes(p, VERSION, 0));
        // An earlier attempt that stopped after 'prepare' (the laptop lost power, say): its memory disk is still there.
        DeviceFacts facts = probe(router);
        org.fleetflash.agent.plan.FlashPlan plan = org.fleetflash.agent.plan.FlashPlan.create(img, facts.partitions(),
                List.of("kernel", "rootfs"), facts.eraseBlock());
        try (org.fleetflash.core.device.DeviceSession s = connector.open(new SshTarget(router.address(), router.port()),
                Credentials.Password.of(router.user(), router.password()), SshOptions.DEFAULTS.withAcceptNewHostKey(true),
                new FileHostKeyStore(dir.resolve("known_hosts")))) {
            org.fleetflash.core.device.AgentRunner agent = org.fleetflash.core.device.AgentRunner.install(s, Duration.ofSeconds(60));
            StageConf conf = new StageConf(plan, StageConf.Transport.SSH, "", "", "127.0.0.1", 9, "0".repeat(32), 1, "");
            List<org.fleetflash.agent.protocol.AgentLine> lines = new ArrayList<>();
            agent.run(List.of("claim", "earlier-attempt"), Duration.ofSeconds(60), lines::add);
            agent.run(List.of("conf", "earlier-attempt"), conf.text().getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(60),
                    lines::add);
            agent.run(List.of("prepare", "earlier-attempt"), Duration.ofSeconds(60), lines::add);
            assertThat(lines).anyMatch(org.fleetflash.agent.protocol.AgentLine.Prepared.class::isInstance);
        }
        byte[] before = Files.readAllBytes(router.sandbox().flashFile());

        Run run = upgrade(router, img);

        assertThat(run.result().outcome()).isEqualTo(Outcome.FAILED_SAFE);
        assertThat(run.result().code()).isEqualTo(FailureCode.BUSY);
        assertThat(run.result().message()).contains("earlier-attempt", "fleetflash cleanup " + router.address() + ":" + router.port());
        assertThat(probe(router).mdUnitsInUse()).containsExactly("md0", "md1", "md2"); // the earlier attempt's, untouched
        assertThat(Files.readAllBytes(router.sandbox().flashFile())).isEqualTo(before);

        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        Path pw = Files.writeString(org.fleetflash.core.settings.DataDirectory.createOwnerOnlyFile(dir.resolve("pw")), router.password() + "\n");
        int exit = org.fleetflash.cli.FleetFlashCommand.commandLine(new java.io.PrintWriter(out), new java.io.PrintWriter(err))
                .execute("cleanup", router.address() + ":" + router.port(), "--user", router.user(), "--password-file",
                        pw.toString(), "--data-dir", dir.toString()); // takes over the pin of dir/known_hosts
        assertThat(exit).as(err.toString()).isZero();
        assertThat(probe(router).mdUnitsInUse()).containsExactly("md0", "md1");
        assertThat(upgrade(router, img).result().outcome()).isEqualTo(Outcome.SUCCEEDED);
    }

    @Test
    void aSecondUpgradeWritesOnlyTheBlocksThatDiffer() throws Exception {
        SimRouter router = start();
        Profile p = router.sandbox().profile();
        byte[] a = SimImage.bytes(p, VERSION, 0);
        assertThat(upgrade(router, image(p, "a.bin", a)).result().outcome()).isEqualTo(Outcome.SUCCEEDED);
        byte[] b = SimImage.withChangedTail(p, a, 10);

        Run second = upgrade(router, image(p, "b.bin", b));

        assertThat(second.result().outcome()).as(second.result().message()).isEqualTo(Outcome.SUCCEEDED);
        int blocks = padded(b, p.eraseBlock()).length / p.eraseBlock();
        assertThat(second.result().written()).isEqualTo(10);
        assertThat(second.result().same()).isEqualTo(blocks - 10);
    }

    @Test
    void aDownloadCutOnceIsResumed() throws Exception {
        SimRouter router = start();
        Profile p = router.sandbox().profile();
        router.setFaults(Faults.none().withDownloadCut(1_000_000, false));
        Run run = upgrade(router, image(p, "fw.bin", SimImage.bytes(p, VERSION, 0)));
        assertThat(run.result().outcome()).as(run.result().message()).isEqualTo(Outcome.SUCCEEDED);
    }

    @Test
    void aDownloadCutEveryTimeFailsSafe() throws Exception {
        SimRouter router = start();
        Profile p = router.sandbox().profile();
        byte[] before = Files.readAllBytes(router.sandbox().flashFile());
        router.setFaults(Faults.none().withDownloadCut(1_000_000, true));
        Run run = upgrade(router, image(p, "fw.bin", SimImage.bytes(p, VERSION, 0)));
        assertThat(run.result().code()).isEqualTo(FailureCode.DOWNLOAD_FAILED);
        assertThat(run.events()).as("the agent's own words on the failed download are kept for the transcript").anyMatch(e ->
                e instanceof UpgradeEvent.Note n && n.level() == UpgradeEvent.Note.Level.DETAIL && n.text().startsWith("agent: "));
        assertLeftAsItWas(router, before, run);
    }

    @Test
    void inTheWindowsWordingAnUpToDateRouterIsNotToldToUseTheCommandLinesReflash() throws Exception {
        SimRouter router = start();
        Profile p = router.sandbox().profile();
        Path img = image(p, "fw.bin", SimImage.bytes(p, VERSION, 0));
        assertThat(upgrade(router, img, Duration.ofSeconds(120), ImageHosting.DEFAULT, true).result().outcome())
                .isEqualTo(Outcome.SUCCEEDED);

        Run window = upgrade(router, img, Duration.ofSeconds(120), ImageHosting.DEFAULT, true);
        Run commandLine = upgrade(router, img);

        assertThat(window.result().code()).isEqualTo(FailureCode.UP_TO_DATE);
        assertThat(window.result().message()).endsWith("the router was not rebooted.").doesNotContain("--");
        assertThat(commandLine.result().code()).isEqualTo(FailureCode.UP_TO_DATE);
        assertThat(commandLine.result().message()).endsWith("To write it anyway, upgrade again with --reflash.");
    }

    @Test
    void aPassivePortRangeThatAnotherProgramHoldsFailsSafeAndSaysSo() throws Exception {
        SimRouter router = start();
        Profile p = router.sandbox().profile();
        byte[] before = Files.readAllBytes(router.sandbox().flashFile());
        // the laptop's address towards routers on 127.0.7.x is 127.0.0.1: another program listens on the only passive port
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"));
                java.net.ServerSocket next = nextPort(taken.getLocalPort())) {
            String range = taken.getLocalPort() + "-" + next.getLocalPort();
            Run run = upgrade(router, image(p, "fw.bin", SimImage.bytes(p, VERSION, 0)), Duration.ofSeconds(120),
                    new ImageHosting(0, org.fleetflash.server.ftp.PassivePorts.parse(range), 1));

            assertThat(run.result().code()).as(run.result().message()).isEqualTo(FailureCode.DOWNLOAD_FAILED);
            assertThat(run.result().message()).startsWith("The laptop's FTP server could not open a data port for the download: "
                    + "the passive ports " + range + " are all in use on this computer").contains("The router said: ");
            assertLeftAsItWas(router, before, run);
        }
    }

    /** A socket of another program on the port after {@code port} (on a port it finds free from there on, ending the range). */
    private static java.net.ServerSocket nextPort(int port) throws IOException {
        for (int p = port + 1; p <= Math.min(65535, port + 50); p++) {
            try {
                return new java.net.ServerSocket(p, 1, java.net.InetAddress.getByName("127.0.0.1"));
            } catch (java.net.BindException e) {
                // taken already: another program holds it, which is what the test wants; but the range must end on ours
            }
        }
        throw new IOException("No free port within 50 after " + port);
    }

    @Test
    void aCorruptedByteInTransferFailsSafeBeforeTheReroot() throws Exception {
        SimRouter router = start();
        Profile p = router.sandbox().profile();
        byte[] before = Files.readAllBytes(router.sandbox().flashFile());
        router.setFaults(Faults.none().withCorruptByte(4_000_000));
        Run run = upgrade(router, image(p, "fw.bin", SimImage.bytes(p, VERSION, 0)));
        assertThat(run.result().code()).isEqualTo(FailureCode.DIGEST_MISMATCH);
        assertLeftAsItWas(router, before, run);
    }

    @Test
    void ramThatShrankSinceTheProbeFailsSafeSayingHowMuch() throws Exception {
        SimRouter router = start();
        Profile p = router.sandbox().profile();
        byte[] before = Files.readAllBytes(router.sandbox().flashFile());
        router.setFaults(Faults.none().withRamTakenAtNextMdconfig(p.freePages() - 256));
        Run run = upgrade(router, image(p, "fw.bin", SimImage.bytes(p, VERSION, 0)));
        assertThat(run.result().code()).isEqualTo(FailureCode.NO_RAM);
        assertThat(run.result().message()).containsPattern("needs [0-9]{7,} bytes").containsPattern("only [0-9]+ bytes are free");
        assertLeftAsItWas(router, before, run);
    }

    @Test
    void powerLossWhileFlashingNeedsAttention() throws Exception {
        SimRouter router = start();
        Profile p = router.sandbox().profile();
        router.setFaults(Faults.none().withPowerLossAtBlock(20));
        Run run = upgrade(router, image(p, "fw.bin", SimImage.bytes(p, VERSION, 0)), Duration.ofSeconds(15));
        assertThat(run.result().outcome()).isEqualTo(Outcome.NEEDS_ATTENTION);
        assertThat(run.result().code()).isEqualTo(FailureCode.NO_RETURN);
        assertThat(run.result().message()).contains("did not answer SSH").contains("console").contains("PROGRESS");
        assertThat(router.state()).isEqualTo(SimRouter.State.DEAD);
    }

    @Test
    void aRouterThatNeverReturnsNeedsAttentionAfterTheTimeout() throws Exception {
        SimRouter router = start();
        Profile p = router.sandbox().profile();
        router.setFaults(Faults.none().withNeverReturns());
        Run run = upgrade(router, image(p, "fw.bin", SimImage.bytes(p, VERSION, 0)), Duration.ofSeconds(10));
        assertThat(run.result().outcome()).isEqualTo(Outcome.NEEDS_ATTENTION);
        assertThat(run.result().code()).isEqualTo(FailureCode.NO_RETURN);
        // the message names what the router last reported: DONE when its flasher finished within the window (the
        // REBOOT phase follows DONE), an earlier report (or none) when a loaded machine flashed slower than the window
        assertThat(run.result().message()).containsAnyOf("its last report was", "and sent no telemetry");
        if (run.phases().contains(Phase.REBOOT)) {
            assertThat(run.result().message()).contains("DONE");
        }
    }

    @Test
    void lostTelemetryStillSucceedsJudgedByTheReturnAndTheReadBack() throws Exception {
        SimRouter router = start();
        Profile p = router.sandbox().profile();
        router.setFaults(Faults.none().withTelemetryDrop(100));
        Run run = upgrade(router, image(p, "fw.bin", SimImage.bytes(p, VERSION, 0)));
        assertThat(run.result().outcome()).as(run.result().message()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(run.phases()).doesNotContain(Phase.FLASH);
        assertThat(run.result().written()).isEqualTo(-1);
    }

    @Test
    void aRouterWithoutFetchAndSha256IsUpgradedThroughTheFallbacks() throws Exception {
        String text;
        try (InputStream in = Profile.class.getResourceAsStream("/org/fleetflash/agent/sim/profiles/tl-wdr3600-stripped.profile")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        // A stripped image whose kernel does have tmpfs: no fetch, no sha256, no awk/sed/od/geom.
        Profile p = Profile.parse("tl-wdr3600-stripped-tmpfs", text.replace("tmpfs=no", "tmpfs=yes")).unthrottled();
        SimRouter router = start(p);
        Run run = upgrade(router, image(p, "fw.bin", SimImage.bytes(p, VERSION, 0)));
        assertThat(run.result().outcome()).as(run.result().message()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(run.events()).anyMatch(e -> e instanceof UpgradeEvent.Note n && n.phase() == Phase.DOWNLOAD
                && n.text().contains("over SSH"));
        assertThat(run.result().bytesDownloaded()).isEqualTo(run.result().plan().orElseThrow().imageSize());
        assertThat(router.runningVersion()).contains(VERSION);
    }
}

package org.fleetflash.core.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.fleetflash.agent.protocol.AgentLine;
import org.fleetflash.agent.protocol.Partition;
import org.fleetflash.core.device.Credentials;
import org.fleetflash.core.device.FileHostKeyStore;
import org.fleetflash.core.device.SshOptions;
import org.fleetflash.core.device.SshTarget;
import org.fleetflash.server.telemetry.TelemetryEvent;
import org.fleetflash.server.telemetry.TelemetryKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every outcome branch of the phase script, against a router and a laptop of the test's own (the simulator proves
 * the same end to end): what the technician is told, whether the router was cleaned up, which code the history keeps.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RouterUpgradeScriptTest {

    @TempDir
    Path dir;

    private final EventDelivery delivery = new EventDelivery();
    private final MovingClock clock = new MovingClock();
    private final List<UpgradeEvent> events = Collections.synchronizedList(new ArrayList<>());
    private final List<String> listenerThreads = Collections.synchronizedList(new ArrayList<>());
    private final java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
    private FakeRouter router;
    private FakeLaptop laptop;
    private Path image;
    private UpgradeRequest request;

    @BeforeEach
    void setUp() throws Exception {
        router = new FakeRouter(FakeRouter.image("11.0-r100"));
        router.newImage = FakeRouter.image("11.0-r200");
        image = Files.write(dir.resolve("fw.bin"), router.newImage);
        laptop = new FakeLaptop();
        laptop.sha256Served = java.util.HexFormat.of().formatHex(Digests.sha256().digest(router.newImage));
        request = new UpgradeRequest(new SshTarget("127.0.0.1", 2222), Credentials.Password.of("root", "pw"), SshOptions.DEFAULTS,
                new FileHostKeyStore(dir.resolve("known_hosts")), image, List.of("kernel", "rootfs"), Optional.empty(),
                UpgradeRequest.Transport.AUTO, Duration.ofMinutes(10), dir.resolve("backups"));
    }

    @AfterEach
    void tearDown() {
        delivery.close();
    }

    /** A clock that moves only when the return watch sleeps: a ten-minute window passes in no time. */
    static final class MovingClock extends Clock {
        private volatile Instant now = Instant.parse("2026-12-01T10:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** The laptop: telemetry sent from a thread of its own, as the UDP receiver does. */
    final class FakeLaptop implements LaptopSide {
        final BackupIndex backups = BackupIndex.create();
        volatile Consumer<TelemetryEvent> telemetry;
        volatile String sha256Served;
        int served;
        int withdrawn;

        @Override
        public Served serve(Path img, InetAddress address, DownloadWatcher watcher) {
            served++;
            return new Served() {
                @Override
                public String url() {
                    return "ftp://127.0.0.1:2121/fw.bin";
                }

                @Override
                public String password() {
                    return "secret";
                }

                @Override
                public String sha256() {
                    return sha256Served;
                }

                @Override
                public long bytes() {
                    return router.newImage.length;
                }

                @Override
                public void close() {
                    withdrawn++;
                }
            };
        }

        @Override
        public Listening listen(InetAddress address, String r, Consumer<TelemetryEvent> events) {
            telemetry = events;
            return new Listening() {
                @Override
                public int port() {
                    return 5555;
                }

                @Override
                public String token() {
                    return "token";
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public BackupIndex backups() {
            return backups;
        }

        void send(TelemetryKind kind, String... fields) throws InterruptedException {
            java.util.Map<String, String> map = new java.util.HashMap<>();
            for (int i = 0; i < fields.length; i += 2) {
                map.put(fields[i], fields[i + 1]);
            }
            Thread t = new Thread(() -> telemetry.accept(new TelemetryEvent("r", 1, kind, map, false, null, Instant.now())),
                    "telemetry-io");
            t.start();
            t.join();
        }
    }

    private RouterUpgrade upgrade(UpgradeRequest r) {
        return new RouterUpgrade(r, router, laptop, delivery, clock, new ReturnWatch(clock, clock::advance),
                "attempt-" + attempts.incrementAndGet(), "batch-1", e -> {
                    listenerThreads.add(Thread.currentThread().getName());
                    events.add(e);
                });
    }

    private UpgradeResult run() {
        return upgrade(request).run();
    }

    private List<Phase> phases() {
        return events.stream().filter(UpgradeEvent.PhaseChanged.class::isInstance).map(e -> ((UpgradeEvent.PhaseChanged) e).to())
                .toList();
    }

    // ---- success ------------------------------------------------------------------------------------

    @Test
    void aRouterThatComesBackWithTheImageSucceedsAndEveryEventReachesTheListenerInOrderOnTheEventThread() throws Exception {
        router.knocks = List.of(r -> {
            try {
                laptop.send(TelemetryKind.BEGIN, "blocks", "112");
                laptop.send(TelemetryKind.PROGRESS, "block", "1", "blocks", "112", "action", "written");
                laptop.send(TelemetryKind.PROGRESS, "block", "2", "blocks", "112", "action", "same");
                laptop.send(TelemetryKind.DONE, "written", "11", "same", "101");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return new ReturnWatch.Answer.Silent("rebooting");
        }, r -> new ReturnWatch.Answer.Back(r.returned()));

        UpgradeResult result = run();

        assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(result.code()).isEqualTo(FailureCode.OK);
        assertThat(result.written()).isEqualTo(11);
        assertThat(result.same()).isEqualTo(101);
        assertThat(result.attempt().router().hostKey()).contains("SHA256:fake");
        assertThat(phases()).containsExactly(Phase.CONNECT, Phase.UPLOAD_AGENT, Phase.PROBE, Phase.PLAN, Phase.BACKUP,
                Phase.PREFLIGHT, Phase.DOWNLOAD, Phase.VERIFY_IMAGE, Phase.STAGED, Phase.COMMIT, Phase.FLASH, Phase.REBOOT,
                Phase.RETURN, Phase.READ_BACK, Phase.VERIFIED);
        assertThat(events.get(0)).isInstanceOf(UpgradeEvent.Started.class);
        assertThat(events.get(events.size() - 1)).isInstanceOf(UpgradeEvent.Finished.class);
        assertThat(events).anyMatch(UpgradeEvent.Probed.class::isInstance).anyMatch(UpgradeEvent.Planned.class::isInstance)
                .anyMatch(UpgradeEvent.BackedUp.class::isInstance).anyMatch(UpgradeEvent.Returned.class::isInstance);
        assertThat(events).filteredOn(UpgradeEvent.BlockFlashed.class::isInstance).extracting(e -> ((UpgradeEvent.BlockFlashed) e)
                .action()).containsExactly(UpgradeEvent.BlockAction.WRITTEN, UpgradeEvent.BlockAction.SAME);
        // the contract: never on the telemetry, SSH or upgrade thread, only on the engine's event thread
        assertThat(listenerThreads).isNotEmpty().allMatch(EventDelivery.THREAD_NAME::equals);
        assertThat(events).allMatch(e -> e.attempt().attemptId().equals("attempt-1") && e.attempt().batchId().equals("batch-1"));
        assertThat(laptop.withdrawn).as("the download account is withdrawn").isEqualTo(1);
        assertThat(router.calls).doesNotContain("cleanup");
    }

    @Test
    void theFlashersLastReportEndsThePauseBeforeTheNextKnock() {
        List<String> pauses = Collections.synchronizedList(new ArrayList<>());
        ReturnWatch.Sleeper sleeper = new ReturnWatch.Sleeper() {
            private volatile boolean woken;

            @Override
            public void sleep(Duration d) {
                pauses.add(woken ? "cut short" : "waited " + d.toMillis() + " ms");
                woken = false;
                clock.advance(d);
            }

            @Override
            public void wake() {
                woken = true;
            }
        };
        router.knocks = List.of(r -> new ReturnWatch.Answer.Silent("flashing"), r -> new ReturnWatch.Answer.Silent("flashing"),
                r -> {
                    try {
                        laptop.send(TelemetryKind.DONE, "written", "11", "same", "101");
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return new ReturnWatch.Answer.Silent("rebooting");
                }, r -> new ReturnWatch.Answer.Silent("rebooting"), r -> new ReturnWatch.Answer.Back(r.returned()));

        UpgradeResult result = new RouterUpgrade(request, router, laptop, delivery, clock, new ReturnWatch(clock, sleeper),
                "attempt-1", "batch-1", events::add).run();

        assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCEEDED);
        // the pauses grow while it flashes; DONE cuts the next one short; then a quarter of a second while it reboots
        assertThat(pauses).containsExactly("waited 250 ms", "waited 500 ms", "cut short", "waited 250 ms");
    }

    @Test
    void aRouterWhoseFlasherReportsItsBlocksIsNotLoggedIntoUntilItSaysItRebootsOrFallsSilent() {
        List<String> pauses = Collections.synchronizedList(new ArrayList<>());
        int[] sleeps = {0};
        ReturnWatch.Sleeper sleeper = new ReturnWatch.Sleeper() {
            private volatile boolean woken;

            @Override
            public void sleep(Duration d) {
                sleeps[0]++;
                try {
                    if (sleeps[0] <= 4) { // the flasher writes a block each pause
                        laptop.send(TelemetryKind.PROGRESS, "block", String.valueOf(sleeps[0]), "blocks", "112", "action", "written");
                    } else if (sleeps[0] == 5) {
                        laptop.send(TelemetryKind.DONE, "written", "4", "same", "108");
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                pauses.add((woken ? "cut short " : "waited ") + d.toMillis() + " ms, " + router.calls.stream()
                        .filter("knock"::equals).count() + " knocks");
                woken = false;
                clock.advance(d);
            }

            @Override
            public void wake() {
                woken = true;
            }
        };
        // its first knock (before any telemetry) finds it rebooting; then it reports blocks; then it says it reboots
        router.knocks = List.of(r -> new ReturnWatch.Answer.Silent("rerooting"), r -> new ReturnWatch.Answer.Silent("rebooting"),
                r -> new ReturnWatch.Answer.Back(r.returned()));

        UpgradeResult result = new RouterUpgrade(request, router, laptop, delivery, clock, new ReturnWatch(clock, sleeper),
                "attempt-1", "batch-1", events::add).run();

        assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCEEDED);
        // one knock before the flasher spoke; none while it wrote its blocks (a second apart); DONE cuts the wait
        // short and the knocks resume a quarter of a second apart
        assertThat(pauses).containsExactly("waited 250 ms, 1 knocks", "waited 1000 ms, 1 knocks", "waited 1000 ms, 1 knocks",
                "waited 1000 ms, 1 knocks", "cut short 1000 ms, 1 knocks", "waited 250 ms, 2 knocks");
        assertThat(router.calls.stream().filter("knock"::equals).count()).isEqualTo(3);

        // a flasher that falls silent for longer than FLASHER_QUIET is knocked again, each pause
        TelemetryTracker tracker = new TelemetryTracker(new TelemetryTracker.Sink() {
            @Override
            public void advanceTo(Phase p) {
            }

            @Override
            public void block(long block, long blocks, UpgradeEvent.BlockAction action) {
            }

            @Override
            public void warning(String text) {
            }

            @Override
            public void info(String text) {
            }
        }, 112, clock);
        tracker.on(new org.fleetflash.server.telemetry.TelemetryEvent("r", 1, TelemetryKind.PROGRESS,
                java.util.Map.of("block", "1", "blocks", "112", "action", "written"), false, null, Instant.now()));
        assertThat(tracker.heardWithin(RouterUpgrade.FLASHER_QUIET)).isTrue();
        clock.advance(RouterUpgrade.FLASHER_QUIET.plusMillis(1));
        assertThat(tracker.heardWithin(RouterUpgrade.FLASHER_QUIET)).isFalse();
    }

    @Test
    void aRouterWithFetchAndSha256IsStagedInOneAgentRunAndOneWithoutSha256StepByStep() {
        UpgradeResult oneRun = run();
        assertThat(oneRun.outcome()).as(oneRun.message()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(router.calls).containsSubsequence("stage", "claim", "configure", "prepare", "fetch", "seal", "commit")
                .doesNotContain("read_back");

        FakeRouter fresh = new FakeRouter(FakeRouter.image("11.0-r100"));
        fresh.newImage = router.newImage;
        fresh.hasSha256 = false;
        router = fresh;
        run();
        assertThat(router.calls).containsSubsequence("claim", "configure", "prepare", "fetch", "read_back")
                .doesNotContain("stage");
    }

    @Test
    void aListenerThatThrowsDoesNotStopTheUpgrade() {
        RouterUpgrade u = new RouterUpgrade(request, router, laptop, delivery, clock, new ReturnWatch(clock, clock::advance),
                "a", "b", e -> {
                    throw new IllegalStateException("a broken window");
                });
        assertThat(u.run().outcome()).isEqualTo(Outcome.SUCCEEDED);
    }

    @Test
    void anImageAlreadyInTheFlashIsUpToDateAndNothingIsStaged() throws Exception {
        router = new FakeRouter(router.newImage);
        router.newImage = Files.readAllBytes(image);
        UpgradeResult result = run();
        assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(result.code()).isEqualTo(FailureCode.UP_TO_DATE);
        assertThat(router.calls).doesNotContain("claim", "commit");
        assertThat(phases()).doesNotContain(Phase.PREFLIGHT, Phase.COMMIT);
    }

    @Test
    void reflashWritesAnImageAlreadyInTheFlash() throws Exception {
        router = new FakeRouter(router.newImage);
        router.newImage = Files.readAllBytes(image);
        UpgradeResult result = upgrade(request.withReflash(true)).run();
        assertThat(result.code()).isEqualTo(FailureCode.OK);
        assertThat(router.calls).contains("claim", "commit");
    }

    // ---- before anything was changed ---------------------------------------------------------------

    @Test
    void anUnreachableRouterFailsSafeWithoutACleanup() {
        router.failures.put(FakeRouter.Step.CONNECT, UpgradeFailure.safe(FailureCode.UNREACHABLE, "No answer from 127.0.0.1."));
        UpgradeResult result = run();
        assertThat(result.outcome()).isEqualTo(Outcome.FAILED_SAFE);
        assertThat(result.code()).isEqualTo(FailureCode.UNREACHABLE);
        assertThat(result.message()).isEqualTo("No answer from 127.0.0.1.");
        assertThat(router.calls).doesNotContain("cleanup");
    }

    @Test
    void aProbeThatFailsEndsBeforeThePlan() {
        router.failures.put(FakeRouter.Step.PROBE, UpgradeFailure.safe(FailureCode.PROBE_FAILED, "no sysctl output"));
        UpgradeResult result = run();
        assertThat(result.code()).isEqualTo(FailureCode.PROBE_FAILED);
        assertThat(phases()).doesNotContain(Phase.PLAN);
    }

    @Test
    void aRouterWithoutTmpfsIsRefusedInThePlan() {
        router.tmpfs = false;
        UpgradeResult result = run();
        assertThat(result.code()).isEqualTo(FailureCode.NO_TMPFS);
        assertThat(result.message()).contains("tmpfs", "console");
        assertThat(result.backup()).isEmpty();
    }

    @Test
    void anImageTooLargeIsRefusedByHowMuch() throws Exception {
        Files.write(image, new byte[(int) (FakeRouter.SPAN_END - FakeRouter.SPAN_START) + 1]);
        UpgradeResult result = run();
        assertThat(result.code()).isEqualTo(FailureCode.IMAGE_TOO_LARGE);
        assertThat(result.message()).contains("too large by 1 bytes");
    }

    @Test
    void anImageThatIsNotFirmwareIsRefusedBeforeAnyTransfer() throws Exception {
        byte[] random = new byte[1 << 20];
        new java.util.Random(7).nextBytes(random);
        Files.write(image, random);
        UpgradeResult result = run();
        assertThat(result.code()).isEqualTo(FailureCode.NOT_FIRMWARE);
        assertThat(router.calls).doesNotContain("read", "claim");
    }

    @Test
    void anImageForABoardWithAnotherSystemOnChipIsRefusedThoughItNamesNoModel() throws Exception {
        // a 4 MiB image for the MT7621 board: MIPS, its root where this router's kernel searches, no TP-Link header
        Files.write(image, org.fleetflash.agent.sim.SimImage.bytes(org.fleetflash.agent.sim.Profile.load("generic-16m"),
                "12.1", 4L << 20));
        UpgradeResult result = run();
        assertThat(result.outcome()).isEqualTo(Outcome.FAILED_SAFE);
        assertThat(result.code()).isEqualTo(FailureCode.WRONG_MODEL);
        assertThat(result.message()).contains("0x80001000", "0x80050000", "Nothing was sent to the router.");
        assertThat(router.calls).doesNotContain("read", "claim");
    }

    @Test
    void aRouterWhoseRunningKernelCannotBeReadIsUpgradedAndEveryoneIsToldTheModelWasNotChecked() throws Exception {
        byte[] unreadable = FakeRouter.image("11.0-r100");
        unreadable[0] ^= 0x55; // the boot loader's header, as FleetFlash cannot read it
        router = new FakeRouter(unreadable);
        router.newImage = Files.readAllBytes(image);

        Preflight preflight = upgrade(request).preflight();
        UpgradeResult result = run();

        assertThat(preflight.verdict()).isEqualTo(Preflight.Verdict.READY);
        assertThat(preflight.message()).startsWith("Fits: ").contains("could not be checked", "make sure it is built for this model");
        assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(events).anyMatch(e -> e instanceof UpgradeEvent.Note n && n.level() == UpgradeEvent.Note.Level.WARNING
                && n.text().startsWith("Not checked: ") && n.text().contains("could not be checked"));
    }

    @Test
    void aRouterRunningTheSameBoardsKernelSaysNothingWasLeftUnchecked() {
        Preflight preflight = upgrade(request).preflight();

        assertThat(preflight.verdict()).isEqualTo(Preflight.Verdict.READY);
        assertThat(preflight.message()).doesNotContain("could not be checked", "not compared");
    }

    @Test
    void aBackupThatBreaksOffIsRemovedAndNothingIsChanged() throws Exception {
        router.failures.put(FakeRouter.Step.READ, UpgradeFailure.safe(FailureCode.COMMAND_TIMEOUT, "read timed out."));
        UpgradeResult result = run();
        assertThat(result.code()).isEqualTo(FailureCode.BACKUP_FAILED);
        assertThat(result.message()).contains("incomplete backup was removed");
        try (var files = Files.list(dir.resolve("backups"))) {
            assertThat(files).isEmpty();
        }
        assertThat(router.calls).doesNotContain("claim", "cleanup");
    }

    @Test
    void aBackupThatThisComputerCannotWriteSaysSoNotThatTheRouterDropped() throws Exception {
        // the laptop's write fails inside the stream (a full disk does it; here a directory is in the way of the
        // second file), and the session goes down with it: the technician must hear about the disk, not the network
        List<String> partitions = router.facts().partitions().stream().map(Partition::name).toList();
        router.beforeRead = name -> {
            if (name.equals(partitions.get(1))) {
                try (var made = Files.list(dir.resolve("backups"))) {
                    Files.createDirectory(made.findFirst().orElseThrow().resolve(name + ".bin"));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
        UpgradeResult result = run();
        assertThat(result.outcome()).isEqualTo(Outcome.FAILED_SAFE);
        assertThat(result.code()).isEqualTo(FailureCode.BACKUP_FAILED);
        assertThat(result.message()).contains("Could not write the backup of partition " + partitions.get(1), "on this computer",
                "Free some disk space", "nothing was changed on the router").doesNotContain("connection");
        try (var files = Files.list(dir.resolve("backups"))) {
            assertThat(files).as("the incomplete backup was removed").isEmpty();
        }
        assertThat(router.calls).doesNotContain("claim");
    }

    // ---- backups shared between routers (decision 0022) -------------------------------------------------

    /** The backup directory of the attempt's {@link UpgradeEvent.BackedUp} event. */
    private List<UpgradeEvent.PartitionBackup> backedUp(String attempt) {
        return events.stream().filter(UpgradeEvent.BackedUp.class::isInstance).map(UpgradeEvent.BackedUp.class::cast)
                .filter(e -> e.attempt().attemptId().equals(attempt)).findFirst().orElseThrow().partitions();
    }

    private String firstConf;

    /** A second router of the same firmware: the first router's upgrade has already backed up the same flash. */
    private FakeRouter secondRouter() {
        UpgradeResult first = run();
        assertThat(first.outcome()).as(first.message()).isEqualTo(Outcome.SUCCEEDED);
        firstConf = router.conf;
        FakeRouter second = new FakeRouter(FakeRouter.image("11.0-r100"));
        second.newImage = router.newImage;
        router = second;
        return second;
    }

    @Test
    void aSecondRouterWithTheSameFlashLinksTheFirstOnesBackupInsteadOfReadingIt() throws Exception {
        FakeRouter second = secondRouter();

        UpgradeResult result = run();

        assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCEEDED);
        // the firmware's partitions are digested and linked; the small ones are cheaper to read than to digest
        assertThat(second.partitionsDigested).containsExactly("kernel", "rootfs");
        assertThat(second.partitionsRead).containsExactly("u-boot", "cfg", "ART");
        List<UpgradeEvent.PartitionBackup> mine = backedUp("attempt-2");
        List<UpgradeEvent.PartitionBackup> theirs = backedUp("attempt-1");
        assertThat(mine).extracting(UpgradeEvent.PartitionBackup::sha256)
                .containsExactlyElementsOf(theirs.stream().map(UpgradeEvent.PartitionBackup::sha256).toList());
        for (UpgradeEvent.PartitionBackup b : mine) {
            assertThat(b.file().getParent()).isNotEqualTo(theirs.get(0).file().getParent());
            boolean linked = theirs.stream().anyMatch(t -> sameFile(t.file(), b.file()));
            assertThat(linked).as("one copy on disk of %s", b.partition()).isEqualTo(List.of("kernel", "rootfs").contains(b.partition()));
            assertThat(Files.size(b.file())).isEqualTo(b.size());
        }
        assertThat(Files.readString(mine.get(0).file().resolveSibling("SHA256SUMS")))
                .isEqualTo(Files.readString(theirs.get(0).file().resolveSibling("SHA256SUMS")));
        String changed = firstConf.lines().filter(l -> l.startsWith("FF_CHANGED=")).findFirst().orElseThrow();
        assertThat(changed).as("the image changes some blocks").isNotEqualTo("FF_CHANGED=''");
        assertThat(second.conf.lines()).as("the same blocks to write").contains(changed);
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void onlyThePartitionWhoseBytesDifferIsReadTheOthersAreLinked() throws Exception {
        FakeRouter second = secondRouter();
        Partition rootfs = second.facts().partition("rootfs").orElseThrow();
        second.flash[(int) rootfs.offset() + 100] ^= 0x5a; // a root file system of its own
        byte[] own = java.util.Arrays.copyOfRange(second.flash, (int) rootfs.offset(), (int) rootfs.end());

        UpgradeResult result = run();

        assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(second.partitionsDigested).containsExactly("kernel", "rootfs");
        assertThat(second.partitionsRead).containsExactly("u-boot", "rootfs", "cfg", "ART");
        List<UpgradeEvent.PartitionBackup> mine = backedUp("attempt-2");
        UpgradeEvent.PartitionBackup myRootfs = mine.stream().filter(b -> b.partition().equals("rootfs")).findFirst().orElseThrow();
        assertThat(Files.readAllBytes(myRootfs.file())).isEqualTo(own);
        assertThat(myRootfs.sha256()).isNotEqualTo(backedUp("attempt-1").stream().filter(b -> b.partition().equals("rootfs"))
                .findFirst().orElseThrow().sha256());
    }

    @Test
    void aRouterWithoutSha256IsReadWhole() {
        FakeRouter second = secondRouter();
        second.hasSha256 = false;

        run();

        assertThat(backedUp("attempt-2")).hasSize(5);
        assertThat(second.calls).doesNotContain("digest");
        assertThat(second.partitionsRead).containsExactly("u-boot", "kernel", "rootfs", "cfg", "ART");
    }

    @Test
    void aKnownBackupFileThatIsGoneIsReadAgain() throws Exception {
        FakeRouter second = secondRouter();
        Path kernel = backedUp("attempt-1").stream().filter(b -> b.partition().equals("kernel")).findFirst().orElseThrow().file();
        Files.delete(kernel); // pruned, or removed by hand

        UpgradeResult result = run();

        assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(second.partitionsRead).containsExactly("u-boot", "kernel", "cfg", "ART");
    }

    /** A backup file of an earlier run holding {@code bytes}, as the history offers it, with the digest it was taken with. */
    private KnownBackup earlier(String name, byte[] bytes) throws Exception {
        Path file = Files.createDirectories(dir.resolve("earlier")).resolve(name);
        Files.write(file, bytes);
        return new KnownBackup(bytes.length, java.util.HexFormat.of().formatHex(Digests.sha256().digest(bytes)), file);
    }

    private byte[] partitionBytes(String name) {
        Partition p = router.facts().partition(name).orElseThrow();
        return java.util.Arrays.copyOfRange(router.flash, (int) p.offset(), (int) p.end());
    }

    @Test
    void aBackupFileOfAnEarlierRunIsLinkedByTheFirstRouterOfThisOne() throws Exception {
        KnownBackup kernel = earlier("kernel.bin", partitionBytes("kernel"));
        laptop.backups.addEarlier(List.of(kernel));

        UpgradeResult result = run();

        assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(router.partitionsRead).containsExactly("u-boot", "rootfs", "cfg", "ART");
        Path mine = backedUp("attempt-1").stream().filter(b -> b.partition().equals("kernel")).findFirst().orElseThrow().file();
        assertThat(Files.isSameFile(mine, kernel.file())).isTrue();
    }

    @Test
    void aBackupFileOfAnEarlierRunThatNoLongerHoldsItsBytesIsNotLinked() throws Exception {
        byte[] flashed = partitionBytes("kernel");
        byte[] bytes = flashed.clone();
        KnownBackup kernel = earlier("kernel.bin", bytes);
        bytes[4096] ^= 1; // bit rot on the laptop's disk since it was taken: same size, other bytes
        Files.write(kernel.file(), bytes);
        laptop.backups.addEarlier(List.of(kernel));

        UpgradeResult result = run();

        assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(router.partitionsRead).contains("kernel");
        UpgradeEvent.PartitionBackup mine = backedUp("attempt-1").stream().filter(b -> b.partition().equals("kernel")).findFirst()
                .orElseThrow();
        assertThat(Files.isSameFile(mine.file(), kernel.file())).isFalse();
        assertThat(Files.readAllBytes(mine.file())).as("the router's own bytes").isEqualTo(flashed);
    }

    @Test
    void aKnownFileThatCannotBeLinkedIsReadInstead() throws Exception {
        // a file on another file system (a hard link cannot cross one): the RAM disk beside this build's disk
        Path shm = Path.of("/dev/shm");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm)
                && !Files.getFileStore(shm).equals(Files.getFileStore(dir)), "needs /dev/shm on a file system of its own");
        byte[] bytes = partitionBytes("kernel");
        Path elsewhere = Files.createTempFile(shm, "fleetflash-kernel", ".bin");
        try {
            Files.write(elsewhere, bytes);
            laptop.backups.addEarlier(List.of(new KnownBackup(bytes.length, java.util.HexFormat.of().formatHex(
                    Digests.sha256().digest(bytes)), elsewhere)));

            UpgradeResult result = run();

            assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(router.partitionsRead).contains("kernel");
            Path mine = backedUp("attempt-1").stream().filter(b -> b.partition().equals("kernel")).findFirst().orElseThrow().file();
            assertThat(Files.readAllBytes(mine)).isEqualTo(bytes);
        } finally {
            Files.deleteIfExists(elsewhere);
        }
    }

    @Test
    void aBackupThatBreaksOffAfterTheLinksIsRemovedWholeAndTheKnownFilesStay() throws Exception {
        FakeRouter second = secondRouter();
        second.failures.put(FakeRouter.Step.READ, UpgradeFailure.safe(FailureCode.COMMAND_TIMEOUT, "read timed out."));
        List<UpgradeEvent.PartitionBackup> theirs = backedUp("attempt-1");

        UpgradeResult result = run();

        assertThat(result.code()).isEqualTo(FailureCode.BACKUP_FAILED);
        assertThat(result.message()).contains("partition u-boot").contains("incomplete backup was removed");
        try (var dirs = Files.list(dir.resolve("backups"))) {
            assertThat(dirs).as("only the first router's backup").containsExactly(theirs.get(0).file().getParent());
        }
        for (UpgradeEvent.PartitionBackup b : theirs) {
            assertThat(Files.size(b.file())).isEqualTo(b.size());
        }
    }

    @Test
    void aBusyRouterIsNotCleanedUpItMayBelongToAnotherUpgrade() {
        router.failures.put(FakeRouter.Step.CLAIM, UpgradeFailure.safe(FailureCode.BUSY, "Another upgrade holds it."));
        UpgradeResult result = run();
        assertThat(result.code()).isEqualTo(FailureCode.BUSY);
        assertThat(router.calls).doesNotContain("cleanup");
    }

    // ---- staged, before the reroot: undone ----------------------------------------------------------

    @Test
    void aFailedPreflightIsUndoneAndSaysWhatWasPutBack() {
        router.failures.put(FakeRouter.Step.PREPARE, UpgradeFailure.safe(FailureCode.NO_RAM, "Not enough free RAM."));
        UpgradeResult result = run();
        assertThat(result.outcome()).isEqualTo(Outcome.FAILED_SAFE);
        assertThat(result.code()).isEqualTo(FailureCode.NO_RAM);
        assertThat(result.message()).contains("Not enough free RAM", "memory disk md9 detached", "untouched");
        assertThat(router.calls).contains("cleanup").doesNotContain("commit");
    }

    @Test
    void aCutDownloadWhoseCleanupFailsNeedsAttentionAndSaysHowToCleanUp() {
        router.failures.put(FakeRouter.Step.FETCH, UpgradeFailure.safe(FailureCode.DOWNLOAD_FAILED, "fetch: transfer cut."));
        router.cleanupWorks = false;
        UpgradeResult result = run();
        assertThat(result.outcome()).isEqualTo(Outcome.NEEDS_ATTENTION);
        assertThat(result.code()).isEqualTo(FailureCode.DOWNLOAD_FAILED);
        assertThat(result.message()).contains("fleetflash cleanup 127.0.0.1:2222", "old firmware")
                .as("the router's reason").contains("mdconfig -d -u md9: Device busy");
    }

    @Test
    void aStagedImageWithAnotherDigestIsUndone() {
        router.sealedSha = Optional.of("f".repeat(64));
        UpgradeResult result = run();
        assertThat(result.code()).isEqualTo(FailureCode.DIGEST_MISMATCH);
        assertThat(router.calls).contains("cleanup").doesNotContain("commit");
    }

    @Test
    void anImageFileThatChangedSinceTheBatchBeganServingItIsNotSent() {
        laptop.sha256Served = "0".repeat(64);
        UpgradeResult result = run();
        assertThat(result.code()).isEqualTo(FailureCode.DIGEST_MISMATCH);
        assertThat(result.message()).contains("changed since this batch began serving it");
        assertThat(router.calls).doesNotContain("configure", "fetch");
    }

    @Test
    void onARouterWithoutSha256TheStagedImageIsCheckedOnTheLaptop() {
        router.hasSha256 = false;
        UpgradeResult result = run();
        assertThat(result.code()).isEqualTo(FailureCode.SIZE_MISMATCH);
        assertThat(router.calls).contains("read_back", "cleanup");
    }

    @Test
    void anUnknownAgentCodeIsKeptInTheMessage() {
        assertThat(FailureCode.fromAgent("NEW_THING")).isEqualTo(FailureCode.AGENT_ERROR);
        assertThat(RouterUpgrade.agentText(new AgentLine.Error("NEW_THING", "something new"))).contains("NEW_THING", "something new");
        assertThat(FailureCode.fromAgent("NO_RAM")).isEqualTo(FailureCode.NO_RAM);
    }

    // ---- cancel -------------------------------------------------------------------------------------

    @Test
    void cancelDuringTheDownloadAbortsTheCommandAndUndoes() throws Exception {
        router.blocking.add(FakeRouter.Step.FETCH);
        RouterUpgrade u = upgrade(request);
        CompletableFuture<UpgradeResult> running = CompletableFuture.supplyAsync(u::run);
        while (u.phase() != Phase.DOWNLOAD) {
            Thread.onSpinWait();
        }
        assertThat(u.cancel().accepted()).isTrue();
        UpgradeResult result = running.get(10, TimeUnit.SECONDS);
        assertThat(result.outcome()).isEqualTo(Outcome.FAILED_SAFE);
        assertThat(result.code()).isEqualTo(FailureCode.CANCELLED);
        assertThat(result.message()).contains("Cancelled by the technician in DOWNLOAD", "untouched");
        assertThat(router.calls).contains("abort", "cleanup").doesNotContain("commit");
    }

    @Test
    void cancelAtStagedIsUndoneAndCancelAfterTheCommitIsRefusedWithTheReason() throws Exception {
        RouterUpgrade u = upgrade(request);
        u.holdBeforeCommit(() -> assertThat(u.cancel().accepted()).isTrue());
        UpgradeResult result = u.run();
        assertThat(result.code()).isEqualTo(FailureCode.CANCELLED);
        assertThat(router.calls).contains("cleanup").doesNotContain("commit");

        events.clear();
        FakeRouter fresh = new FakeRouter(FakeRouter.image("11.0-r100"));
        fresh.newImage = router.newImage;
        router = fresh;
        RouterUpgrade after = upgrade(request);
        List<RouterUpgrade.CancelAnswer> answers = new ArrayList<>();
        router.knocks = List.of(r -> {
            answers.add(after.cancel());
            return new ReturnWatch.Answer.Back(r.returned());
        });
        assertThat(after.run().outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(answers).singleElement().satisfies(a -> {
            assertThat(a.accepted()).isFalse();
            assertThat(a.reason()).contains("point of no return", "Do not power it off");
        });
    }

    @Test
    void aBatchDeadlineStopsTheAttemptWithItsOwnCode() {
        RouterUpgrade u = upgrade(request);
        u.holdBeforeCommit(() -> u.stop(FailureCode.DEADLINE, "Not staged within 30 min"));
        UpgradeResult result = u.run();
        assertThat(result.code()).isEqualTo(FailureCode.DEADLINE);
        assertThat(result.message()).contains("Not staged within 30 min");
        assertThat(router.calls).contains("cleanup");
    }

    // ---- the commit ---------------------------------------------------------------------------------

    @Test
    void aRefusedCommitIsUndoneAndSafe() {
        router.commitAnswer = new RouterSide.CommitAnswer(false, Optional.of(new AgentLine.Error("REROOT_FAILED",
                "reboot -r failed; put back.")));
        UpgradeResult result = run();
        assertThat(result.outcome()).isEqualTo(Outcome.FAILED_SAFE);
        assertThat(result.code()).isEqualTo(FailureCode.REROOT_FAILED);
        assertThat(router.calls).contains("cleanup");
    }

    @Test
    void theRoutersHostKeyMayChangeOnlyFromTheCommitUntilTheAttemptEnds() {
        UpgradeResult result = run();
        assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCEEDED);
        List<String> calls = List.copyOf(router.calls);
        assertThat(calls).containsSubsequence("commit", "key-change-allowed", "knock", "key-change-ended");
        assertThat(calls.indexOf("key-change-allowed")).as("never before the reroot").isGreaterThan(calls.indexOf("commit"));
        assertThat(calls.get(calls.size() - 1)).isEqualTo("key-change-ended");
    }

    @Test
    void aRefusedCommitNeverAllowsAHostKeyChangeNorDoesAFailureBeforeIt() {
        router.commitAnswer = new RouterSide.CommitAnswer(false, Optional.of(new AgentLine.Error("REROOT_FAILED",
                "reboot -r failed; put back.")));
        assertThat(run().outcome()).isEqualTo(Outcome.FAILED_SAFE);
        assertThat(router.calls).contains("cleanup").doesNotContain("key-change-allowed");
    }

    @Test
    void aRouterThatNeverReturnsEndsTheHostKeyPermitWithTheAttempt() throws Exception {
        router.knocks = List.of(r -> new ReturnWatch.Answer.Silent("connection refused"));
        assertThat(run().outcome()).isEqualTo(Outcome.NEEDS_ATTENTION);
        assertThat(router.calls).containsSubsequence("key-change-allowed", "knock", "key-change-ended");
    }

    @Test
    void aCommitThatWasNotConfirmedIsTreatedAsRerootingAndStillChecked() {
        router.commitAnswer = new RouterSide.CommitAnswer(false, Optional.empty());
        UpgradeResult result = run();
        assertThat(result.code()).isEqualTo(FailureCode.OK);
        assertThat(events).anyMatch(e -> e instanceof UpgradeEvent.Note n && n.text().contains("did not confirm the commit"));
    }

    @Test
    void aCommitTimeoutIsTreatedAsRerooting() {
        router.commitAnswer = new RouterSide.CommitAnswer(false, Optional.of(new AgentLine.Error("COMMIT_TIMEOUT", "slow")));
        assertThat(run().code()).isEqualTo(FailureCode.OK);
        assertThat(router.calls).doesNotContain("cleanup");
    }

    // ---- after the reroot ---------------------------------------------------------------------------

    @Test
    void aRouterThatNeverReturnsNeedsAttentionWithItsLastWordAndTheBackup() throws Exception {
        router.knocks = List.of(r -> new ReturnWatch.Answer.Silent("connection refused"));
        RouterUpgrade u = upgrade(request);
        router.knocks = List.of(r -> {
            try {
                laptop.send(TelemetryKind.PROGRESS, "block", "5", "blocks", "112", "action", "written");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return new ReturnWatch.Answer.Silent("connection refused");
        });
        UpgradeResult result = u.run();
        assertThat(result.outcome()).isEqualTo(Outcome.NEEDS_ATTENTION);
        assertThat(result.code()).isEqualTo(FailureCode.NO_RETURN);
        assertThat(result.message()).contains("did not answer SSH within 10 min", "PROGRESS", "backup");
    }

    @Test
    void aLoginThatKeepsFailingAfterTheReturnNeedsAttentionWithThatReason() {
        router.knocks = List.of(r -> new ReturnWatch.Answer.LoginFailed(FailureCode.AUTHENTICATION_FAILED, "Wrong password."));
        UpgradeResult result = run();
        assertThat(result.outcome()).isEqualTo(Outcome.NEEDS_ATTENTION);
        assertThat(result.code()).isEqualTo(FailureCode.AUTHENTICATION_FAILED);
        assertThat(result.message()).contains("could not log in", "Wrong password.");
    }

    @Test
    void aChangedHostKeyAtTheReturnEndsTheWaitAtOnce() {
        Instant start = clock.instant();
        router.knocks = List.of(r -> new ReturnWatch.Answer.Refused(FailureCode.HOST_KEY_CHANGED, "The key changed."));
        UpgradeResult result = run();
        assertThat(result.code()).isEqualTo(FailureCode.HOST_KEY_CHANGED);
        assertThat(result.outcome()).isEqualTo(Outcome.NEEDS_ATTENTION);
        assertThat(Duration.between(start, clock.instant())).isLessThan(Duration.ofMinutes(1));
    }

    @Test
    void theOldSystemIsWaitedForThenTheReturnIsNoticedWithinASecond() {
        router.knocks = List.of(r -> new ReturnWatch.Answer.OldSystem(), r -> new ReturnWatch.Answer.Silent("down"),
                r -> new ReturnWatch.Answer.Silent("down"), r -> new ReturnWatch.Answer.Silent("down"),
                r -> new ReturnWatch.Answer.Silent("down"), r -> new ReturnWatch.Answer.Back(r.returned()));
        Instant[] sleptUntil = new Instant[1];
        List<Duration> naps = new ArrayList<>();
        RouterUpgrade u = new RouterUpgrade(request, router, laptop, delivery, clock, new ReturnWatch(clock, d -> {
            naps.add(d);
            clock.advance(d);
            sleptUntil[0] = clock.instant();
        }), "a", "b", events::add);
        assertThat(u.run().code()).isEqualTo(FailureCode.OK);
        assertThat(naps).allMatch(d -> d.compareTo(Duration.ofSeconds(1)) <= 0).hasSize(5);
    }

    @Test
    void aLoginCutWhileTheOldSystemWentDownIsNotTheVerdictWhenTheRouterThenNeverAnswers() {
        router.knocks = List.of(r -> new ReturnWatch.Answer.LoginFailed(FailureCode.UNREACHABLE, "The session dropped."),
                r -> new ReturnWatch.Answer.Silent("connection refused"));
        UpgradeResult result = run();
        assertThat(result.outcome()).isEqualTo(Outcome.NEEDS_ATTENTION);
        assertThat(result.code()).isEqualTo(FailureCode.NO_RETURN);
        assertThat(result.message()).contains("did not answer SSH");
    }

    @Test
    void onceTheFlasherSaysItRebootsTheReturnIsNoticedWithinAQuarterOfASecond() {
        ReturnWatch.Answer.Silent down = new ReturnWatch.Answer.Silent("connection refused");
        router.knocks = List.of(r -> down, r -> down, r -> down, r -> {
            try {
                laptop.send(TelemetryKind.DONE, "written", "11", "same", "101");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return down;
        }, r -> down, r -> down, r -> new ReturnWatch.Answer.Back(r.returned()));
        List<Duration> naps = new ArrayList<>();
        RouterUpgrade u = new RouterUpgrade(request, router, laptop, delivery, clock, new ReturnWatch(clock, d -> {
            naps.add(d);
            clock.advance(d);
        }), "a", "b", events::add);
        assertThat(u.run().code()).isEqualTo(FailureCode.OK);
        // while it flashes: backing off to a knock a second; from the flasher's last word on: every 250 ms
        assertThat(naps).containsExactly(Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
                Duration.ofMillis(250), Duration.ofMillis(250), Duration.ofMillis(250));
    }

    @Test
    void aCommitThatUndidItselfOnTheRouterIsSafeWithItsOwnCode() {
        router.knocks = List.of(r -> {
            throw new UpgradeFailure(Outcome.FAILED_SAFE, FailureCode.KENV_FAILED, "kenv failed; put back.");
        });
        UpgradeResult result = run();
        assertThat(result.outcome()).isEqualTo(Outcome.FAILED_SAFE);
        assertThat(result.code()).isEqualTo(FailureCode.KENV_FAILED);
    }

    @Test
    void aReturnedRouterWithAnotherLayoutNeedsAttention() {
        router.returnedLayoutChanged = true;
        UpgradeResult result = run();
        assertThat(result.code()).isEqualTo(FailureCode.LAYOUT_CHANGED);
        assertThat(result.outcome()).isEqualTo(Outcome.NEEDS_ATTENTION);
    }

    @Test
    void aFlashThatDoesNotHoldTheImageAfterTheReturnNeedsAttention() {
        router.flashTheImage = false;
        UpgradeResult result = run();
        assertThat(result.code()).isEqualTo(FailureCode.FLASH_MISMATCH);
        assertThat(result.message()).contains("Do not power it off", "backup");
    }

    @Test
    void aReadBackThatFailsNeedsAttention() {
        router.failures.put(FakeRouter.Step.SPAN, UpgradeFailure.safe(FailureCode.COMMAND_TIMEOUT, "read timed out"));
        UpgradeResult result = run();
        assertThat(result.code()).isEqualTo(FailureCode.VERIFY_FAILED);
        assertThat(result.outcome()).isEqualTo(Outcome.NEEDS_ATTENTION);
    }

    // ---- defects ------------------------------------------------------------------------------------

    @Test
    void anInternalErrorBeforeTheRerootIsSafeAndAfterItNeedsAttention() {
        router.explodeStep = FakeRouter.Step.PREPARE;
        router.explodeAt = new IllegalStateException("bug");
        UpgradeResult before = run();
        assertThat(before.code()).isEqualTo(FailureCode.INTERNAL);
        assertThat(before.outcome()).isEqualTo(Outcome.FAILED_SAFE);

        FakeRouter fresh = new FakeRouter(FakeRouter.image("11.0-r100"));
        fresh.newImage = router.newImage;
        router = fresh;
        router.explodeStep = FakeRouter.Step.RETURN_PROBE;
        router.explodeAt = new IllegalStateException("bug");
        UpgradeResult after = run();
        assertThat(after.code()).isEqualTo(FailureCode.INTERNAL);
        assertThat(after.outcome()).isEqualTo(Outcome.NEEDS_ATTENTION);
        assertThat(after.message()).contains("already rerooting");
    }

    // ---- the history's record of the commit ---------------------------------------------------------

    @Test
    void theCommitIsSentOnlyOnceItsPhaseIsOnRecordAndNotAtAllWhenItCannotBe() {
        List<Boolean> committedWhenAsked = new ArrayList<>();
        RouterUpgrade recorded = upgrade(request).journalBeforeCommit(ref -> {
            committedWhenAsked.add(router.calls.contains("commit"));
            delivery.drain(Duration.ofSeconds(5)); // as the history waits for its writer: the COMMIT event has reached it
            return events.stream().anyMatch(e -> e instanceof UpgradeEvent.PhaseChanged p && p.to() == Phase.COMMIT
                    && e.attempt().attemptId().equals(ref.attemptId()));
        });
        assertThat(recorded.run().code()).isEqualTo(FailureCode.OK);
        assertThat(committedWhenAsked).containsExactly(false);

        FakeRouter fresh = new FakeRouter(FakeRouter.image("11.0-r100"));
        fresh.newImage = router.newImage;
        router = fresh;
        UpgradeResult refused = upgrade(request).journalBeforeCommit(ref -> false).run();
        assertThat(refused.outcome()).isEqualTo(Outcome.FAILED_SAFE);
        assertThat(refused.code()).isEqualTo(FailureCode.LAPTOP_SERVICE_FAILED);
        assertThat(refused.message()).contains("commit was not sent");
        assertThat(router.calls).contains("cleanup").doesNotContain("commit");
    }
}

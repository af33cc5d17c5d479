package org.fleetflash.core.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.fleetflash.agent.sim.Faults;
import org.fleetflash.agent.sim.Profile;
import org.fleetflash.agent.sim.SimImage;
import org.fleetflash.agent.sim.SimRouter;
import org.fleetflash.core.device.Credentials;
import org.fleetflash.core.upgrade.EventDelivery;
import org.fleetflash.core.upgrade.FailureCode;
import org.fleetflash.core.upgrade.Outcome;
import org.fleetflash.core.upgrade.Phase;
import org.fleetflash.core.upgrade.UpgradeEvent;
import org.fleetflash.core.upgrade.UpgradeRequest;
import org.fleetflash.core.upgrade.UpgradeResult;
import org.fleetflash.core.upgrade.UpgradeServices;
import org.fleetflash.testsupport.SimUpgrades;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Batches of simulated routers: mixed models and faults, the canary wave, the failure budget, stage-all-first, cancel. */
class BatchRunnerIT {

    private static final String OLD = "11.0-r100";
    private static final String NEW = "11.0-r200";

    @TempDir
    Path dir;

    private SimUpgrades bench;
    private final Profile wdr = Profile.load("tl-wdr3600").unthrottled();
    private Path image;

    @BeforeEach
    void setUp() throws Exception {
        bench = new SimUpgrades(dir, "127.0.41");
        image = dir.resolve("fw-" + NEW + ".bin");
        SimImage.write(wdr, NEW, 0, image);
    }

    @AfterEach
    void tearDown() throws Exception {
        bench.close();
    }

    /** Everything a batch told its listener. */
    static class Recorder implements BatchListener {
        final List<UpgradeEvent> events = Collections.synchronizedList(new ArrayList<>());
        final List<BatchEvent> batch = Collections.synchronizedList(new ArrayList<>());
        final List<String> threads = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void on(UpgradeEvent e) {
            threads.add(Thread.currentThread().getName());
            events.add(e);
        }

        @Override
        public void onBatch(BatchEvent e) {
            threads.add(Thread.currentThread().getName());
            batch.add(e);
        }
    }

    private UpgradeRequest request(SimRouter r) {
        return bench.request(r, image, Duration.ofSeconds(120));
    }

    private BatchResult run(List<UpgradeRequest> requests, BatchSettings settings, Recorder recorder) {
        try (UpgradeServices services = bench.services()) {
            return new BatchRunner(services, requests, settings, recorder).run();
        }
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void twentyRoutersOfMixedModelsAndFaultsEachEndAsExpectedAndTheBatchNeverStalls() throws Exception {
        Map<SimRouter, Outcome> expected = new HashMap<>();
        Map<SimRouter, FailureCode> codes = new HashMap<>();
        List<UpgradeRequest> requests = new ArrayList<>();
        List<SimRouter> routers = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            SimRouter r = bench.start(wdr);
            routers.add(r);
            expected.put(r, Outcome.SUCCEEDED);
            codes.put(r, FailureCode.OK);
            requests.add(request(r));
        }
        SimRouter upToDate = bench.start(wdr);
        Files.write(upToDate.sandbox().flashFile(), flashWith(upToDate, Files.readAllBytes(image)));
        expected.put(upToDate, Outcome.SUCCEEDED);
        codes.put(upToDate, FailureCode.UP_TO_DATE);
        requests.add(request(upToDate));
        for (int i = 0; i < 2; i++) {
            SimRouter other = bench.start(Profile.load("generic-16m").unthrottled());
            expected.put(other, Outcome.FAILED_SAFE);
            requests.add(request(other));
        }
        SimRouter cut = bench.start(wdr);
        cut.setFaults(Faults.none().withDownloadCut(100_000, true));
        expected.put(cut, Outcome.FAILED_SAFE);
        codes.put(cut, FailureCode.DOWNLOAD_FAILED);
        requests.add(request(cut));
        SimRouter ramShort = bench.start(wdr);
        ramShort.setFaults(Faults.none().withRamTakenAtNextMdconfig(30_000));
        expected.put(ramShort, Outcome.FAILED_SAFE);
        codes.put(ramShort, FailureCode.NO_RAM);
        requests.add(request(ramShort));
        SimRouter powerLoss = bench.start(wdr);
        powerLoss.setFaults(Faults.none().withPowerLossAtBlock(3));
        expected.put(powerLoss, Outcome.NEEDS_ATTENTION);
        requests.add(bench.request(powerLoss, image, Duration.ofSeconds(30)));
        SimRouter gone = bench.start(wdr);
        gone.setFaults(Faults.none().withNeverReturns());
        expected.put(gone, Outcome.NEEDS_ATTENTION);
        codes.put(gone, FailureCode.NO_RETURN);
        requests.add(bench.request(gone, image, Duration.ofSeconds(20)));
        SimRouter wrongPassword = bench.start(wdr);
        expected.put(wrongPassword, Outcome.FAILED_SAFE);
        codes.put(wrongPassword, FailureCode.AUTHENTICATION_FAILED);
        UpgradeRequest wrong = request(wrongPassword);
        requests.add(new UpgradeRequest(wrong.target(), Credentials.Password.of(wrongPassword.user(), "not-the-password"),
                wrong.ssh(), wrong.hostKeys(), wrong.image(), wrong.layout(), wrong.bind(), wrong.transport(),
                wrong.returnTimeout(), wrong.backupDir()));
        assertThat(requests).hasSize(20);
        Map<SimRouter, byte[]> before = new HashMap<>();
        for (SimRouter r : List.of(cut, ramShort, wrongPassword)) {
            before.put(r, Files.readAllBytes(r.sandbox().flashFile()));
        }

        Recorder recorder = new Recorder();
        BatchResult result = run(requests, BatchSettings.defaults(), recorder);

        assertThat(result.results()).hasSize(20);
        for (int i = 0; i < requests.size(); i++) {
            UpgradeResult r = result.results().get(i);
            SimRouter router = bench.routerAt(requests.get(i).target());
            assertThat(r.outcome()).as("%s: %s %s", r.router(), r.code(), r.message()).isEqualTo(expected.get(router));
            if (codes.containsKey(router)) {
                assertThat(r.code()).as("%s: %s", r.router(), r.message()).isEqualTo(codes.get(router));
            }
        }
        for (SimRouter r : routers) {
            assertThat(r.runningVersion()).contains(NEW);
        }
        for (Map.Entry<SimRouter, byte[]> e : before.entrySet()) {
            bench.assertUntouched(e.getKey(), e.getValue());
        }
        BatchTotals totals = result.totals();
        assertThat(totals.succeeded()).isEqualTo(13);
        assertThat(totals.upToDate()).isEqualTo(1);
        assertThat(totals.failedSafe()).isEqualTo(5);
        assertThat(totals.needsAttention()).isEqualTo(2);
        assertThat(totals.bytesServed()).isGreaterThanOrEqualTo(12 * Files.size(image));
        assertThat(totals.blocksWritten()).isPositive();
        assertThat(recorder.batch.get(0)).isInstanceOf(BatchEvent.Started.class);
        assertThat(recorder.batch.get(recorder.batch.size() - 1)).isInstanceOf(BatchEvent.Finished.class);
        assertThat(recorder.threads).allMatch(EventDelivery.THREAD_NAME::equals);
        // every attempt's events are in order: Started first, Finished last
        Map<String, List<UpgradeEvent>> byAttempt = new HashMap<>();
        recorder.events.forEach(e -> byAttempt.computeIfAbsent(e.attempt().attemptId(), k -> new ArrayList<>()).add(e));
        assertThat(byAttempt).hasSize(20).allSatisfy((id, list) -> {
            assertThat(list.get(0)).isInstanceOf(UpgradeEvent.Started.class);
            assertThat(list.get(list.size() - 1)).isInstanceOf(UpgradeEvent.Finished.class);
        });
    }

    /** The router's flash with {@code image} written over its kernel + rootfs span, padded with zeros. */
    private static byte[] flashWith(SimRouter r, byte[] image) throws Exception {
        byte[] flash = Files.readAllBytes(r.sandbox().flashFile());
        long start = r.sandbox().profile().spanStart();
        long eb = r.sandbox().profile().eraseBlock();
        long padded = (image.length + eb - 1) / eb * eb;
        java.util.Arrays.fill(flash, (int) start, (int) (start + padded), (byte) 0);
        System.arraycopy(image, 0, flash, (int) start, image.length);
        return flash;
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aFailedCanaryStopsTheBatchBeforeAnyOtherRouterStarts() throws Exception {
        SimRouter canary = bench.start(wdr);
        canary.setFaults(Faults.none().withRamTakenAtNextMdconfig(30_000));
        List<SimRouter> rest = List.of(bench.start(wdr), bench.start(wdr), bench.start(wdr));
        List<UpgradeRequest> requests = new ArrayList<>(List.of(request(canary)));
        Map<SimRouter, byte[]> before = new HashMap<>();
        for (SimRouter r : rest) {
            requests.add(request(r));
            before.put(r, Files.readAllBytes(r.sandbox().flashFile()));
        }
        Recorder recorder = new Recorder();

        BatchResult result = run(requests, BatchSettings.defaults().withCanary(1), recorder);

        assertThat(result.results().get(0).code()).isEqualTo(FailureCode.NO_RAM);
        assertThat(result.results().subList(1, 4)).allSatisfy(r -> {
            assertThat(r.outcome()).isEqualTo(Outcome.FAILED_SAFE);
            assertThat(r.code()).isEqualTo(FailureCode.NOT_STARTED);
            assertThat(r.message()).contains("canary wave failed", "Nothing was changed");
        });
        assertThat(recorder.batch).anyMatch(e -> e instanceof BatchEvent.Halted h && h.reason().contains("canary"));
        for (SimRouter r : rest) {
            assertThat(Files.readAllBytes(r.sandbox().flashFile())).isEqualTo(before.get(r));
            assertThat(r.sandbox().root().resolve("tmp/fleetflash")).doesNotExist();
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aSucceededCanaryLetsTheRestGoAndTheFailureBudgetStopsNewStarts() throws Exception {
        List<SimRouter> routers = new ArrayList<>();
        List<UpgradeRequest> requests = new ArrayList<>();
        SimRouter canary = bench.start(wdr);
        routers.add(canary);
        requests.add(request(canary));
        for (int i = 0; i < 2; i++) {
            SimRouter bad = bench.start(wdr);
            routers.add(bad);
            UpgradeRequest r = request(bad);
            requests.add(new UpgradeRequest(r.target(), Credentials.Password.of(bad.user(), "wrong"), r.ssh(), r.hostKeys(),
                    r.image(), r.layout(), r.bind(), r.transport(), r.returnTimeout(), r.backupDir()));
        }
        SimRouter never = bench.start(wdr);
        routers.add(never);
        requests.add(request(never));
        byte[] neverBefore = Files.readAllBytes(never.sandbox().flashFile());

        BatchResult result = run(requests, BatchSettings.defaults().withConcurrency(1).withCanary(1).withMaxFailures(2),
                new Recorder());

        assertThat(result.results()).extracting(UpgradeResult::code).containsExactly(FailureCode.OK,
                FailureCode.AUTHENTICATION_FAILED, FailureCode.AUTHENTICATION_FAILED, FailureCode.NOT_STARTED);
        assertThat(result.results().get(3).message()).contains("failure budget of 2");
        assertThat(Files.readAllBytes(never.sandbox().flashFile())).isEqualTo(neverBefore);
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void stageAllFirstRerootsNoRouterWhenOneCannotBeStaged() throws Exception {
        List<SimRouter> routers = new ArrayList<>();
        Map<SimRouter, byte[]> before = new HashMap<>();
        List<UpgradeRequest> requests = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            SimRouter r = bench.start(wdr);
            routers.add(r);
            before.put(r, Files.readAllBytes(r.sandbox().flashFile()));
            requests.add(request(r));
        }
        routers.get(2).setFaults(Faults.none().withRamTakenAtNextMdconfig(30_000));
        Recorder recorder = new Recorder();

        BatchResult result = run(requests, BatchSettings.defaults().withConcurrency(2).withStageAllFirst(true), recorder);

        assertThat(result.results().get(2).code()).isEqualTo(FailureCode.NO_RAM);
        for (int i : new int[] {0, 1, 3}) {
            UpgradeResult r = result.results().get(i);
            assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.FAILED_SAFE);
            assertThat(r.code()).as(r.message()).isEqualTo(FailureCode.BATCH_HALTED);
            assertThat(r.phase()).isEqualTo(Phase.STAGED);
        }
        assertThat(recorder.events).noneMatch(e -> e instanceof UpgradeEvent.PhaseChanged p && p.to() == Phase.COMMIT);
        for (SimRouter r : routers) {
            bench.assertUntouched(r, before.get(r));
        }
        // the halt names the router that could not be staged, and says the staged ones are undone, not finished
        assertThat(recorder.batch).filteredOn(BatchEvent.Halted.class::isInstance).map(BatchEvent.Halted.class::cast).singleElement()
                .satisfies(h -> {
                    assertThat(h.code()).isEqualTo(FailureCode.BATCH_HALTED);
                    assertThat(h.reason()).contains(routers.get(2).address() + ":" + routers.get(2).port() + " ended FAILED_SAFE (NO_RAM)");
                    assertThat(h.forTheRunning()).isEqualTo("no router of the batch reroots: the staged ones are undone");
                });
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aRouterOfTheSameFirmwareLinksTheBackupOfTheOneBeforeInsteadOfReadingItAgain() throws Exception {
        SimRouter first = bench.start(wdr);
        SimRouter second = bench.start(wdr);
        Recorder recorder = new Recorder();

        BatchResult result = run(List.of(request(first), request(second)), BatchSettings.defaults().withConcurrency(1), recorder);

        assertThat(result.results()).allSatisfy(r -> assertThat(r.code()).as(r.message()).isEqualTo(FailureCode.OK));
        List<UpgradeEvent.PartitionBackup> before = backup(recorder, first);
        List<UpgradeEvent.PartitionBackup> after = backup(recorder, second);
        assertThat(after).extracting(UpgradeEvent.PartitionBackup::partition)
                .containsExactlyElementsOf(before.stream().map(UpgradeEvent.PartitionBackup::partition).toList());
        Map<String, Path> shared = new HashMap<>();
        for (int i = 0; i < after.size(); i++) {
            UpgradeEvent.PartitionBackup b = after.get(i);
            // every file holds the bytes its digest says, linked or read
            assertThat(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(b.file())))).as(b.file().toString()).isEqualTo(b.sha256());
            if (b.sha256().equals(before.get(i).sha256()) && Files.isSameFile(b.file(), before.get(i).file())) {
                shared.put(b.partition(), b.file());
            }
        }
        // the firmware's partitions are the same on both: one copy on the laptop, not read over SSH a second time; the
        // simulator gives every router partitions of its own outside the firmware (boot loader, configuration, radio data)
        assertThat(shared).containsOnlyKeys("kernel", "rootfs");
        assertThat(Files.isSameFile(after.get(0).file().getParent(), before.get(0).file().getParent())).isFalse();
    }

    private static List<UpgradeEvent.PartitionBackup> backup(Recorder recorder, SimRouter router) {
        return recorder.events.stream().filter(UpgradeEvent.BackedUp.class::isInstance).map(UpgradeEvent.BackedUp.class::cast)
                .filter(e -> e.attempt().router().port() == router.port() && e.attempt().router().host().equals(router.address()))
                .findFirst().orElseThrow().partitions();
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void stageAllFirstRerootsEveryRouterOnlyOnceAllAreStaged() throws Exception {
        List<SimRouter> routers = List.of(bench.start(wdr), bench.start(wdr), bench.start(wdr));
        Recorder recorder = new Recorder();

        BatchResult result = run(routers.stream().map(this::request).toList(),
                BatchSettings.defaults().withConcurrency(2).withStageAllFirst(true), recorder);

        assertThat(result.results()).allSatisfy(r -> assertThat(r.code()).as(r.message()).isEqualTo(FailureCode.OK));
        List<UpgradeEvent> phases = recorder.events.stream().filter(UpgradeEvent.PhaseChanged.class::isInstance).toList();
        int lastStaged = -1;
        int firstCommit = Integer.MAX_VALUE;
        for (int i = 0; i < phases.size(); i++) {
            Phase to = ((UpgradeEvent.PhaseChanged) phases.get(i)).to();
            lastStaged = to == Phase.STAGED ? i : lastStaged;
            firstCommit = to == Phase.COMMIT ? Math.min(firstCommit, i) : firstCommit;
        }
        assertThat(lastStaged).as("every router staged before the first commit").isLessThan(firstCommit);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void cancelMidBatchLeavesEveryRouterBeforeItsRerootAsItWasAndLetsTheCommittedOnesFinish() throws Exception {
        // the first router flashes slowly: it is past its reroot when the cancel comes
        SimRouter committed = bench.start(Profile.load("tl-wdr3600").withFlashSpeed(0, 2_000_000));
        List<SimRouter> others = new ArrayList<>();
        Map<SimRouter, byte[]> before = new HashMap<>();
        for (int i = 0; i < 4; i++) {
            // backups that take a while: these are still before their reroot when the cancel comes
            SimRouter r = bench.start(Profile.load("tl-wdr3600").withFlashSpeed(2_000_000, 0));
            others.add(r);
            before.put(r, Files.readAllBytes(r.sandbox().flashFile()));
        }
        List<UpgradeRequest> requests = new ArrayList<>(List.of(request(committed)));
        others.forEach(r -> requests.add(request(r)));
        AtomicReference<BatchRunner> runner = new AtomicReference<>();
        AtomicReference<CompletableFuture<BatchRunner.CancelSummary>> cancel = new AtomicReference<>();
        Recorder recorder = new Recorder() {
            @Override
            public void on(UpgradeEvent e) {
                super.on(e);
                if (e instanceof UpgradeEvent.PhaseChanged p && p.to() == Phase.FLASH && cancel.get() == null) {
                    cancel.set(CompletableFuture.supplyAsync(() -> runner.get().cancel()));
                }
            }
        };

        BatchResult result;
        try (UpgradeServices services = bench.services()) {
            runner.set(new BatchRunner(services, requests, BatchSettings.defaults().withConcurrency(3), recorder));
            result = runner.get().run();
        }

        BatchRunner.CancelSummary summary = cancel.get().join();
        assertThat(summary.pastPointOfNoReturn()).extracting(id -> id.host()).containsExactly(committed.address());
        assertThat(result.results().get(0).code()).as(result.results().get(0).message()).isEqualTo(FailureCode.OK);
        assertThat(committed.runningVersion()).contains(NEW);
        for (int i = 1; i < 5; i++) {
            UpgradeResult r = result.results().get(i);
            assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.FAILED_SAFE);
            assertThat(r.code()).isIn(FailureCode.CANCELLED, FailureCode.NOT_STARTED);
            bench.assertUntouched(others.get(i - 1), before.get(others.get(i - 1)));
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aRouterWhoseDownloadArrivedDamagedIsTriedAgainAndSucceeds() throws Exception {
        SimRouter flaky = bench.start(wdr);
        flaky.setFaults(Faults.none().withCorruptByte(4096)); // every download arrives with one byte flipped...
        Recorder recorder = new Recorder() {
            @Override
            public void on(UpgradeEvent e) {
                super.on(e);
                // ...until the first attempt ended: delivered before that attempt returns, so before the retry starts
                if (e instanceof UpgradeEvent.Finished f && f.result().code() == FailureCode.DIGEST_MISMATCH) {
                    try {
                        flaky.setFaults(Faults.none());
                    } catch (java.io.IOException ex) {
                        throw new java.io.UncheckedIOException(ex);
                    }
                }
            }
        };

        BatchResult result = run(List.of(request(flaky)), BatchSettings.defaults().withRetries(1).withRetryDelay(Duration.ofSeconds(2)),
                recorder);

        assertThat(result.results().get(0).code()).as(result.results().get(0).message()).isEqualTo(FailureCode.OK);
        assertThat(recorder.batch).filteredOn(BatchEvent.Retrying.class::isInstance).singleElement()
                .satisfies(e -> assertThat(((BatchEvent.Retrying) e).previous().code()).isEqualTo(FailureCode.DIGEST_MISMATCH));
        // the second try waits its delay (a router that was rebooting, a cable replugged: time to come back)
        List<java.time.Instant> starts = recorder.events.stream().filter(UpgradeEvent.Started.class::isInstance).map(UpgradeEvent::at)
                .toList();
        java.time.Instant firstEnd = recorder.events.stream().filter(UpgradeEvent.Finished.class::isInstance).map(UpgradeEvent::at)
                .findFirst().orElseThrow();
        assertThat(starts).hasSize(2);
        assertThat(Duration.between(firstEnd, starts.get(1))).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(flaky.runningVersion()).contains(NEW);
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aHungRouterFailsAloneAtTheStagingDeadlineAndTheOthersGoOn() throws Exception {
        // a flash that reads at 20 KB/s: its backup would take seven minutes
        SimRouter hung = bench.start(Profile.load("tl-wdr3600").withFlashSpeed(20_000, 0));
        byte[] hungBefore = Files.readAllBytes(hung.sandbox().flashFile());
        SimRouter fine = bench.start(wdr);

        BatchResult result = run(List.of(request(hung), request(fine)),
                // long enough for the healthy router to stage on a loaded 2-core machine, far shorter than the hung one's backup
                BatchSettings.defaults().withStagingDeadline(Duration.ofSeconds(30)), new Recorder());

        UpgradeResult stuck = result.results().get(0);
        assertThat(stuck.outcome()).as(stuck.message()).isEqualTo(Outcome.FAILED_SAFE);
        assertThat(stuck.code()).isEqualTo(FailureCode.DEADLINE);
        assertThat(stuck.message()).contains("staging deadline");
        assertThat(result.results().get(1).code()).isEqualTo(FailureCode.OK);
        bench.assertUntouched(hung, hungBefore);
    }
}

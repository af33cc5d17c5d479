package org.fleetflash.core.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.fleetflash.agent.sim.Faults;
import org.fleetflash.agent.sim.Profile;
import org.fleetflash.agent.sim.SimImage;
import org.fleetflash.agent.sim.SimRouter;
import org.fleetflash.testsupport.SimUpgrades;
import org.fleetflash.testsupport.SimUpgrades.Run;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine never leaves a router half-way and never says more than it knows: cancel before the reroot
 * undoes, cancel after it is refused, an image already in the flash is not written again, the read-back
 * comes before VERIFIED, and router strings never break the backup.
 */
class UpgradeSafetyIT {

    private static final String VERSION = "12.0-safe";

    @TempDir
    Path dir;

    private SimUpgrades bench;

    @BeforeEach
    void bench() {
        bench = new SimUpgrades(dir, "127.0.11");
    }

    @AfterEach
    void stop() throws Exception {
        bench.close();
    }

    private Path image(Profile p, String version) throws Exception {
        return Files.write(dir.resolve(version + ".bin"), SimImage.bytes(p, version, 0));
    }

    /** Left exactly as it was: same flash, no memory disk of ours, no stage files, still answering. */
    private void assertUntouched(SimRouter router, byte[] flashBefore) throws Exception {
        assertThat(Files.readAllBytes(router.sandbox().flashFile())).isEqualTo(flashBefore);
        assertThat(bench.probe(router).mdUnitsInUse()).containsExactly("md0", "md1");
        assertThat(router.sandbox().root().resolve("tmp/fleetflash/stage.conf")).doesNotExist();
        assertThat(router.state()).isEqualTo(SimRouter.State.UP);
    }

    @Test
    void cancelDuringTheBackupAbortsItRemovesThePartialCopyAndLeavesTheRouterAsItWas() throws Exception {
        // a flash that reads at 1 MB/s: the backup of 8 MiB takes seconds, time enough to cancel in the middle
        SimRouter router = bench.start(Profile.load("tl-wdr3600").withFlashSpeed(1_000_000, 0));
        Path img = image(router.sandbox().profile(), VERSION);
        byte[] before = Files.readAllBytes(router.sandbox().flashFile());
        AtomicReference<CompletableFuture<RouterUpgrade.CancelAnswer>> answer = new AtomicReference<>();

        Run run = bench.upgrade(router, img, UnaryOperator.identity(), (upgrade, e) -> {
            if (e instanceof UpgradeEvent.Transfer p && p.phase() == Phase.BACKUP && answer.get() == null) {
                // as Ctrl+C does: from another thread, while the engine is reading the flash
                answer.set(CompletableFuture.supplyAsync(upgrade::cancel));
            }
        });

        assertThat(answer.get().join().accepted()).isTrue();
        assertThat(run.result().outcome()).isEqualTo(Outcome.FAILED_SAFE);
        assertThat(run.result().code()).isEqualTo(FailureCode.CANCELLED);
        assertThat(run.result().message()).contains("Cancelled", "before the reroot");
        assertThat(run.phases()).doesNotContain(Phase.PREFLIGHT, Phase.COMMIT);
        assertThat(run.result().backup()).isEmpty();
        try (Stream<Path> left = Files.list(dir.resolve("backups"))) {
            assertThat(left).as("no partial backup is kept").isEmpty();
        }
        assertUntouched(router, before);
    }

    @Test
    void cancelWhenStagedFreesTheMemoryDiskAndSaysWhatWasUndone() throws Exception {
        SimRouter router = bench.start();
        Path img = image(router.sandbox().profile(), VERSION);
        byte[] before = Files.readAllBytes(router.sandbox().flashFile());

        AtomicReference<RouterUpgrade.CancelAnswer> answer = new AtomicReference<>();
        // as the technician's Cancel at STAGED: the upgrade waits there (an event reaches a listener only after the fact)
        Run run = bench.upgrade(router, img, UnaryOperator.identity(), (upgrade, e) -> { },
                upgrade -> upgrade.holdBeforeCommit(() -> answer.set(upgrade.cancel())));

        assertThat(answer.get().accepted()).isTrue();

        assertThat(run.result().code()).as(run.result().message()).isEqualTo(FailureCode.CANCELLED);
        assertThat(run.result().outcome()).isEqualTo(Outcome.FAILED_SAFE);
        assertThat(run.result().message()).contains("removed", "memory disk", "old firmware");
        assertThat(run.phases()).contains(Phase.STAGED).doesNotContain(Phase.COMMIT);
        assertUntouched(router, before);
    }

    @Test
    void aCancelWhoseCleanupCannotDetachTheMemoryDiskNeedsAttentionAndSaysWhatTheRouterSaid() throws Exception {
        SimRouter router = bench.start();
        Path img = image(router.sandbox().profile(), VERSION);

        AtomicReference<RouterUpgrade.CancelAnswer> answer = new AtomicReference<>();
        Run run = bench.upgrade(router, img, UnaryOperator.identity(), (upgrade, e) -> { }, upgrade -> upgrade.holdBeforeCommit(() -> {
            try {
                // someone mounted the staged memory disk a second time on the router (by hand, say): it cannot be detached
                String md = Files.readString(router.sandbox().root().resolve("tmp/fleetflash/md.unit")).strip();
                Files.writeString(router.sandbox().simDir().resolve("mounts"), "/dev/" + md + " /mnt ufs local -\n",
                        java.nio.file.StandardOpenOption.APPEND);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            answer.set(upgrade.cancel());
        }));

        assertThat(answer.get().accepted()).isTrue();
        assertThat(run.result().outcome()).isEqualTo(Outcome.NEEDS_ATTENTION);
        assertThat(run.result().code()).isEqualTo(FailureCode.CANCELLED);
        assertThat(run.result().message()).contains("old firmware", "could not remove its memory disk", "Device busy",
                "fleetflash cleanup " + bench.target(router).hostPort());
    }

    @Test
    void cancelAfterTheRerootIsRefusedWithTheReasonAndTheRouterFinishes() throws Exception {
        SimRouter router = bench.start();
        Path img = image(router.sandbox().profile(), VERSION);
        AtomicReference<RouterUpgrade.CancelAnswer> answer = new AtomicReference<>();

        Run run = bench.upgrade(router, img, UnaryOperator.identity(), (upgrade, e) -> {
            if (e instanceof UpgradeEvent.PhaseChanged p && p.to() == Phase.COMMIT) {
                answer.set(upgrade.cancel());
            }
        });

        assertThat(answer.get().accepted()).isFalse();
        assertThat(answer.get().reason()).contains("point of no return", "Do not power it off");
        assertThat(run.result().outcome()).as(run.result().message()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(router.runningVersion()).contains(VERSION);
    }

    @Test
    void anImageTheFlashAlreadyHoldsIsNotStagedUnlessReflashIsAsked() throws Exception {
        SimRouter router = bench.start();
        Path img = image(router.sandbox().profile(), VERSION);
        assertThat(bench.upgrade(router, img).result().outcome()).isEqualTo(Outcome.SUCCEEDED);
        List<String> reboots = Files.readAllLines(router.sandbox().routerDir().resolve("sim/reboot.log"));

        Run again = bench.upgrade(router, img);

        assertThat(again.result().outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(again.result().code()).isEqualTo(FailureCode.UP_TO_DATE);
        assertThat(again.result().message()).contains("Already up to date", "--reflash");
        assertThat(again.phases()).contains(Phase.BACKUP).doesNotContain(Phase.PREFLIGHT, Phase.DOWNLOAD, Phase.COMMIT);
        assertThat(Files.readAllLines(router.sandbox().routerDir().resolve("sim/reboot.log"))).isEqualTo(reboots);

        Run forced = bench.upgrade(router, img, r -> r.withReflash(true), (u, e) -> { });

        assertThat(forced.result().code()).isEqualTo(FailureCode.OK);
        assertThat(forced.phases()).contains(Phase.COMMIT, Phase.READ_BACK, Phase.VERIFIED);
        assertThat(forced.result().written()).isZero(); // every block was already right: the flasher skipped them all
    }

    @Test
    void theReadBackComesBeforeVerified() throws Exception {
        SimRouter router = bench.start();
        Run run = bench.upgrade(router, image(router.sandbox().profile(), VERSION));

        assertThat(run.result().outcome()).isEqualTo(Outcome.SUCCEEDED);
        List<Phase> phases = run.phases();
        assertThat(phases.subList(phases.size() - 3, phases.size())).containsExactly(Phase.RETURN, Phase.READ_BACK, Phase.VERIFIED);
    }

    @Test
    void aHostileOrHugeHostnameNeitherBreaksNorEscapesTheBackup() throws Exception {
        SimRouter router = bench.start();
        Path img = image(router.sandbox().profile(), VERSION);
        String hostile = "../../$(touch pwned)`id`;" + "h".repeat(252);
        Files.writeString(router.sandbox().routerDir().resolve("sim/hostname"), hostile + "\n");

        Run run = bench.upgrade(router, img);

        assertThat(run.result().outcome()).as(run.result().message()).isEqualTo(Outcome.SUCCEEDED);
        Path backup = run.result().backup().orElseThrow();
        assertThat(backup.getParent()).isEqualTo(dir.resolve("backups"));
        assertThat(backup.getFileName().toString()).hasSizeLessThan(160).doesNotContain("/", "$", "`", ";", "..");
        assertThat(dir.resolve("pwned")).doesNotExist();
        assertThat(router.sandbox().root().resolve("root/pwned")).doesNotExist();
    }

    @Test
    void backupsAreReadableByTheirOwnerOnly() throws Exception {
        SimRouter router = bench.start();
        Run run = bench.upgrade(router, image(router.sandbox().profile(), VERSION));

        Path backup = run.result().backup().orElseThrow();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backup))).isEqualTo("rwx------");
        try (Stream<Path> files = Files.list(backup)) {
            assertThat(files).isNotEmpty().allSatisfy(f ->
                    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------"));
        }
    }

    @Test
    void aFlashThatDiffersWhenReadBackNeedsAttentionEvenThoughTheFlasherSaidDone() throws Exception {
        SimRouter router = bench.start();
        Profile p = router.sandbox().profile();
        byte[] img = SimImage.bytes(p, VERSION, 0);
        router.setFaults(Faults.none().withFlashRotAt(Faults.paddingOffset(p, img.length)));

        Run run = bench.upgrade(router, Files.write(dir.resolve("fw.bin"), img));

        assertThat(run.result().outcome()).as(run.result().message()).isEqualTo(Outcome.NEEDS_ATTENTION);
        assertThat(run.result().code()).isEqualTo(FailureCode.FLASH_MISMATCH);
        assertThat(run.phases()).contains(Phase.REBOOT, Phase.READ_BACK).doesNotContain(Phase.VERIFIED);
        assertThat(router.runningVersion()).contains(VERSION); // it boots: only the read-back can tell
    }

    @Test
    void aRerootThatFailsIsUndoneOnTheRouterAndSaysWhatWasPutBack() throws Exception {
        SimRouter router = bench.start();
        Path img = image(router.sandbox().profile(), VERSION);
        byte[] before = Files.readAllBytes(router.sandbox().flashFile());
        router.setFaults(Faults.none().withRebootWithoutReroot());

        Run run = bench.upgrade(router, img);

        assertThat(run.result().outcome()).as(run.result().message()).isEqualTo(Outcome.FAILED_SAFE);
        assertThat(run.result().code()).isEqualTo(FailureCode.REROOT_FAILED);
        assertThat(run.result().message()).contains("reboot", "watchdogd");
        assertUntouched(router, before);
        assertThat(bench.probe(router).watchdogdRunning()).isTrue();
        assertThat(router.sandbox().root().resolve("tmp/fleetflash/claim")).doesNotExist();
    }

    @Test
    void aRefusedCommitFollowedByAFailedReconnectNeedsAttention() throws Exception {
        SimRouter other = bench.start();
        SimRouter router = bench.start();
        assertThat(bench.probe(other).hostname()).isNotEmpty(); // pins the other router's key
        Path img = image(router.sandbox().profile(), VERSION);
        router.setFaults(Faults.none().withRebootWithoutReroot().withPauseAt(Faults.Pause.KENV));
        CompletableFuture<Void> swapKeys = CompletableFuture.runAsync(() -> {
            try {
                Faults.awaitPaused(router, Faults.Pause.KENV, java.time.Duration.ofSeconds(120));
                // While the commit runs, the laptop's view of the router changes (here: its pinned key no longer
                // matches), so the reconnect that would clean up after the refused commit fails.
                List<String> lines = Files.readAllLines(bench.knownHosts());
                String otherKey = lines.stream().filter(l -> l.contains(other.address())).findFirst().orElseThrow()
                        .split(" ", 2)[1];
                Files.write(bench.knownHosts(), lines.stream()
                        .map(l -> l.contains(router.address()) ? l.split(" ", 2)[0] + " " + otherKey : l).toList());
                Faults.release(router, Faults.Pause.KENV);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        Run run = bench.upgrade(router, img);
        swapKeys.join();

        assertThat(run.result().outcome()).as(run.result().message()).isEqualTo(Outcome.NEEDS_ATTENTION);
        assertThat(run.result().code()).isEqualTo(FailureCode.REROOT_FAILED);
        assertThat(run.result().message()).contains("could not remove", "fleetflash cleanup");
    }

    @Test
    void twoUpgradesOfOneRouterStartedTogetherGiveOneResultAndOneBusy() throws Exception {
        SimRouter router = bench.start();
        Path img = image(router.sandbox().profile(), VERSION);

        CompletableFuture<Run> first = CompletableFuture.supplyAsync(() -> bench.upgrade(router, img));
        CompletableFuture<Run> second = CompletableFuture.supplyAsync(() -> bench.upgrade(router, img));
        List<Run> runs = List.of(first.join(), second.join());

        assertThat(runs).extracting(r -> r.result().code()).containsExactlyInAnyOrder(FailureCode.OK, FailureCode.BUSY);
        Run busy = runs.stream().filter(r -> r.result().code() == FailureCode.BUSY).findFirst().orElseThrow();
        assertThat(busy.result().outcome()).isEqualTo(Outcome.FAILED_SAFE);
        assertThat(busy.result().message()).containsPattern("started 20[0-9-]{8}T[0-9:]{8}Z from 127\\.");
        assertThat(busy.phases()).doesNotContain(Phase.PREFLIGHT, Phase.COMMIT);
        assertThat(router.runningVersion()).contains(VERSION);
    }
}

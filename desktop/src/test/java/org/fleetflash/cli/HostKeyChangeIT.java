package org.fleetflash.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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
import org.fleetflash.core.history.AttemptFilter;
import org.fleetflash.core.history.AttemptRecord;
import org.fleetflash.core.history.History;
import org.fleetflash.core.history.HistoryHostKeyStore.PinnedKey;
import org.fleetflash.core.settings.DataDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A router's SSH host key as the commands see it, against simulated routers (real SSH server and client, real
 * SQLite history): a key that changes outside an upgrade is refused by every command and the pin stays; a key that
 * the new firmware brings is recorded old → new with the attempt and re-pinned; a known_hosts file of an earlier
 * version is taken over.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class HostKeyChangeIT {

    @TempDir
    Path dir;

    private final List<SimRouter> routers = new ArrayList<>();

    /** What one command printed and its exit status. */
    private record Result(int exit, String out, String err) {
        String both() {
            return out + err;
        }
    }

    @AfterEach
    void stopRouters() throws Exception {
        for (SimRouter r : routers) {
            r.close();
        }
    }

    private SimRouter start(String name, String address) throws Exception {
        SimRouter r = SimRouter.start(dir.resolve("state"), new SimRouter.Options(name, Profile.load("tl-wdr3600").unthrottled(),
                Shell.DASH, address, 0, Optional.empty(), Optional.empty()));
        r.setRebootDelay(Duration.ofMillis(500));
        routers.add(r);
        return r;
    }

    private Path data() {
        return dir.resolve("data");
    }

    private DataDirectory dataDirectory() {
        return DataDirectory.forThisUser(Optional.of(data()));
    }

    private static SshTarget target(SimRouter r) {
        return new SshTarget(r.address(), r.port());
    }

    /** Runs {@code fleetflash ARGS} in this JVM, as a technician types it. */
    private static Result fleetflash(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = FleetFlashCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    private List<String> login(SimRouter r) throws Exception {
        Path pw = dir.resolve("pw-" + r.name());
        if (!Files.exists(pw)) {
            Files.writeString(DataDirectory.createOwnerOnlyFile(pw), r.password() + "\n");
        }
        return List.of(r.address() + ":" + r.port(), "--user", r.user(), "--password-file", pw.toString(), "--data-dir",
                data().toString());
    }

    private Result probe(SimRouter r, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("probe"));
        args.addAll(login(r));
        args.addAll(List.of(extra));
        return fleetflash(args.toArray(String[]::new));
    }

    private Result upgrade(SimRouter r, Path image) throws Exception {
        List<String> args = new ArrayList<>(List.of("upgrade"));
        args.addAll(login(r));
        args.addAll(List.of("--image", image.toString(), "--layout", "kernel rootfs"));
        return fleetflash(args.toArray(String[]::new));
    }

    private List<PinnedKey> keyHistory(SimRouter r) throws Exception {
        try (History history = History.open(dataDirectory())) {
            return history.hostKeys().keyHistory(target(r));
        }
    }

    private List<AttemptRecord> attempts() throws Exception {
        try (History history = History.open(dataDirectory())) {
            return history.attempts(AttemptFilter.all());
        }
    }

    @Test
    void aHostKeyThatChangesOutsideAnUpgradeIsRefusedAndThePinStaysUntilTheTechnicianForgetsIt() throws Exception {
        SimRouter router = start("hk-a", "127.0.88.1");
        assertThat(probe(router, "--accept-new-host-key").exit()).isZero();
        List<PinnedKey> pinned = keyHistory(router);
        assertThat(pinned).singleElement().satisfies(k -> assertThat(k.pinnedBy()).isEqualTo("FIRST_USE"));

        router.replaceHostKey(); // reinstalled, replaced, or someone in between

        Result refused = probe(router, "--accept-new-host-key");
        assertThat(refused.exit()).as(refused.both()).isEqualTo(ExitCodes.HOST_KEY);
        assertThat(refused.err()).startsWith("fleetflash probe: The host key of router " + target(router).hostPort() + " has CHANGED")
                .contains(pinned.get(0).fingerprint(), "fleetflash history forget-host-key " + target(router).hostPort()
                        + " --data-dir '" + data().toAbsolutePath() + "'", "--accept-new-host-key");
        Result cleanup = fleetflash(concat("cleanup", login(router)));
        assertThat(cleanup.exit()).as(cleanup.both()).isEqualTo(ExitCodes.HOST_KEY);
        assertThat(keyHistory(router)).as("the history still holds the old key, in force").isEqualTo(pinned);

        // The technician checked the router and accepts its new key deliberately.
        Result forgot = fleetflash("history", "forget-host-key", target(router).hostPort(), "--data-dir", data().toString());
        assertThat(forgot.exit()).as(forgot.both()).isZero();
        assertThat(probe(router).exit()).as("a forgotten router is unknown again").isEqualTo(ExitCodes.HOST_KEY);
        assertThat(probe(router, "--accept-new-host-key").exit()).isZero();
        List<PinnedKey> after = keyHistory(router);
        assertThat(after).extracting(k -> k.pinnedBy() + "/" + k.unpinnedBy().orElse("in force"))
                .containsExactly("FIRST_USE/FORGOTTEN", "FIRST_USE/in force");
        assertThat(after.get(1).fingerprint()).isNotEqualTo(after.get(0).fingerprint());
    }

    @Test
    void newHostKeysThatTheNewFirmwareBringsAreRecordedOldToNewWithTheAttemptAndRepinned() throws Exception {
        SimRouter router = start("hk-b", "127.0.88.2");
        assertThat(probe(router, "--accept-new-host-key").exit()).isZero();
        String oldKey = keyHistory(router).get(0).fingerprint();
        router.setFaults(Faults.none().withNewHostKeysOnUpgrade());
        Path image = dir.resolve("fw.bin");
        SimImage.write(router.sandbox().profile(), "12.0-newkeys", 0, image);

        Result upgraded = upgrade(router, image);

        assertThat(upgraded.exit()).as(upgraded.both()).isZero();
        assertThat(router.runningVersion()).contains("12.0-newkeys");
        AttemptRecord attempt = attempts().get(0);
        assertThat(attempt.outcomeOrRunning()).isEqualTo("SUCCEEDED");
        List<PinnedKey> keys = keyHistory(router);
        assertThat(keys).hasSize(2);
        assertThat(keys.get(0).fingerprint()).isEqualTo(oldKey);
        assertThat(keys.get(0).unpinnedBy()).contains("UPGRADE");
        assertThat(keys.get(1).fingerprint()).isNotEqualTo(oldKey);
        assertThat(keys.get(1).pinnedBy()).isEqualTo("UPGRADE");
        assertThat(keys.get(1).attemptId()).contains(attempt.attemptId());
        assertThat(keys.get(1).unpinnedAt()).isEmpty();

        Result after = probe(router);
        assertThat(after.exit()).as("the next command trusts the new key without being asked: " + after.both()).isZero();
        assertThat(after.out()).contains("12.0-newkeys");
        assertThat(keyHistory(router)).hasSize(2);
    }

    @Test
    void aKeyChangeBeforeTheUpgradesRerootIsRefusedAndTheRouterIsLeftUntouched() throws Exception {
        SimRouter router = start("hk-c", "127.0.88.3");
        assertThat(probe(router, "--accept-new-host-key").exit()).isZero();
        List<PinnedKey> pinned = keyHistory(router);
        // Its new firmware would bring new keys; but the key changes before the upgrade reaches its commit.
        router.setFaults(Faults.none().withNewHostKeysOnUpgrade());
        Path image = dir.resolve("fw.bin");
        SimImage.write(router.sandbox().profile(), "12.0-never", 0, image);
        byte[] flash = Files.readAllBytes(router.sandbox().flashFile());
        Optional<String> running = router.runningVersion();
        router.replaceHostKey();

        Result refused = upgrade(router, image);

        assertThat(refused.exit()).as(refused.both()).isEqualTo(UpgradeCommand.EXIT_FAILED_SAFE);
        assertThat(refused.both()).contains("FAILED_SAFE (HOST_KEY_CHANGED)", "has CHANGED",
                "fleetflash history forget-host-key " + target(router).hostPort());
        AttemptRecord attempt = attempts().get(0);
        assertThat(attempt.outcomeOrRunning()).isEqualTo("FAILED_SAFE");
        assertThat(attempt.failureCode()).contains("HOST_KEY_CHANGED");
        assertThat(keyHistory(router)).as("the old key stays pinned, nothing re-pinned").isEqualTo(pinned);
        assertThat(Files.readAllBytes(router.sandbox().flashFile())).isEqualTo(flash);
        assertThat(router.runningVersion()).isEqualTo(running);
        assertThat(router.sandbox().root().resolve("tmp/fleetflash/claim")).doesNotExist();
    }

    /**
     * Leaves in the history an attempt of {@code r} with {@code image} that FleetFlash stopped in during FLASH (its
     * reroot sent), as a killed laptop leaves it: the next open marks it interrupted.
     */
    private void interruptedInFlash(SimRouter r, Path image) throws Exception {
        org.fleetflash.core.upgrade.AttemptRef ref = org.fleetflash.core.history.AttemptEvents.ref("att-killed", "batch-killed",
                r.address(), r.port());
        try (History history = History.open(dataDirectory())) {
            for (org.fleetflash.core.upgrade.UpgradeEvent e : org.fleetflash.core.history.AttemptEvents.succeeded(ref,
                    java.time.Instant.now().minusSeconds(120), image, dir.resolve("backup-killed"))) {
                history.writer().on(e);
                if (e instanceof org.fleetflash.core.upgrade.UpgradeEvent.PhaseChanged p
                        && p.to() == org.fleetflash.core.upgrade.Phase.FLASH) {
                    break; // the process died here
                }
            }
            assertThat(history.writer().awaitWritten(Duration.ofSeconds(20))).isTrue();
        }
    }

    private Result resume(SimRouter r) throws Exception {
        List<String> args = new ArrayList<>(List.of("resume"));
        args.addAll(login(r).subList(1, login(r).size()));
        args.addAll(List.of("--wait", "5"));
        return fleetflash(args.toArray(String[]::new));
    }

    @Test
    void resumeTrustsANewKeyOnlyWhenTheRouterHoldsTheNewImage() throws Exception {
        // a router whose attempt was killed in FLASH, back on its old firmware with another key: the upgrade does not
        // explain the key, so it is not trusted and the attempt is not judged
        SimRouter other = start("hk-r1", "127.0.88.6");
        assertThat(probe(other, "--accept-new-host-key").exit()).isZero();
        List<PinnedKey> pinned = keyHistory(other);
        Path image = dir.resolve("fw-r.bin");
        SimImage.write(other.sandbox().profile(), "12.0-resumed", 0, image);
        interruptedInFlash(other, image);
        other.replaceHostKey();

        Result refused = resume(other);

        assertThat(refused.exit()).as(refused.both()).isEqualTo(ResumeCommand.EXIT_STILL_INTERRUPTED);
        assertThat(refused.out()).contains("INTERRUPTED", "presents another host key", "does not hold the new image",
                "fleetflash history forget-host-key " + target(other).hostPort());
        assertThat(keyHistory(other)).as("the old key stays pinned, nothing re-pinned").isEqualTo(pinned);
        assertThat(attempts()).singleElement().satisfies(a -> assertThat(a.outcomeOrRunning()).isEqualTo("INTERRUPTED"));
    }

    @Test
    void resumeFindingTheNewImageRecordsTheNewFirmwaresKeyWithTheAttempt() throws Exception {
        // the router finished on its own and runs the new image, which brought new keys (done here by an upgrade kept
        // in another data directory, as the killed laptop's own upgrade would have done it)
        SimRouter router = start("hk-r2", "127.0.88.7");
        assertThat(probe(router, "--accept-new-host-key").exit()).isZero();
        String oldKey = keyHistory(router).get(0).fingerprint();
        Path image = dir.resolve("fw-n.bin");
        SimImage.write(router.sandbox().profile(), "12.0-resumed", 0, image);
        interruptedInFlash(router, image);
        router.setFaults(Faults.none().withNewHostKeysOnUpgrade());
        List<String> elsewhere = new ArrayList<>(List.of("upgrade"));
        elsewhere.addAll(login(router).subList(0, login(router).size() - 1));
        elsewhere.addAll(List.of(dir.resolve("elsewhere").toString(), "--accept-new-host-key", "--image", image.toString(), "--layout",
                "kernel rootfs"));
        Result done = fleetflash(elsewhere.toArray(String[]::new));
        assertThat(done.exit()).as(done.both()).isZero();

        Result resumed = resume(router);

        assertThat(resumed.exit()).as(resumed.both()).isZero();
        assertThat(resumed.out()).contains("SUCCEEDED");
        List<PinnedKey> keys = keyHistory(router);
        assertThat(keys).hasSize(2);
        assertThat(keys.get(0).fingerprint()).isEqualTo(oldKey);
        assertThat(keys.get(1).pinnedBy()).isEqualTo("UPGRADE");
        assertThat(keys.get(1).attemptId()).contains("att-killed");
    }

    @Test
    void theKnownHostsFileOfAnEarlierVersionIsTakenOverAtTheFirstOpenAndItsPinsAreEnforced() throws Exception {
        SimRouter router = start("hk-d", "127.0.88.4");
        // An earlier FleetFlash pinned the router in the data directory's known_hosts file.
        Files.createDirectories(data());
        try (SshConnector connector = SshConnector.start()) {
            new DeviceProber(connector).probe(target(router), Credentials.Password.of(router.user(), router.password()),
                    SshOptions.DEFAULTS.withAcceptNewHostKey(true), new FileHostKeyStore(dataDirectory().knownHosts()));
        }
        assertThat(Files.readString(dataDirectory().knownHosts())).contains(router.address());
        assertThat(data().resolve("history.db")).doesNotExist();

        Result known = probe(router); // without --accept-new-host-key: the imported pin is what makes it known
        assertThat(known.exit()).as(known.both()).isZero();
        assertThat(keyHistory(router)).singleElement().satisfies(k -> {
            assertThat(k.pinnedBy()).isEqualTo("IMPORT");
            assertThat(k.unpinnedAt()).isEmpty();
        });

        router.replaceHostKey();
        Result refused = probe(router, "--accept-new-host-key");
        assertThat(refused.exit()).as(refused.both()).isEqualTo(ExitCodes.HOST_KEY);
        assertThat(refused.err()).contains("has CHANGED");
    }

    @Test
    void aCommandBesideAnotherFleetFlashOnTheSameDataDirectoryIsRefusedWithTheHoldersName() throws Exception {
        SimRouter router = start("hk-e", "127.0.88.5");
        try (History holder = History.open(dataDirectory())) {
            Result probe = probe(router, "--accept-new-host-key");
            assertThat(probe.exit()).as(probe.both()).isEqualTo(ExitCodes.OTHER);
            assertThat(probe.err()).startsWith("fleetflash probe: The data directory ").contains("in use by another FleetFlash",
                    "process " + ProcessHandle.current().pid(), "--data-dir");
            Result cleanup = fleetflash(concat("cleanup", login(router)));
            assertThat(cleanup.exit()).as(cleanup.both()).isEqualTo(ExitCodes.OTHER);
            assertThat(cleanup.err()).startsWith("fleetflash cleanup: The data directory ").contains("in use by another FleetFlash");
            assertThat(holder.hostKeys().pinned(target(router))).as("nothing was pinned by the refused command").isEmpty();
        }
        Result known = probe(router, "--known-hosts", dir.resolve("known_hosts").toString());
        assertThat(known.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(known.err()).contains("--known-hosts is no longer used", "history.db");
    }

    private static String[] concat(String first, List<String> rest) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all.toArray(String[]::new);
    }
}

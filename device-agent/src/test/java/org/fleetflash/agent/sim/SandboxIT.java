package org.fleetflash.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.fleetflash.agent.sim.SandboxShell.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SandboxIT {

    @TempDir
    Path dir;

    @AfterEach
    void deleteRouters() throws Exception {
        SandboxShell.deleteAll(dir);
    }

    private static Set<String> tools(Sandbox sb) throws Exception {
        Set<String> out = new HashSet<>();
        for (String d : new String[] {"bin", "sbin", "usr/bin", "usr/sbin"}) {
            try (Stream<Path> s = Files.list(sb.root().resolve(d))) {
                s.forEach(p -> out.add(p.getFileName().toString()));
            }
        }
        return out;
    }

    @Test
    void laysOutTheFreeBsdTree() throws Exception {
        try (Sandbox sb = Sandbox.create(dir.resolve("r1"), Profile.load("tl-wdr3600"), Shell.DASH, "r1")) {
            for (String d : new String[] {"bin", "sbin", "usr/bin", "usr/sbin", "dev/map", "dev/led", "tmp", "mnt", "var/run", "etc", "root"}) {
                assertThat(sb.root().resolve(d)).isDirectory();
            }
            assertThat(sb.root().resolve("dev/map/kernel")).isRegularFile();
            assertThat(sb.root().resolve("dev/led/SYSTEM")).isRegularFile();
            assertThat(Files.size(sb.flashFile())).isEqualTo(8L << 20);
            assertThat(sb.workingDirectory()).isEqualTo(sb.root().resolve("root"));
            assertThat(sb.hostKeyFile().getParent()).isEqualTo(sb.routerDir());
        }
    }

    @Test
    void pathHoldsOnlyTheSandboxDirectories() throws Exception {
        try (Sandbox sb = Sandbox.create(dir.resolve("r1"), Profile.load("tl-wdr3600"), Shell.DASH, "r1")) {
            String r = sb.root().toString();
            assertThat(sb.environment()).containsEntry("PATH", r + "/bin:" + r + "/sbin:" + r + "/usr/bin:" + r + "/usr/sbin")
                    .containsEntry("FF_ROOT", r).containsEntry("USER", "root").containsKeys("HOME", "LOGNAME", "SHELL");
            Result res = new SandboxShell(sb).run("command -v stat lsblk sha256sum python3 bash; command -v sha256");
            assertThat(res.out()).isEqualTo(r + "/sbin/sha256\n");
        }
    }

    @Test
    void strippedProfileLacksExactlyItsAbsentTools() throws Exception {
        Profile full = Profile.load("tl-wdr3600");
        Profile stripped = Profile.load("tl-wdr3600-stripped");
        try (Sandbox a = Sandbox.create(dir.resolve("a"), full, Shell.DASH, "a");
                Sandbox b = Sandbox.create(dir.resolve("b"), stripped, Shell.DASH, "b")) {
            Set<String> missing = new HashSet<>(tools(a));
            missing.removeAll(tools(b));

            assertThat(missing).isEqualTo(stripped.toolsAbsent());
            assertThat(tools(b)).doesNotContainAnyElementsOf(stripped.toolsAbsent());
        }
    }

    @Test
    void strippedKernelRefusesTmpfs() throws Exception {
        try (Sandbox sb = Sandbox.create(dir.resolve("s"), Profile.load("tl-wdr3600-stripped"), Shell.DASH, "s")) {
            Result r = new SandboxShell(sb).run("mkdir -p \"$FF_ROOT/tmp/.t\" && mount -t tmpfs tmpfs \"$FF_ROOT/tmp/.t\"");

            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).isEqualTo("mount: tmpfs: Operation not supported by device\n");
        }
    }

    @Test
    void restartKeepsTheFlashButNotWhatWasInRamKenvAndMemoryDisks() throws Exception {
        Profile p = Profile.load("tl-wdr3600").unthrottled();
        try (Sandbox sb = Sandbox.create(dir.resolve("r1"), p, Shell.DASH, "r1")) {
            Files.write(sb.root().resolve("tmp/blk"), new byte[65536]);
            Result r = new SandboxShell(sb).run("dd if=\"$FF_ROOT/tmp/blk\" of=\"$FF_ROOT/dev/map/cfg\" bs=65536 2>/dev/null; "
                    + "kenv init_path=/sbin/init >/dev/null; md=$(mdconfig -a -t swap -s 1m); newfs $md >/dev/null; mount /dev/$md /mnt;"
                    + " kenv vfs.root.mountfrom=ufs:/dev/$md >/dev/null");
            assertThat(r.exit()).isZero();
        }
        byte[] flash = Files.readAllBytes(dir.resolve("r1/flash.bin"));
        try (Sandbox sb = Sandbox.create(dir.resolve("r1"), p, Shell.DASH, "r1")) {
            assertThat(Files.readAllBytes(sb.flashFile())).isEqualTo(flash);
            // kenv is the kernel's memory: after a power cycle the router boots from its flash again, as at its first start
            assertThat(sb.kenv()).doesNotContainKey("init_path").containsEntry("vfs.root.mountfrom", "ufs:map/rootfs.uncompress");
            assertThat(new SandboxShell(sb).run("mdconfig -l").out()).isEqualTo("md0 md1\n");
            assertThat(sb.root().resolve("mnt")).isDirectory();
            assertThat(Files.isSymbolicLink(sb.root().resolve("mnt"))).isFalse();
            assertThat(sb.freePages()).isEqualTo(18934);
        }
    }

    @Test
    void aFlashFromAnEarlierSimulatorBootsOnceItsKernelHasTheBoardsAddressesAndIsNotChangedAgain() throws Exception {
        // until profiles had boot.kernel_load, the simulator built every board's kernel at 0x80050000: a 16 MiB board
        // kept from then would now hang after "Starting kernel ..." on the image it was given as its own
        Profile g16 = Profile.load("generic-16m").unthrottled();
        Path r1 = dir.resolve("r1");
        try (Sandbox sb = Sandbox.create(r1, g16, Shell.DASH, "r1")) {
            assertThat(sb.bootVersion()).contains(g16.firmwareVersion());
        }
        withKernelAt(r1.resolve("flash.bin"), g16, 0x80050000L, 0x80050100L);
        Files.delete(r1.resolve("flash.format"));

        try (Sandbox sb = Sandbox.create(r1, g16, Shell.DASH, "r1")) {
            assertThat(sb.bootVersion()).as(String.join("\n", sb.bootConsole())).contains(g16.firmwareVersion());
            assertThat(kernelOf(r1.resolve("flash.bin"), g16).loadAddress()).isEqualTo(0x80001000L);
        }

        // a flash of this simulator is what it is: a kernel for another chip written to it (forced) stays dead
        withKernelAt(r1.resolve("flash.bin"), g16, 0x80050000L, 0x80050100L);
        try (Sandbox sb = Sandbox.create(r1, g16, Shell.DASH, "r1")) {
            assertThat(sb.bootVersion()).isEmpty();
            assertThat(sb.bootConsole()).contains("Starting kernel ...");
        }
    }

    private static org.fleetflash.agent.image.UImageHeader kernelOf(Path flash, Profile p) throws Exception {
        return org.fleetflash.agent.image.UImageHeader.parse(Files.readAllBytes(flash), (int) p.spanStart()).orElseThrow();
    }

    /** Rewrites the kernel header of the flash's span with these addresses (header CRC right, data untouched). */
    private static void withKernelAt(Path flash, Profile p, long load, long entry) throws Exception {
        byte[] f = Files.readAllBytes(flash);
        org.fleetflash.agent.image.UImageHeader h = kernelOf(flash, p);
        org.fleetflash.agent.image.UImageHeader moved = new org.fleetflash.agent.image.UImageHeader(0, true, h.time(), h.dataSize(),
                load, entry, h.dataCrc(), h.os(), h.arch(), h.type(), h.compression(), h.name());
        System.arraycopy(moved.toBytes(), 0, f, (int) p.spanStart(), org.fleetflash.agent.image.UImageHeader.SIZE);
        Files.write(flash, f);
    }

    @Test
    void refusesAFlashOfAnotherSize() throws Exception {
        try (Sandbox sb = Sandbox.create(dir.resolve("r1"), Profile.load("tl-wdr3600"), Shell.DASH, "r1")) {
            assertThat(sb.flashFile()).exists();
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> Sandbox.create(dir.resolve("r1"), Profile.load("generic-16m"), Shell.DASH, "r1"))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining("delete the router's directory");
    }

    @Test
    void watchdogdPidNamesALiveProcessThatSigtermDisarms() throws Exception {
        try (Sandbox sb = Sandbox.create(dir.resolve("r1"), Profile.load("tl-wdr3600"), Shell.DASH, "r1")) {
            SandboxShell sh = new SandboxShell(sb);
            assertThat(sb.watchdogPid()).isPresent();
            assertThat(sh.run("kill -0 $(cat \"$FF_ROOT/var/run/watchdogd.pid\") && echo alive").out()).isEqualTo("alive\n");

            sh.run("kill -TERM $(cat \"$FF_ROOT/var/run/watchdogd.pid\")");

            // at once, well within the ten-second nap it was in: a signal ends the wait
            await().atMost(Duration.ofSeconds(4)).until(() -> sb.watchdogPid().isEmpty());
            assertThat(sb.watchdogDisarmed()).isTrue();
        }
    }

    @Test
    void profileWithoutWatchdogdHasNoPidFile() throws Exception {
        try (Sandbox sb = Sandbox.create(dir.resolve("g"), Profile.load("generic-16m"), Shell.DASH, "g")) {
            assertThat(sb.watchdogPid()).isEmpty();
            assertThat(sb.root().resolve("var/run/watchdogd.pid")).doesNotExist();
        }
    }

    @Test
    void ledWritesReplaceTheContentAndAreRecorded() throws Exception {
        try (Sandbox sb = Sandbox.create(dir.resolve("r1"), Profile.load("tl-wdr3600"), Shell.DASH, "r1")) {
            new SandboxShell(sb).run("echo f2 > \"$FF_ROOT/dev/led/SYSTEM\"");
            await().atMost(Duration.ofSeconds(10)).until(() -> !sb.ledHistory().isEmpty());
            new SandboxShell(sb).run("echo 1 > \"$FF_ROOT/dev/led/SYSTEM\"");
            await().atMost(Duration.ofSeconds(10)).until(() -> sb.ledHistory().size() >= 2);

            assertThat(sb.ledHistory()).extracting(Sandbox.LedEvent::led, Sandbox.LedEvent::value)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("SYSTEM", "f2"), org.assertj.core.groups.Tuple.tuple("SYSTEM", "1"));
            assertThat(Files.readString(sb.root().resolve("dev/led/SYSTEM"))).isEqualTo("1\n");
        }
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void everyShellRunsStandInsThroughBinSh(Shell shell) throws Exception {
        try (Sandbox sb = Sandbox.create(dir.resolve(shell.name()), Profile.load("tl-wdr3600"), shell, "r1")) {
            Files.writeString(sb.root().resolve("tmp/x.sh"), "uname -r\nsysctl -n hw.pagesize\n");
            Result r = new SandboxShell(sb).run("sh \"$FF_ROOT/tmp/x.sh\"");

            assertThat(r.err()).isEmpty();
            assertThat(r.out()).isEqualTo("11.0-CURRENT\n4096\n");
            assertThat(Files.readSymbolicLink(sb.shellBinary())).isEqualTo(shell.binary());
        }
    }

    @Test
    void refusesARouterNameThatIsNotAFileName() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> Sandbox.create(dir.resolve("x"), Profile.load("tl-wdr3600"), Shell.DASH, "../evil"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Router name");
    }
}

package org.fleetflash.core.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.fleetflash.agent.protocol.DeviceFacts;
import org.fleetflash.agent.protocol.Partition;
import org.fleetflash.agent.sim.FlashLayout;
import org.fleetflash.agent.sim.Profile;
import org.fleetflash.agent.sim.Shell;
import org.fleetflash.agent.sim.SimRouter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real agent, uploaded over real SSH to a simulated router whose /bin/sh is dash, posh or busybox sh,
 * reports exactly the router's profile: partitions, erase block, memory, tools.
 */
class ProbeIT {

    private static final List<String> PROBED_TOOLS = List.of("sh", "dd", "cmp", "kenv", "sysctl", "mdconfig", "newfs",
            "mount", "umount", "reboot", "init", "fetch", "sha256", "nc", "logger");
    private static final AtomicInteger NEXT_ADDRESS = new AtomicInteger(10);
    /** The application-wide connector, as the command line uses it. */
    private static final SshConnector connector = SshConnector.start();

    @TempDir
    Path dir;



    static Stream<Arguments> profilesAndShells() {
        return Profile.builtInNames().stream()
                .flatMap(p -> Stream.of(Shell.values()).map(s -> Arguments.of(p, s)));
    }

    static SimRouter start(Path stateDir, String profile, Shell shell) throws IOException {
        String address = "127.0.3." + NEXT_ADDRESS.getAndIncrement();
        return SimRouter.start(stateDir, new SimRouter.Options("r-" + profile, Profile.load(profile), shell, address, 0,
                Optional.empty(), Optional.empty()));
    }

    static SshOptions options() {
        return SshOptions.DEFAULTS.withAcceptNewHostKey(true).withCommandDeadline(Duration.ofSeconds(60));
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("profilesAndShells")
    void probeReportsExactlyTheProfile(String profileName, Shell shell) throws Exception {
        try (SimRouter router = start(dir, profileName, shell)) {
            Profile profile = router.sandbox().profile();
            DeviceProber.Report report = new DeviceProber(connector).probe(
                    new SshTarget(router.address(), router.port()), Credentials.Password.of(router.user(), router.password()),
                    options(), new FileHostKeyStore(dir.resolve("known_hosts")));
            DeviceFacts f = report.facts();

            FlashLayout layout = FlashLayout.resolve(profile, router.sandbox().flashFile());
            assertThat(f.partitions()).extracting(Partition::name, Partition::offset, Partition::size, Partition::readonly)
                    .containsExactlyElementsOf(layout.slices().stream()
                            .map(s -> org.assertj.core.groups.Tuple.tuple(s.name(), s.offset(), s.size(), s.readonly())).toList());
            assertThat(f.eraseBlock()).isEqualTo(profile.eraseBlock());
            assertThat(f.flashSize()).isEqualTo(profile.flashSize());
            assertThat(f.physMemory()).isEqualTo(profile.physmem());
            assertThat(f.userMemory()).isEqualTo(profile.usermem());
            assertThat(f.pageSize()).isEqualTo(profile.pageSize());
            assertThat(f.freeMemory()).isEqualTo(router.sandbox().freePages() * profile.pageSize());
            assertThat(f.hostname()).isEqualTo(profile.hostname());
            assertThat(f.osRelease()).isEqualTo(profile.osRelease());
            assertThat(f.osRelDate()).isEqualTo(profile.osReldate());
            assertThat(f.model()).isEqualTo(profile.hwModel());
            assertThat(f.rootMountFrom()).isEqualTo(profile.rootMountFrom());
            assertThat(f.tmpfs()).isEqualTo(profile.tmpfs());
            assertThat(f.watchdogdRunning()).isEqualTo(profile.watchdogd());
            assertThat(f.leds()).containsExactlyInAnyOrderElementsOf(profile.leds());
            Map<String, Boolean> expectedTools = PROBED_TOOLS.stream()
                    .collect(Collectors.toMap(t -> t, t -> !profile.toolsAbsent().contains(t)));
            assertThat(f.tools()).containsExactlyInAnyOrderEntriesOf(expectedTools);
            assertThat(report.agentUpload().check()).isEqualTo(profile.toolsAbsent().contains("sha256")
                    ? UploadCheck.READ_BACK : UploadCheck.REMOTE_SHA256);
            assertThat(report.serverVersion()).isEqualTo("SSH-2.0-OpenSSH_7.2 FreeBSD-20160310");
            assertThat(f.warnings()).isEmpty();
        }
    }

    @Test
    void aRouterTrustingTheTechniciansKeyIsProbedWithIt() throws Exception {
        Path key = dir.resolve("id_ecdsa");
        org.fleetflash.testsupport.ssh.TestProcesses.sshKeygen(key, "");
        Path authorized = dir.resolve("authorized_keys");
        java.nio.file.Files.copy(key.resolveSibling("id_ecdsa.pub"), authorized);
        try (SimRouter router = SimRouter.start(dir, new SimRouter.Options("r-key", Profile.load("tl-wdr3600"), Shell.DASH,
                "127.0.3." + NEXT_ADDRESS.getAndIncrement(), 0, Optional.of("a-password-nobody-uses"), Optional.of(authorized)))) {
            DeviceProber.Report report = new DeviceProber(connector).probe(new SshTarget(router.address(), router.port()),
                    new Credentials.PrivateKey(router.user(), key), options(), new FileHostKeyStore(dir.resolve("known_hosts")));
            assertThat(report.facts().hostname()).isEqualTo("tl-wdr3600");
            // A key the router does not trust is refused, and says so.
            Path other = dir.resolve("other_ecdsa");
            org.fleetflash.testsupport.ssh.TestProcesses.sshKeygen(other, "");
            assertThatThrownBy(() -> new DeviceProber(connector).probe(new SshTarget(router.address(), router.port()),
                    new Credentials.PrivateKey(router.user(), other), options(), new FileHostKeyStore(dir.resolve("known_hosts"))))
                    .isInstanceOf(AuthenticationFailedException.class)
                    .hasMessageContaining("authorized_keys");
        }
    }

    @Test
    void wrongPasswordIsRefusedWithAClearMessage() throws Exception {
        try (SimRouter router = start(dir, "tl-wdr3600", Shell.DASH)) {
            assertThatThrownBy(() -> new DeviceProber(connector).probe(new SshTarget(router.address(), router.port()),
                    Credentials.Password.of("root", "not-the-password"), options(), new FileHostKeyStore(dir.resolve("kh"))))
                    .isInstanceOf(AuthenticationFailedException.class)
                    .hasMessageContaining("password");
        }
    }

    @Test
    void aRouterWhoseHostKeyChangedIsRefusedWithBothFingerprints() throws Exception {
        FileHostKeyStore pins = new FileHostKeyStore(dir.resolve("kh"));
        SshTarget target;
        try (SimRouter router = start(dir.resolve("first"), "tl-wdr3600", Shell.DASH)) {
            target = new SshTarget(router.address(), router.port());
            new DeviceProber(connector).probe(target, Credentials.Password.of(router.user(), router.password()), options(), pins);
        }
        // Same address and port, new state directory: a new host key, as a swapped or reinstalled router has.
        try (SimRouter impostor = SimRouter.start(dir.resolve("second"), new SimRouter.Options("r-tl-wdr3600",
                Profile.load("tl-wdr3600"), Shell.DASH, target.host(), target.port(), Optional.empty(), Optional.empty()))) {
            assertThatThrownBy(() -> new DeviceProber(connector).probe(target,
                    Credentials.Password.of(impostor.user(), impostor.password()), options(), pins))
                    .isInstanceOf(HostKeyChangedException.class)
                    .hasMessageContaining("SHA256:")
                    .satisfies(e -> assertThat(e.getMessage().split("SHA256:", -1)).hasSizeGreaterThanOrEqualTo(3));
        }
    }

    @Test
    void aClosedPortIsReportedAsUnreachable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.3.250"))) {
            port = s.getLocalPort();
        }
        assertThatThrownBy(() -> new DeviceProber(connector).probe(new SshTarget("127.0.3.250", port),
                Credentials.Password.of("root", "x"), options().withConnectTimeout(Duration.ofSeconds(3)),
                new FileHostKeyStore(dir.resolve("kh"))))
                .isInstanceOf(DeviceUnreachableException.class)
                .hasMessageContaining("127.0.3.250");
    }

    @Test
    void aHostThatAcceptsButNeverSpeaksSshFailsWithinTheTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 10, java.net.InetAddress.getByName("127.0.3.251"))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> new DeviceProber(connector).probe(new SshTarget("127.0.3.251", silent.getLocalPort()),
                    Credentials.Password.of("root", "x"), options().withConnectTimeout(Duration.ofSeconds(2))
                            .withAuthTimeout(Duration.ofSeconds(2)),
                    new FileHostKeyStore(dir.resolve("kh"))))
                    .isInstanceOf(NotSshException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }
}

package org.fleetflash.core.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.BindException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.fleetflash.agent.sim.ExecSpec;
import org.fleetflash.agent.sim.SimSshServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The active scan against real listeners on scattered loopback addresses: simulated routers and tiny TCP servers. */
class ScanJobIT {

    private static final String DEBIAN = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n";
    private static final String DROPBEAR = "SSH-2.0-dropbear_2022.83\r\n";
    private static final String NOT_SSH = "220 ProFTPD Server ready.\r\n";

    @TempDir
    Path dir;

    private final List<AutoCloseable> servers = new ArrayList<>();

    @AfterEach
    void stopServers() throws Exception {
        for (AutoCloseable s : servers) {
            s.close();
        }
    }

    private SimSshServer router(String name, String address, int port) throws IOException {
        SimSshServer s = SimSshServer.start(new SimSshServer.Config(name, address, port, dir.resolve(name + ".key"), "root", "pw",
                Optional.empty(), () -> new ExecSpec(Path.of("/bin/sh"), dir, Map.of("PATH", "/usr/bin:/bin"))));
        servers.add(s);
        return s;
    }

    private LineServer line(String address, int port, String greeting) throws IOException {
        LineServer s = LineServer.start(address, port, greeting);
        servers.add(s);
        return s;
    }

    /** Starts the fleet on one shared port (distinct addresses), choosing another port if one is taken. */
    private int startFleet() throws Exception {
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                int port = router("r1", "127.0.3.7", 0).port();
                router("r2", "127.0.77.9", port);
                line("127.0.3.20", port, DROPBEAR);
                line("127.0.3.21", port, DEBIAN);
                line("127.0.77.30", port, NOT_SSH);
                line("127.0.77.31", port, null);
                return port;
            } catch (BindException | IllegalStateException e) {
                stopServers();
                servers.clear();
            } catch (IOException e) {
                if (!(e.getCause() instanceof BindException) && !String.valueOf(e.getMessage()).contains("in use")) {
                    throw e;
                }
                stopServers();
                servers.clear();
            }
        }
        throw new IllegalStateException("No common free port for the test fleet after 5 attempts");
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    @Test
    void findsScatteredRoutersAndIdentifiesEveryKindOfListener() throws Exception {
        int port = startFleet();
        int closed = closedPort();
        ScanPlan plan = ScanPlan.of(List.of("127.0.3.0/24", "127.0.77.1-40", "127.0.99.5"), List.of(port, closed), false);
        List<ScanHit> hits = new CopyOnWriteArrayList<>();
        ScanOptions options = ScanOptions.DEFAULTS.withBannerTimeout(Duration.ofMillis(400));

        ScanSummary summary;
        try (ScanJob job = ScanJob.start(plan, options, hits::add)) {
            summary = job.await(Duration.ofSeconds(30));
        }

        Map<String, SshGuess> found = hits.stream().collect(Collectors.toMap(ScanHit::hostPort, ScanHit::guess));
        assertThat(found).containsExactlyInAnyOrderEntriesOf(Map.of(
                "127.0.3.7:" + port, SshGuess.FREEBSD,
                "127.0.77.9:" + port, SshGuess.FREEBSD,
                "127.0.3.20:" + port, SshGuess.DROPBEAR,
                "127.0.3.21:" + port, SshGuess.OPENSSH,
                "127.0.77.30:" + port, SshGuess.NOT_SSH,
                "127.0.77.31:" + port, SshGuess.NOT_SSH));
        ScanHit freebsd = hits.stream().filter(h -> h.address().toString().equals("127.0.77.9")).findFirst().orElseThrow();
        assertThat(freebsd.banner()).isEqualTo("SSH-2.0-" + SimSshServer.IDENTIFICATION);
        assertThat(freebsd.detail()).contains("OpenSSH 7.2").contains("20160310");
        assertThat(summary.addressesTried()).isEqualTo(254 + 40 + 1);
        assertThat(summary.connects()).isEqualTo(2L * (254 + 40 + 1));
        assertThat(summary.open()).isEqualTo(6);
        assertThat(summary.complete()).isTrue();
    }

    @Test
    void aListenerThatNeverSpeaksDoesNotHoldUpTheOthers() throws Exception {
        int port = startFleet();
        ScanPlan plan = ScanPlan.of(List.of("127.0.77.31", "127.0.3.7", "127.0.77.9", "127.0.3.20"), List.of(port), false);
        List<ScanHit> hits = new CopyOnWriteArrayList<>();
        Duration bannerTimeout = Duration.ofMillis(1500);

        long start = System.nanoTime();
        ScanSummary summary;
        try (ScanJob job = ScanJob.start(plan, ScanOptions.DEFAULTS.withBannerTimeout(bannerTimeout), hits::add)) {
            summary = job.await(Duration.ofSeconds(30));
        }
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        // The silent one is tried first but reported last, once its banner deadline passed.
        assertThat(hits).hasSize(4);
        assertThat(hits.get(3).address().toString()).isEqualTo("127.0.77.31");
        assertThat(hits.get(3).guess()).isEqualTo(SshGuess.NOT_SSH);
        assertThat(hits.get(3).banner()).isEmpty();
        assertThat(hits.get(3).detail()).contains("nothing");
        assertThat(elapsedMs).isGreaterThanOrEqualTo(bannerTimeout.toMillis()).isLessThan(bannerTimeout.toMillis() + 5000);
        assertThat(summary.open()).isEqualTo(4);
    }

    @Test
    void cancellingStopsAtOnceAndNoResultFollows() throws Exception {
        LineServer first = line("127.0.0.2", 0, DROPBEAR);
        line("127.2.0.2", first.port(), DROPBEAR);
        line("127.3.255.2", first.port(), DROPBEAR);
        ScanPlan plan = ScanPlan.of(List.of("127.0.0.0/14"), List.of(first.port()), true);
        AtomicBoolean cancelReturned = new AtomicBoolean();
        AtomicInteger lateHits = new AtomicInteger();

        try (ScanJob job = ScanJob.start(plan, ScanOptions.DEFAULTS.withConcurrency(16), hit -> {
            if (cancelReturned.get()) {
                lateHits.incrementAndGet();
            }
        })) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                    .until(() -> job.done() > 2000);
            long start = System.nanoTime();
            job.cancel();
            long cancelMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            cancelReturned.set(true);
            long doneAtCancel = job.done();
            ScanSummary summary = job.await(Duration.ofSeconds(1));

            assertThat(cancelMs).isLessThan(1000);
            assertThat(summary.cancelled()).isTrue();
            assertThat(summary.connects()).isLessThan(plan.probeCount() / 2);
            assertThat(job.done()).as("nothing finishes after cancel returned").isEqualTo(doneAtCancel);
        }
        assertThat(lateHits).hasValue(0);
    }

    @Test
    void stopsAtTheOverallDeadline() throws Exception {
        LineServer silent = line("127.0.0.3", 0, null);
        ScanPlan plan = ScanPlan.of(List.of("127.0.0.3"), List.of(silent.port()), false);
        ScanOptions options = ScanOptions.DEFAULTS.withBannerTimeout(Duration.ofSeconds(30)).withMaxDuration(Duration.ofSeconds(1));

        ScanSummary summary;
        try (ScanJob job = ScanJob.start(plan, options, hit -> { })) {
            summary = job.await(Duration.ofSeconds(10));
        }

        assertThat(summary.deadlineReached()).isTrue();
        assertThat(summary.elapsed()).isLessThan(Duration.ofSeconds(5));
        assertThat(summary.open()).isZero();
    }
}

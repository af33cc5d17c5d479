package org.fleetflash.testsupport;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;
import org.fleetflash.agent.protocol.DeviceFacts;
import org.fleetflash.agent.sim.Profile;
import org.fleetflash.agent.sim.Shell;
import org.fleetflash.agent.sim.SimRouter;
import org.fleetflash.core.device.Credentials;
import org.fleetflash.core.device.DeviceProber;
import org.fleetflash.core.device.FileHostKeyStore;
import org.fleetflash.core.device.SshConnector;
import org.fleetflash.core.device.SshOptions;
import org.fleetflash.core.device.SshTarget;
import org.fleetflash.core.upgrade.Phase;
import org.fleetflash.core.upgrade.RouterUpgrade;
import org.fleetflash.core.upgrade.UpgradeEvent;
import org.fleetflash.core.upgrade.UpgradeRequest;
import org.fleetflash.core.upgrade.UpgradeResult;
import org.fleetflash.core.upgrade.UpgradeServices;

/**
 * Simulated routers on loopback and the engine upgrading them, as the command line does: one test's bench.
 * Each bench uses its own 127.0.N.x addresses, so test classes running side by side never share a router.
 */
public final class SimUpgrades implements AutoCloseable {

    /** One connector for the test JVM, as the command line's composition root makes one per run. */
    private static final SshConnector CONNECTOR = SshConnector.start();

    private final Path dir;
    private final String network;
    private final AtomicInteger next = new AtomicInteger(1);
    private final List<SimRouter> routers = new ArrayList<>();

    /** @param network the first three octets of the routers' loopback addresses, e.g. {@code "127.0.9"} */
    public SimUpgrades(Path dir, String network) {
        this.dir = dir;
        this.network = network;
    }

    /** One upgrade's result and every event it emitted, in order. */
    public record Run(UpgradeResult result, List<UpgradeEvent> events) {
        public List<Phase> phases() {
            return events.stream().filter(UpgradeEvent.PhaseChanged.class::isInstance)
                    .map(e -> ((UpgradeEvent.PhaseChanged) e).to()).toList();
        }
    }

    /** Starts a router of {@code profile} (reboots in half a second). */
    public SimRouter start(Profile profile) throws IOException {
        int n = next.getAndIncrement();
        SimRouter r = SimRouter.start(dir.resolve("state"), new SimRouter.Options(network.replace('.', '-') + "-" + n, profile,
                Shell.DASH, network + "." + n, 0, Optional.empty(), Optional.empty()));
        r.setRebootDelay(Duration.ofMillis(500));
        routers.add(r);
        return r;
    }

    /** A TL-WDR3600 with an unthrottled flash. */
    public SimRouter start() throws IOException {
        return start(Profile.load("tl-wdr3600").unthrottled());
    }

    public SshTarget target(SimRouter router) {
        return new SshTarget(router.address(), router.port());
    }

    /** The router of this bench at {@code target}. */
    public SimRouter routerAt(SshTarget target) {
        return routers.stream().filter(r -> r.address().equals(target.host()) && r.port() == target.port()).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No router of this bench at " + target));
    }

    public Credentials credentials(SimRouter router) {
        return Credentials.Password.of(router.user(), router.password());
    }

    public Path knownHosts() {
        return dir.resolve("known_hosts");
    }

    /** The request the tests start from: the router's password, a new host key accepted, kernel + rootfs. */
    public UpgradeRequest request(SimRouter router, Path image, Duration returnTimeout) {
        return new UpgradeRequest(target(router), credentials(router),
                SshOptions.DEFAULTS.withAcceptNewHostKey(true).withCommandDeadline(Duration.ofSeconds(60)),
                new FileHostKeyStore(knownHosts()), image, List.of("kernel", "rootfs"), Optional.empty(),
                UpgradeRequest.Transport.AUTO, returnTimeout, dir.resolve("backups"));
    }

    public Run upgrade(SimRouter router, Path image) {
        return upgrade(router, image, UnaryOperator.identity(), (u, e) -> { });
    }

    /**
     * Upgrades {@code router}; {@code customize} changes the request, {@code during} sees every event with the
     * running upgrade (a test can cancel it from there).
     */
    public Run upgrade(SimRouter router, Path image, UnaryOperator<UpgradeRequest> customize,
            BiConsumer<RouterUpgrade, UpgradeEvent> during) {
        return upgrade(router, image, customize, during, u -> { });
    }

    /**
     * As {@link #upgrade(SimRouter, Path, UnaryOperator, BiConsumer)}, with {@code setup} applied to the upgrade before
     * it runs (a test can hold it at STAGED there: events reach listeners after the fact, on the engine's thread).
     */
    public Run upgrade(SimRouter router, Path image, UnaryOperator<UpgradeRequest> customize,
            BiConsumer<RouterUpgrade, UpgradeEvent> during, java.util.function.Consumer<RouterUpgrade> setup) {
        List<UpgradeEvent> events = Collections.synchronizedList(new ArrayList<>());
        UpgradeRequest request = customize.apply(request(router, image, Duration.ofSeconds(300)));
        try (UpgradeServices services = new UpgradeServices(CONNECTOR, dir.resolve("work"))) {
            RouterUpgrade[] self = new RouterUpgrade[1];
            self[0] = new RouterUpgrade(request, services, e -> {
                events.add(e);
                during.accept(self[0], e);
            });
            setup.accept(self[0]);
            UpgradeResult result = self[0].run();
            return new Run(result, List.copyOf(events));
        }
    }

    /** Upgrade services over this bench's connector, as the command line's composition root makes them. */
    public UpgradeServices services() {
        return new UpgradeServices(CONNECTOR, dir.resolve("work"));
    }

    /**
     * Asserts that {@code router} is exactly as it was before an upgrade that stopped before its reroot: the same
     * flash, only its own memory disks, no stage configuration, up and answering.
     */
    public void assertUntouched(SimRouter router, byte[] flashBefore) throws Exception {
        org.assertj.core.api.Assertions.assertThat(java.nio.file.Files.readAllBytes(router.sandbox().flashFile()))
                .as("the flash of %s", router.address()).isEqualTo(flashBefore);
        org.assertj.core.api.Assertions.assertThat(probe(router).mdUnitsInUse()).containsExactlyElementsOf(
                router.sandbox().profile().preallocatedMds().stream().map(m -> "md" + m.unit()).toList());
        org.assertj.core.api.Assertions.assertThat(router.sandbox().root().resolve("tmp/fleetflash/stage.conf")).doesNotExist();
        org.assertj.core.api.Assertions.assertThat(router.state()).isEqualTo(SimRouter.State.UP);
    }

    public DeviceFacts probe(SimRouter router) throws Exception {
        return new DeviceProber(CONNECTOR).probe(target(router), credentials(router), SshOptions.DEFAULTS.withAcceptNewHostKey(true),
                new FileHostKeyStore(knownHosts())).facts();
    }

    @Override
    public void close() throws IOException {
        for (SimRouter r : routers) {
            r.close();
        }
    }
}

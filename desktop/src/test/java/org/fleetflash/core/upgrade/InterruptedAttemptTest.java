package org.fleetflash.core.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InterruptedAttemptTest {

    private static InterruptedAttempt attempt(String id, String host, int port) {
        return new InterruptedAttempt(id, "b1", new RouterId(host, port, Optional.empty()), Instant.EPOCH, Optional.of(Phase.DOWNLOAD),
                Optional.empty(), Optional.empty(), List.of("kernel", "rootfs"), List.of(), Optional.empty());
    }

    @Test
    void theAttemptsOfOneRouterAreCheckedTogetherOldestFirstAndTwoPortsAreTwoRouters() {
        List<InterruptedAttempt> recorded = List.of(attempt("a1", "127.0.0.1", 2222), attempt("a2", "127.0.0.2", 2222),
                attempt("a3", "127.0.0.1", 2222), attempt("a4", "127.0.0.1", 2223));

        assertThat(InterruptedAttempt.perRouter(recorded)).extracting(g -> g.stream().map(InterruptedAttempt::attemptId).toList())
                .containsExactly(List.of("a1", "a3"), List.of("a2"), List.of("a4"));
    }
}

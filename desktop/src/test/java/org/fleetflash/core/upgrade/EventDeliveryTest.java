package org.fleetflash.core.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventDeliveryTest {

    @Test
    void theIdleHookRunsOnceABurstIsDeliveredNotAfterEachEvent() throws Exception {
        List<String> seen = new ArrayList<>(); // touched on the event thread only
        try (EventDelivery delivery = new EventDelivery()) {
            delivery.whenIdle(() -> seen.add("idle"));
            CountDownLatch hold = new CountDownLatch(1);
            delivery.deliver(() -> {
                await(hold); // the burst below queues up behind this one
                seen.add("first");
            }, "first");
            for (int i = 0; i < 5; i++) {
                String name = "e" + i;
                delivery.deliver(() -> seen.add(name), name);
            }
            hold.countDown();
            assertThat(delivery.drain(Duration.ofSeconds(10))).isTrue();
        }
        // a listener that buffers its output flushes it once, after the burst, never while its events wait
        assertThat(seen).containsExactly("first", "e0", "e1", "e2", "e3", "e4", "idle");
    }

    @Test
    void aFailingIdleHookDoesNotStopTheEvents() throws Exception {
        List<String> seen = new ArrayList<>();
        try (EventDelivery delivery = new EventDelivery()) {
            delivery.whenIdle(() -> {
                throw new IllegalStateException("a broken hook");
            });
            delivery.whenIdle(() -> seen.add("idle"));
            delivery.deliver(() -> seen.add("a"), "a");
            assertThat(delivery.drain(Duration.ofSeconds(10))).isTrue();
            delivery.deliver(() -> seen.add("b"), "b");
            assertThat(delivery.drain(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(seen).containsExactly("a", "idle", "b", "idle");
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}

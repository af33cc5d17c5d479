package org.fleetflash.ui.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javafx.application.Platform;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** Engine threads flood the pump; the FX thread sees few applications, each router's last value, and only on itself. */
class UiEventPumpTest {

    @BeforeAll
    static void toolkit() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    @AfterAll
    static void cleanup() throws Exception {
        FxToolkit.cleanupStages();
    }

    @Test
    void keepsOnlyTheNewestValuePerKeyBetweenDrains() throws Exception {
        List<String> applied = new ArrayList<>();
        UiEventPump<String, Integer> pump = new UiEventPump<>((k, v) -> applied.add(k + "=" + v));
        int threads = 4;
        int updates = 10_000;
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            String key = "router-" + t;
            Thread producer = new Thread(() -> {
                for (int i = 1; i <= updates; i++) {
                    pump.offer(key, i);
                }
                done.countDown();
            }, "engine-" + t);
            producer.start();
        }
        assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(pump.drain()).isEqualTo(threads);
        assertThat(applied).containsExactlyInAnyOrder("router-0=10000", "router-1=10000", "router-2=10000", "router-3=10000");
        assertThat(pump.drain()).isZero();
        assertThat(pump.applications()).isEqualTo(1);
    }

    @Test
    void aFloodOfUpdatesReachesTheFxThreadAFewTimesASecondWithTheLastValue() throws Exception {
        Map<String, Integer> shown = new ConcurrentHashMap<>();
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<String> wrongThread = new AtomicReference<>();
        AtomicReference<UiEventPump<String, Integer>> ref = new AtomicReference<>();
        WaitForAsyncUtils.asyncFx(() -> ref.set(new UiEventPump<String, Integer>((k, v) -> {
            calls.incrementAndGet();
            if (!Platform.isFxApplicationThread()) {
                wrongThread.set(Thread.currentThread().getName());
            }
            shown.put(k, v);
        }).start(UiEventPump.DEFAULT_PERIOD))).get(10, TimeUnit.SECONDS);
        UiEventPump<String, Integer> pump = ref.get();
        int last = 300_000;
        long started = System.nanoTime();
        Thread engine = new Thread(() -> {
            for (int i = 1; i <= last; i++) {
                pump.offer("tl-wdr3600-01", i);
                pump.offer("tl-wdr3600-02", -i);
            }
        }, "engine");
        engine.start();
        engine.join(TimeUnit.SECONDS.toMillis(30));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS,
                () -> Integer.valueOf(last).equals(shown.get("tl-wdr3600-01")) && Integer.valueOf(-last).equals(shown.get("tl-wdr3600-02")));
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        WaitForAsyncUtils.asyncFx(pump::close).get(10, TimeUnit.SECONDS);

        assertThat(wrongThread.get()).as("applied off the FX thread").isNull();
        // two keys per drain; at most one drain per period, plus the first and the closing one
        long drains = WaitForAsyncUtils.asyncFx(pump::applications).get(10, TimeUnit.SECONDS);
        assertThat(drains).isLessThanOrEqualTo(elapsedMs / (long) UiEventPump.DEFAULT_PERIOD.toMillis() + 2);
        assertThat(calls.get()).isLessThanOrEqualTo((int) drains * 2).isLessThan(2 * last / 100);
        assertThat(shown).containsEntry("tl-wdr3600-01", last).containsEntry("tl-wdr3600-02", -last);
    }
}

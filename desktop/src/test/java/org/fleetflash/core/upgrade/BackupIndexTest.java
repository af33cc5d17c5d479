package org.fleetflash.core.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The first wave of a batch reaches the comparison of image and flash all at once: the same image over the same flash
 * is compared once, the other routers take its answer; a comparison that fails leaves each router to compare itself.
 */
class BackupIndexTest {

    private static final String KEY = BackupIndex.changeKey("ab".repeat(32), 65536, 121, List.of("cd".repeat(32)));

    private final ExecutorService routers = Executors.newFixedThreadPool(3);

    @AfterEach
    void stop() throws InterruptedException {
        routers.shutdownNow();
        assertThat(routers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void routersThatArriveWhileOneComparesWaitForItsAnswerInsteadOfComparingAgain() throws Exception {
        BackupIndex index = BackupIndex.create();
        AtomicInteger comparisons = new AtomicInteger();
        CountDownLatch othersArrived = new CountDownLatch(1);
        BackupIndex.Comparison slow = () -> {
            comparisons.incrementAndGet();
            awaitQuietly(othersArrived);
            return List.of(3L, 7L);
        };
        Future<List<Long>> first = routers.submit(() -> index.changedBlocks(KEY, slow));
        await().atMost(Duration.ofSeconds(10)).until(() -> comparisons.get() == 1);
        List<Thread> waiting = new java.util.concurrent.CopyOnWriteArrayList<>();
        Future<List<Long>> second = routers.submit(() -> {
            waiting.add(Thread.currentThread());
            return index.changedBlocks(KEY, slow);
        });
        Future<List<Long>> third = routers.submit(() -> {
            waiting.add(Thread.currentThread());
            return index.changedBlocks(KEY, slow);
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> waiting.size() == 2
                && waiting.stream().allMatch(t -> t.getState() == Thread.State.WAITING));
        othersArrived.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).containsExactly(3L, 7L);
        assertThat(second.get(10, TimeUnit.SECONDS)).containsExactly(3L, 7L);
        assertThat(third.get(10, TimeUnit.SECONDS)).containsExactly(3L, 7L);
        assertThat(comparisons).hasValue(1);
        // and a router that comes later takes the remembered answer
        assertThat(index.changedBlocks(KEY, slow)).containsExactly(3L, 7L);
        assertThat(comparisons).hasValue(1);
    }

    @Test
    void whenTheComparisonFailsTheWaitingRouterComparesOnItsOwnAndNothingWrongIsRemembered() throws Exception {
        BackupIndex index = BackupIndex.create();
        CountDownLatch firstComparing = new CountDownLatch(1);
        CountDownLatch secondWaits = new CountDownLatch(1);
        Future<List<Long>> first = routers.submit(() -> index.changedBlocks(KEY, () -> {
            firstComparing.countDown();
            awaitQuietly(secondWaits);
            throw new IOException("the backup file went away");
        }));
        assertThat(firstComparing.await(10, TimeUnit.SECONDS)).isTrue();
        AtomicInteger ownComparisons = new AtomicInteger();
        List<Thread> waiting = new java.util.concurrent.CopyOnWriteArrayList<>();
        Future<List<Long>> second = routers.submit(() -> {
            waiting.add(Thread.currentThread());
            return index.changedBlocks(KEY, () -> {
                ownComparisons.incrementAndGet();
                return List.of(5L);
            });
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> !waiting.isEmpty() && waiting.get(0).getState() == Thread.State.WAITING);
        assertThat(ownComparisons).hasValue(0);
        secondWaits.countDown();

        assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS)).hasRootCauseMessage("the backup file went away");
        assertThat(second.get(10, TimeUnit.SECONDS)).containsExactly(5L);
        assertThat(ownComparisons).hasValue(1);
    }

    @Test
    void anIndexThatRemembersNothingComparesEveryTime() throws Exception {
        BackupIndex index = BackupIndex.none();
        AtomicInteger comparisons = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            assertThat(index.changedBlocks(KEY, () -> List.of((long) comparisons.incrementAndGet()))).containsExactly(i + 1L);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the other routers never arrived");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

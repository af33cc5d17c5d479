package org.fleetflash.ui.support;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import javafx.animation.Animation;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.util.Duration;

/**
 * Carries engine state to the JavaFX thread without flooding it. Engine threads {@link #offer} the newest state of
 * a key (a router) as often as they like; only the latest value per key is kept, and a timeline on the FX thread
 * applies what is pending a few times a second. A router that reports 10,000 progress steps in a second is redrawn
 * about five times, with its last step.
 *
 * @param <K> what a value belongs to (a router's row)
 * @param <V> a whole state, not a delta: an older one is dropped when a newer one arrives
 */
public final class UiEventPump<K, V> implements AutoCloseable {

    /** About five applications a second: smooth enough to read, cheap enough for hundreds of rows. */
    public static final Duration DEFAULT_PERIOD = Duration.millis(200);

    private final Map<K, V> pending = new ConcurrentHashMap<>();
    private final BiConsumer<K, V> apply;
    private Timeline timeline;
    private long applications;

    /** A pump that hands each key's newest value to {@code apply}, always on the thread that calls {@link #drain}. */
    public UiEventPump(BiConsumer<K, V> apply) {
        this.apply = Objects.requireNonNull(apply, "apply");
    }

    /** Starts draining every {@code period} on the FX thread. Call on the FX thread. */
    public UiEventPump<K, V> start(Duration period) {
        if (timeline != null) {
            throw new IllegalStateException("The pump is running already");
        }
        timeline = new Timeline(new KeyFrame(period, e -> drain()));
        timeline.setCycleCount(Animation.INDEFINITE);
        timeline.play();
        return this;
    }

    /** Records {@code value} as the newest state of {@code key}; any thread, never blocks for long. */
    public void offer(K key, V value) {
        pending.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    }

    /**
     * Applies every pending value (the newest per key) and forgets it. The timeline calls this; a test or a
     * final flush may too, on the thread that owns what {@code apply} changes.
     *
     * @return how many keys were applied
     */
    public int drain() {
        int n = 0;
        for (K key : List.copyOf(pending.keySet())) {
            V value = pending.remove(key);
            if (value != null) {
                apply.accept(key, value);
                n++;
            }
        }
        if (n > 0) {
            applications++;
        }
        return n;
    }

    /** How many drains applied at least one value so far (read on the draining thread). */
    public long applications() {
        return applications;
    }

    /** Stops the timeline; what is still pending is applied once more. Call on the FX thread. */
    @Override
    public void close() {
        if (timeline != null) {
            timeline.stop();
        }
        drain();
    }
}

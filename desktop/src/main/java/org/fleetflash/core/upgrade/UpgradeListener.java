package org.fleetflash.core.upgrade;

/**
 * Receives the events of upgrades.
 *
 * <p>The contract: for each attempt, {@link #on} is called once per event, in the order the engine emitted them,
 * the last one being {@link UpgradeEvent.Finished}; calls come from the engine's one event thread
 * ({@value EventDelivery#THREAD_NAME}), never from an SSH, FTP, telemetry or upgrade worker thread, and never two
 * at a time. A listener must return quickly (hand heavy work to its own executor, a window to its UI thread): the
 * upgrades never wait for it, but the events of every attempt queue behind it. An exception thrown by a listener is
 * logged and does not affect the upgrade or the other listeners. {@link RouterUpgrade#run()} returns after its
 * {@code Finished} event was delivered.
 */
@FunctionalInterface
public interface UpgradeListener {

    void on(UpgradeEvent event);

    /** A listener that calls this one, then {@code next}. */
    default UpgradeListener andThen(UpgradeListener next) {
        return e -> {
            on(e);
            next.on(e);
        };
    }
}

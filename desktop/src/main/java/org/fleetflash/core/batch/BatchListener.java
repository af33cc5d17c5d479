package org.fleetflash.core.batch;

import org.fleetflash.core.upgrade.UpgradeListener;

/**
 * Receives a batch's events and the events of each of its routers' attempts, under the contract of
 * {@link UpgradeListener}: in order, on the engine's event thread, one call at a time.
 */
public interface BatchListener extends UpgradeListener {

    void onBatch(BatchEvent event);

    /** Both listeners, the first first (what the technician sees, then the history), each event to each. */
    static BatchListener both(BatchListener first, BatchListener second) {
        return new BatchListener() {
            @Override
            public void on(org.fleetflash.core.upgrade.UpgradeEvent e) {
                first.on(e);
                second.on(e);
            }

            @Override
            public void onBatch(BatchEvent e) {
                first.onBatch(e);
                second.onBatch(e);
            }
        };
    }
}

package org.fleetflash.core.batch;

import org.fleetflash.core.upgrade.UpgradeListener;

/**
 * Receives a batch's events and the events of each of its routers' attempts, under the contract of
 * {@link UpgradeListener}: in order, on the engine's event thread, one call at a time.
 */
public interface BatchListener extends UpgradeListener {

    void onBatch(BatchEvent event);
}

package org.fleetflash.core.batch;

import java.time.Instant;
import java.util.List;
import org.fleetflash.core.upgrade.FailureCode;
import org.fleetflash.core.upgrade.RouterId;
import org.fleetflash.core.upgrade.UpgradeResult;

/** What happens to a batch as a whole; each router's own events are {@link org.fleetflash.core.upgrade.UpgradeEvent}s. */
public sealed interface BatchEvent {

    String batchId();

    Instant at();

    /** The batch started with these routers and settings. */
    record Started(String batchId, Instant at, List<RouterId> routers, BatchSettings settings) implements BatchEvent {
        public Started {
            routers = List.copyOf(routers);
        }
    }

    /** The totals changed (a router started or ended, a download moved, a block was written). */
    record Totals(String batchId, Instant at, BatchTotals totals) implements BatchEvent {
    }

    /**
     * No new router starts any more, and why: the canary wave failed, the failure budget was reached, a router
     * could not be staged under stage-all-first, or the technician cancelled.
     *
     * @param code {@link FailureCode#CANCELLED} when the technician cancelled: the routers not yet past their reroot are
     *             then undone, not finished; {@link FailureCode#BATCH_HALTED} when stage-all-first stops the batch:
     *             every staged router is undone; otherwise the routers already running finish
     */
    record Halted(String batchId, Instant at, FailureCode code, String reason) implements BatchEvent {
        /** What happens to the routers already running, as a clause. */
        public String forTheRunning() {
            return switch (code) {
                case CANCELLED -> "the routers before their reroot are undone, those past it finish on their own";
                case BATCH_HALTED -> "no router of the batch reroots: the staged ones are undone";
                default -> "the routers already running finish";
            };
        }
    }

    /** A router is tried again after a failure that may pass. */
    record Retrying(String batchId, Instant at, RouterId router, int attempt, UpgradeResult previous) implements BatchEvent {
    }

    /** The batch ended: one result per router, in the order given. */
    record Finished(String batchId, Instant at, List<UpgradeResult> results, BatchTotals totals) implements BatchEvent {
        public Finished {
            results = List.copyOf(results);
        }
    }
}

package org.fleetflash.core.batch;

import java.util.ArrayList;
import java.util.List;
import org.fleetflash.core.upgrade.Outcome;
import org.fleetflash.core.upgrade.UpgradeRequest;
import org.fleetflash.core.upgrade.UpgradeResult;

/**
 * How a batch ended: per router (in the order given) its request and its result.
 */
public record BatchResult(String batchId, List<UpgradeRequest> requests, List<UpgradeResult> results, BatchTotals totals) {

    public BatchResult {
        requests = List.copyOf(requests);
        results = List.copyOf(results);
        if (requests.size() != results.size()) {
            throw new IllegalArgumentException("One result per request");
        }
    }

    /** The requests of the routers that ended FAILED_SAFE: untouched, so they can be tried again as they are. */
    public List<UpgradeRequest> failedSafe() {
        List<UpgradeRequest> again = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i).outcome() == Outcome.FAILED_SAFE) {
                again.add(requests.get(i));
            }
        }
        return again;
    }

    /** The worst outcome: NEEDS_ATTENTION over FAILED_SAFE over SUCCEEDED. */
    public Outcome worst() {
        return results.stream().map(UpgradeResult::outcome).reduce(Outcome.SUCCEEDED, (a, b) -> rank(a) >= rank(b) ? a : b);
    }

    private static int rank(Outcome o) {
        return switch (o) {
            case SUCCEEDED -> 0;
            case FAILED_SAFE -> 1;
            case NEEDS_ATTENTION -> 2;
        };
    }
}

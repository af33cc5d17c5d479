package org.fleetflash.ui.scan;

import java.util.Objects;
import java.util.Set;
import org.fleetflash.core.device.SshTarget;
import org.fleetflash.core.discovery.Ipv4Address;
import org.fleetflash.core.discovery.ScanPlan;
import org.fleetflash.ui.fleet.FleetViewModel;
import org.fleetflash.ui.fleet.RouterRow;

/**
 * Puts what a scan found into the fleet table: a router it did not list becomes a row marked {@code new}; a listed
 * router inside a whole scan's addresses and ports that did not answer is marked {@code missing}, and one that
 * answered again loses that mark. Call on the FX thread.
 */
public final class FleetMerge {

    private final FleetViewModel fleet;

    public FleetMerge(FleetViewModel fleet) {
        this.fleet = Objects.requireNonNull(fleet, "fleet");
    }

    /** Lists {@code target} if the fleet did not (and remembers it for the next start); returns whether it is new. */
    public boolean found(SshTarget target) {
        boolean listed = !fleet.found(target);
        RouterRow row = fleet.rowFor(target);
        if (!listed) {
            row.markScan(RouterRow.SCAN_NEW);
        } else if (RouterRow.SCAN_MISSING.equals(row.scanMarkProperty().get())) {
            row.markScan("");
        }
        return !listed;
    }

    /** Marks the listed routers {@code plan} covers that are not in {@code answered}; returns how many. */
    public int missing(ScanPlan plan, Set<SshTarget> answered) {
        int n = 0;
        for (RouterRow row : fleet.allRows()) {
            SshTarget t = row.target();
            Ipv4Address a = Ipv4Address.tryParse(t.host());
            if (a == null || !plan.covers(a) || !plan.ports().contains(t.port()) || answered.contains(t)) {
                continue;
            }
            row.markScan(RouterRow.SCAN_MISSING);
            n++;
        }
        return n;
    }

    /** Says {@code sentence} in the window's status bar. */
    public void tell(String sentence) {
        fleet.tell(sentence);
    }
}

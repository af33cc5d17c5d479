package org.fleetflash.core.discovery;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Merges what the active scan found with what the passive neighbour table says, one entry per address. */
public final class Discovery {

    private Discovery() {
    }

    /**
     * One host per address that has an open port, or that the neighbour table knows with a MAC address and
     * that lies inside the plan (alive, even with every scanned port closed). Sorted by address.
     */
    public static List<DiscoveredHost> merge(ScanPlan plan, Collection<ScanHit> hits, Collection<Neighbour> neighbours,
            OuiTable oui, Map<Ipv4Address, String> reverseNames) {
        Map<Ipv4Address, List<ScanHit>> byAddress = new TreeMap<>();
        for (ScanHit h : hits) {
            byAddress.computeIfAbsent(h.address(), a -> new ArrayList<>()).add(h);
        }
        Map<Ipv4Address, MacAddress> macs = new TreeMap<>();
        for (Neighbour n : neighbours) {
            Optional<Ipv4Address> a = n.ipv4();
            if (a.isPresent() && n.resolved() && (byAddress.containsKey(a.get()) || plan.covers(a.get()))) {
                macs.putIfAbsent(a.get(), n.mac().orElseThrow());
                byAddress.computeIfAbsent(a.get(), x -> new ArrayList<>());
            }
        }
        List<DiscoveredHost> out = new ArrayList<>(byAddress.size());
        byAddress.forEach((address, open) -> {
            Optional<MacAddress> mac = Optional.ofNullable(macs.get(address));
            out.add(new DiscoveredHost(address, mac, mac.flatMap(oui::vendorOf), open,
                    Optional.ofNullable(reverseNames.get(address))));
        });
        return out;
    }
}

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
            out.add(new DiscoveredHost(address, mac, mac.flatMap(m -> vendorOf(m, oui)), open,
                    Optional.ofNullable(reverseNames.get(address))));
        });
        return out;
    }

    /**
     * One host as a scan finds it, while the scan runs: the open port just found, with the MAC address and vendor the
     * neighbour table knows for its address (never probed), and its reverse name when one was looked up.
     *
     * @param neighbours the neighbour table, or null when the technician chose not to read it
     */
    public static DiscoveredHost identify(ScanHit hit, NeighbourCache neighbours, OuiTable oui, Optional<String> reverseName) {
        Optional<MacAddress> mac = neighbours == null ? Optional.empty() : neighbours.find(hit.address()).flatMap(Neighbour::mac);
        return new DiscoveredHost(hit.address(), mac, mac.flatMap(m -> vendorOf(m, oui)), List.of(hit), reverseName);
    }

    /** The vendor of a MAC address; a locally administered address (random, virtual) has none, and says so. */
    public static Optional<String> vendorOf(MacAddress mac, OuiTable oui) {
        return mac.isLocallyAdministered() ? Optional.of("locally administered") : oui.vendorOf(mac);
    }
}

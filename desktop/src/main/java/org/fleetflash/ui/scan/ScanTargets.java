package org.fleetflash.ui.scan;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.fleetflash.core.discovery.Ipv4Address;
import org.fleetflash.core.discovery.LocalSubnets;
import org.fleetflash.ui.fleet.KnownRouter;

/**
 * What the Scan dialog suggests: in the demo, the demo fleet's addresses ({@code 127.0.3.1-127.0.3.5}) and port;
 * otherwise the laptop's own subnets and port 22. The technician can change both before pressing Start.
 *
 * @param targets the addresses, ranges and blocks, as the dialog shows them
 * @param ports   the ports
 */
public record ScanTargets(List<String> targets, List<Integer> ports) {

    /** The SSH port a router listens on unless told otherwise. */
    public static final int SSH_PORT = 22;

    public ScanTargets {
        targets = List.copyOf(targets);
        ports = List.copyOf(ports);
    }

    /**
     * The suggestion for a window that lists {@code fleet}: the span of its IPv4 addresses and their ports in the demo,
     * else {@code localSubnets} (read only when needed) with port 22.
     */
    public static ScanTargets suggest(List<KnownRouter> fleet, boolean demo, Supplier<List<String>> localSubnets) {
        Objects.requireNonNull(fleet, "fleet");
        if (demo) {
            TreeSet<Ipv4Address> addresses = new TreeSet<>(Comparator.naturalOrder());
            TreeSet<Integer> ports = new TreeSet<>();
            for (KnownRouter k : fleet) {
                Ipv4Address a = Ipv4Address.tryParse(k.target().host());
                if (a != null) {
                    addresses.add(a);
                    ports.add(k.target().port());
                }
            }
            if (!addresses.isEmpty()) {
                String span = addresses.size() == 1 ? addresses.first().toString() : addresses.first() + "-" + addresses.last();
                return new ScanTargets(List.of(span), List.copyOf(ports));
            }
        }
        return new ScanTargets(localSubnets.get(), List.of(SSH_PORT));
    }

    /** The laptop's own subnets, as {@link LocalSubnets} reads them. */
    public static List<String> laptopSubnets() {
        return LocalSubnets.ofThisLaptop();
    }
}

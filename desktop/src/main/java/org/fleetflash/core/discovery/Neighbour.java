package org.fleetflash.core.discovery;

import java.util.Objects;
import java.util.Optional;

/**
 * One entry of the operating system's neighbour (ARP/NDP) table, read passively.
 *
 * @param address the protocol address as printed (IPv4, or IPv6 from {@code ip neigh})
 * @param mac the link-layer address when the entry is resolved
 * @param device the interface name or, on Windows, the interface's own address; empty when not shown
 * @param state the state as the table names it, lower case ({@code reachable}, {@code stale}, {@code dynamic},
 *        {@code permanent}, {@code incomplete} ...), empty when not shown
 */
public record Neighbour(String address, Optional<MacAddress> mac, String device, String state) {
    public Neighbour {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(state, "state");
        mac = mac.filter(m -> !m.isZero());
    }

    /** The IPv4 address, when it is one. */
    public Optional<Ipv4Address> ipv4() {
        return Optional.ofNullable(Ipv4Address.tryParse(address));
    }

    /** True when the entry names a usable unicast link-layer address. */
    public boolean resolved() {
        return mac.isPresent() && !mac.get().isMulticast() && mac.get().bits() != 0xFFFF_FFFF_FFFFL;
    }
}

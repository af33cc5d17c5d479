package org.fleetflash.core.discovery;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything known about one address after a discovery: its open ports with their identification (active
 * scan), its MAC address and vendor (passive neighbour table), and its reverse name when asked for.
 */
public record DiscoveredHost(Ipv4Address address, Optional<MacAddress> mac, Optional<String> vendor,
        List<ScanHit> openPorts, Optional<String> reverseName) {

    public DiscoveredHost {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(vendor, "vendor");
        Objects.requireNonNull(reverseName, "reverseName");
        openPorts = openPorts.stream().sorted(Comparator.comparingInt(ScanHit::port)).toList();
    }

    /** The most telling guess over all open ports (FreeBSD before OpenSSH before dropbear ...); empty without open ports. */
    public Optional<SshGuess> guess() {
        return openPorts.stream().map(ScanHit::guess).min(Comparator.naturalOrder());
    }

    /** True when some port announced FreeBSD's OpenSSH: a router FleetFlash can work with. */
    public boolean looksLikeFreeBsdRouter() {
        return guess().filter(g -> g == SshGuess.FREEBSD).isPresent();
    }
}

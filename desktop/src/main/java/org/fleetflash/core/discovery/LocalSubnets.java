package org.fleetflash.core.discovery;

import java.net.Inet4Address;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IPv4 subnets this laptop is on, as scan targets ({@code 192.168.1.0/24}): what a scan of "my network" means.
 * Read from the network interfaces (nothing is sent); loopback, link-local and point-to-point addresses are left out,
 * and a subnet wider than {@value #WIDEST_PREFIX} bits is narrowed to the /24 around the laptop's own address, so
 * that the suggestion is a scan of seconds, not of minutes.
 */
public final class LocalSubnets {

    private static final Logger LOG = LoggerFactory.getLogger(LocalSubnets.class);
    /** The widest subnet suggested as it is: a /22 (1,022 hosts). */
    public static final int WIDEST_PREFIX = 22;

    /** One address of an interface with its prefix length, as the operating system reports it. */
    public record InterfaceAddressV4(String interfaceName, Ipv4Address address, int prefixLength) {
        public InterfaceAddressV4 {
            Objects.requireNonNull(interfaceName, "interfaceName");
            Objects.requireNonNull(address, "address");
        }
    }

    private LocalSubnets() {
    }

    /** The subnets of the interfaces that are up, in the order the system lists them, each once; empty if none. */
    public static List<String> ofThisLaptop() {
        List<InterfaceAddressV4> found = new ArrayList<>();
        try {
            for (NetworkInterface ni : NetworkInterface.networkInterfaces().toList()) {
                if (!ni.isUp() || ni.isLoopback() || ni.isPointToPoint()) {
                    continue;
                }
                for (InterfaceAddress ia : ni.getInterfaceAddresses()) {
                    if (ia.getAddress() instanceof Inet4Address a4) {
                        Ipv4Address a = Ipv4Address.tryParse(a4.getHostAddress());
                        if (a != null) {
                            found.add(new InterfaceAddressV4(ni.getName(), a, ia.getNetworkPrefixLength()));
                        }
                    }
                }
            }
        } catch (SocketException e) {
            LOG.warn("Cannot list this laptop's network interfaces: {}", e.toString());
        }
        return blocks(found);
    }

    /** The scan targets for {@code addresses}: see the class comment for what is left out and narrowed. */
    public static List<String> blocks(List<InterfaceAddressV4> addresses) {
        Set<String> out = new LinkedHashSet<>();
        for (InterfaceAddressV4 ia : addresses) {
            long a = ia.address().unsigned();
            int prefix = ia.prefixLength();
            boolean loopback = (a >>> 24) == 127;
            boolean linkLocal = (a >>> 16) == 0xA9FE;
            if (loopback || linkLocal || prefix < 0 || prefix > 30) {
                continue;
            }
            int p = prefix < WIDEST_PREFIX ? 24 : prefix;
            long mask = (0xFFFF_FFFFL << (32 - p)) & 0xFFFF_FFFFL;
            out.add(Ipv4Address.ofUnsigned(a & mask) + "/" + p);
        }
        return List.copyOf(out);
    }
}

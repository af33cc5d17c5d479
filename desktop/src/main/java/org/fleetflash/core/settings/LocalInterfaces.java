package org.fleetflash.core.settings;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;

/**
 * Whether this computer holds an address, from its own interface list only: nothing is sent anywhere. The image
 * server can listen only on an address one of its interfaces holds.
 */
@FunctionalInterface
public interface LocalInterfaces {

    /**
     * This computer's interfaces, as the operating system lists them now; every loopback address counts (Linux answers
     * the whole of 127.0.0.0/8 on its loopback interface, which lists only 127.0.0.1).
     */
    LocalInterfaces SYSTEM = address -> {
        try {
            return address.isLoopbackAddress() || NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    };

    /** Whether one of the interfaces holds {@code address}. */
    boolean holds(InetAddress address);
}

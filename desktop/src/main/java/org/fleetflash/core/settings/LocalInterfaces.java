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

    /** This computer's interfaces, as the operating system lists them now. */
    LocalInterfaces SYSTEM = address -> {
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    };

    /** Whether one of the interfaces holds {@code address}. */
    boolean holds(InetAddress address);
}

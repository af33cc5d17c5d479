package org.fleetflash.core.upgrade;

import java.util.Objects;
import java.util.Optional;
import org.fleetflash.core.device.SshTarget;

/**
 * Who a router is, as far as FleetFlash knows it during an attempt: the address and port it was reached at
 * and, once an SSH handshake checked it, the SHA-256 fingerprint of its host key.
 */
public record RouterId(String host, int port, Optional<String> hostKey) {

    public RouterId {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(hostKey, "hostKey");
    }

    /** The router at {@code target}, its host key not yet seen. */
    public static RouterId of(SshTarget target) {
        return new RouterId(target.host(), target.port(), Optional.empty());
    }

    /** This router with its host key's fingerprint. */
    public RouterId withHostKey(String fingerprint) {
        return new RouterId(host, port, Optional.of(fingerprint));
    }

    /** {@code host:port} ({@code [v6]:port} for IPv6), as the technician typed it. */
    public String hostPort() {
        return SshTarget.hostPort(host, port); // called for every event: no second check of what the target checked
    }
}

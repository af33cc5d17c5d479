package org.fleetflash.core.device;

import java.io.IOException;
import java.security.PublicKey;
import java.util.Optional;

/**
 * Where pinned SSH host keys live, one per router {@code host:port}. Implementations must be safe to use
 * from many connection threads at once; {@link #pinIfAbsent} is atomic.
 *
 * <p>A pinned key that the router no longer presents is refused ({@link HostKeys}), unless the store re-pins it:
 * a store that keeps a history allows that only while an upgrade of that router holds a {@link #allowRepin permit}.
 * By default a store never re-pins.
 */
public interface HostKeyStore {

    /** The key pinned for this router, if any. */
    Optional<PublicKey> pinned(SshTarget target) throws IOException;

    /**
     * Pins {@code key} for the router unless a key is pinned already.
     *
     * @return the key pinned after the call: {@code key}, or the one that was there first
     */
    PublicKey pinIfAbsent(SshTarget target, PublicKey key) throws IOException;

    /** Removes the pin of this router; true if there was one. */
    boolean forget(SshTarget target) throws IOException;

    /** A sentence fragment telling the user how to remove this router's pin (for error messages). */
    String howToForget(SshTarget target);

    /**
     * A sentence fragment telling the user how to pin the key of a router seen for the first time, once its fingerprint
     * is checked, to complete "Compare it with the router's own ..., then ...".
     */
    default String howToTrustNew(SshTarget target) {
        return "connect again with --accept-new-host-key to pin it";
    }

    /**
     * A sentence fragment telling the user how to trust this router's new key once it is verified, to complete "Verify the
     * router ..., then ...": by default remove the pin ({@link #howToForget}) and connect again accepting a new key.
     */
    default String howToTrustAgain(SshTarget target) {
        return "remove the pin (" + howToForget(target) + ") and connect again with --accept-new-host-key";
    }

    /**
     * Lets the upgrade {@code attemptId} have the key of {@code target} re-pinned ({@link #repinIfAllowed}) until the
     * permit is closed. By default nothing is allowed: the permit does nothing.
     */
    default RepinPermit allowRepin(SshTarget target, String attemptId) {
        return RepinPermit.NONE;
    }

    /**
     * Called when {@code target} presented {@code presented} instead of the pinned {@code pinned}: a store that allows
     * it now records the change, pins {@code presented} and returns true; otherwise it changes nothing and returns
     * false, and the key is refused. By default: false.
     */
    default boolean repinIfAllowed(SshTarget target, PublicKey pinned, PublicKey presented) throws IOException {
        return false;
    }
}

package org.fleetflash.core.device;

import java.io.IOException;
import java.security.PublicKey;
import java.util.Optional;

/**
 * Where pinned SSH host keys live, one per router {@code host:port}. Implementations must be safe to use
 * from many connection threads at once; {@link #pinIfAbsent} is atomic.
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
}

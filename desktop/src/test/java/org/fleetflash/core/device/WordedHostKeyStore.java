package org.fleetflash.core.device;

import java.security.PublicKey;
import java.util.Optional;

/**
 * An in-memory host-key store with advice of its own, as the window's history store words it, and a re-pin rule that
 * allows: for the tests of stores that wrap another (what they must pass on).
 */
public class WordedHostKeyStore implements HostKeyStore {

    /** The key pinned for every router, or null. */
    public PublicKey pinnedKey;

    @Override
    public Optional<PublicKey> pinned(SshTarget target) {
        return Optional.ofNullable(pinnedKey);
    }

    @Override
    public PublicKey pinIfAbsent(SshTarget target, PublicKey key) {
        if (pinnedKey == null) {
            pinnedKey = key;
        }
        return pinnedKey;
    }

    @Override
    public boolean forget(SshTarget target) {
        return pinnedKey != null;
    }

    @Override
    public String howToForget(SshTarget target) {
        return "right-click it and choose Forget host key";
    }

    @Override
    public String howToTrustNew(SshTarget target) {
        return "press Probe again with Trust ticked";
    }

    @Override
    public String howToTrustAgain(SshTarget target) {
        return "forget its key, then press Probe again with Trust ticked";
    }

    @Override
    public boolean repinIfAllowed(SshTarget target, PublicKey pinned, PublicKey presented) {
        return true;
    }
}

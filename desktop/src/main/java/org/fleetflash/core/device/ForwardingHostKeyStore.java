package org.fleetflash.core.device;

import java.io.IOException;
import java.security.PublicKey;
import java.util.Objects;
import java.util.Optional;

/**
 * A host-key store that passes every call to another, for a wrapper that changes one or two of them: it then cannot
 * forget to pass on the others (a wrapper that did lost the window's own advice and gave the command line's).
 */
public abstract class ForwardingHostKeyStore implements HostKeyStore {

    private final HostKeyStore store;

    protected ForwardingHostKeyStore(HostKeyStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /** The store the calls go to. */
    protected final HostKeyStore store() {
        return store;
    }

    @Override
    public Optional<PublicKey> pinned(SshTarget target) throws IOException {
        return store.pinned(target);
    }

    @Override
    public PublicKey pinIfAbsent(SshTarget target, PublicKey key) throws IOException {
        return store.pinIfAbsent(target, key);
    }

    @Override
    public boolean forget(SshTarget target) throws IOException {
        return store.forget(target);
    }

    @Override
    public String howToForget(SshTarget target) {
        return store.howToForget(target);
    }

    @Override
    public String howToTrustNew(SshTarget target) {
        return store.howToTrustNew(target);
    }

    @Override
    public String howToTrustAgain(SshTarget target) {
        return store.howToTrustAgain(target);
    }

    @Override
    public RepinPermit allowRepin(SshTarget target, String attemptId) {
        return store.allowRepin(target, attemptId);
    }

    @Override
    public boolean repinIfAllowed(SshTarget target, PublicKey pinned, PublicKey presented) throws IOException {
        return store.repinIfAllowed(target, pinned, presented);
    }
}

package org.fleetflash.core.device;

/**
 * The router presented a host key different from the one pinned for it, outside the one window where a change is
 * accepted (from an upgrade's reroot of that router to its end: {@link HostKeyStore#allowRepin}). Refused: the
 * router was reinstalled or replaced, or someone sits between us and it.
 */
public final class HostKeyChangedException extends DeviceException {

    private final String pinnedFingerprint;
    private final String presentedFingerprint;

    /** @param howToTrustAgain what to do once the router is verified ({@link HostKeyStore#howToTrustAgain}) */
    public HostKeyChangedException(SshTarget target, String pinnedFingerprint, String presentedFingerprint, String howToTrustAgain) {
        super(target, "The host key of router " + target + " has CHANGED: pinned " + pinnedFingerprint + ", presented "
                + presentedFingerprint + ". The router may have been reinstalled or replaced, or someone may be intercepting "
                + "the connection. Verify the router (its console, or ssh-keygen -lf on it), then " + howToTrustAgain + ".", null);
        this.pinnedFingerprint = pinnedFingerprint;
        this.presentedFingerprint = presentedFingerprint;
    }

    public String pinnedFingerprint() {
        return pinnedFingerprint;
    }

    public String presentedFingerprint() {
        return presentedFingerprint;
    }
}

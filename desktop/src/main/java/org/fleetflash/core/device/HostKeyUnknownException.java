package org.fleetflash.core.device;

/** The router presented a host key that is not pinned yet, and pinning new keys was not allowed. */
public final class HostKeyUnknownException extends DeviceException {

    private final String presentedFingerprint;

    /**
     * @param presentedFingerprint {@code TYPE SHA256:...}
     * @param routerKeyFile        where the router keeps that key, e.g. {@code /etc/ssh/ssh_host_ecdsa_key.pub}
     * @param howToTrustNew        what to do once the fingerprint is checked ({@link HostKeyStore#howToTrustNew})
     */
    public HostKeyUnknownException(SshTarget target, String presentedFingerprint, String routerKeyFile, String howToTrustNew) {
        super(target, "Router " + target + " is not known yet. Its host key fingerprint is " + presentedFingerprint
                + ". Compare it with the router's own (on the router: ssh-keygen -lf " + routerKeyFile + "), "
                + "then " + howToTrustNew + ".", null);
        this.presentedFingerprint = presentedFingerprint;
    }

    /** The presented key as {@code TYPE SHA256:...}. */
    public String presentedFingerprint() {
        return presentedFingerprint;
    }
}

package org.fleetflash.core.device;

import java.io.IOException;
import java.security.PublicKey;
import java.util.Optional;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The host-key policy (pin on first use, refuse a changed key) and fingerprints as OpenSSH prints them. */
public final class HostKeys {

    private static final Logger LOG = LoggerFactory.getLogger(HostKeys.class);

    private HostKeys() {
    }

    /** {@code ecdsa-sha2-nistp256 SHA256:base64...}: the key type and its SHA-256 fingerprint as OpenSSH shows it. */
    public static String fingerprint(PublicKey key) {
        return KeyUtils.getKeyType(key) + " " + KeyUtils.getFingerPrint(BuiltinDigests.sha256, key);
    }

    /** Where an OpenSSH server keeps this kind of host key ({@code /etc/ssh/ssh_host_ecdsa_key.pub}). */
    static String routerKeyFile(PublicKey key) {
        String type = KeyUtils.getKeyType(key);
        String shortName = type.startsWith("ecdsa-") ? "ecdsa" : type.contains("ed25519") ? "ed25519" : type.contains("rsa") ? "rsa"
                : type.contains("dss") ? "dsa" : "*";
        return "/etc/ssh/ssh_host_" + shortName + "_key.pub";
    }

    /**
     * Decides whether {@code presented} may be trusted for {@code target}: a pinned equal key passes; an unknown
     * key is pinned when {@code acceptNew}, refused otherwise; a different key is refused unless the store re-pins it
     * (an upgrade of that router allows it: {@link HostKeyStore#repinIfAllowed}).
     */
    static void verify(HostKeyStore store, SshTarget target, PublicKey presented, boolean acceptNew)
            throws HostKeyUnknownException, HostKeyChangedException, IOException {
        Optional<PublicKey> pinned = store.pinned(target);
        if (pinned.isEmpty()) {
            if (!acceptNew) {
                LOG.warn("Refusing unknown host key of {}: {}", target, fingerprint(presented));
                throw new HostKeyUnknownException(target, fingerprint(presented), routerKeyFile(presented), store.howToTrustNew(target));
            }
            PublicKey nowPinned = store.pinIfAbsent(target, presented);
            if (KeyUtils.compareKeys(nowPinned, presented)) {
                LOG.info("Pinned host key of {}: {}", target, fingerprint(presented));
                return;
            }
            pinned = Optional.of(nowPinned); // another connection pinned a different key first
        }
        if (!KeyUtils.compareKeys(pinned.get(), presented)) {
            if (store.repinIfAllowed(target, pinned.get(), presented)) {
                return;
            }
            LOG.warn("Host key of {} changed: pinned {}, presented {}", target, fingerprint(pinned.get()), fingerprint(presented));
            throw new HostKeyChangedException(target, fingerprint(pinned.get()), fingerprint(presented), store.howToTrustAgain(target));
        }
    }
}

package org.fleetflash.core.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.fleetflash.core.device.FileHostKeyStoreTest.newKey;

import java.nio.file.Path;
import java.security.PublicKey;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostKeysTest {

    @TempDir
    Path dir;

    private final SshTarget router = new SshTarget("127.0.9.1", 22);

    @Test
    void fingerprintLooksLikeOpenSsh() throws Exception {
        assertThat(HostKeys.fingerprint(newKey())).matches("ecdsa-sha2-nistp256 SHA256:[A-Za-z0-9+/]{43}");
    }

    @Test
    void unknownKeyIsRefusedWithoutAcceptAndNotPinned() throws Exception {
        FileHostKeyStore store = new FileHostKeyStore(dir.resolve("kh"));
        PublicKey key = newKey();

        assertThatThrownBy(() -> HostKeys.verify(store, router, key, false))
                .isInstanceOf(HostKeyUnknownException.class)
                .hasMessage("Router 127.0.9.1:22 is not known yet. Its host key fingerprint is " + HostKeys.fingerprint(key)
                        + ". Compare it with the router's own (on the router: ssh-keygen -lf /etc/ssh/ssh_host_ecdsa_key.pub), "
                        + "then connect again with --accept-new-host-key to pin it.");
        assertThat(store.pinned(router)).isEmpty();
    }

    @Test
    void unknownKeyIsPinnedWithAcceptThenTrusted() throws Exception {
        FileHostKeyStore store = new FileHostKeyStore(dir.resolve("kh"));
        PublicKey key = newKey();

        HostKeys.verify(store, router, key, true);
        HostKeys.verify(store, router, key, false);

        assertThat(store.pinned(router)).isPresent();
    }

    @Test
    void changedKeyIsRefusedEvenWithAccept() throws Exception {
        FileHostKeyStore store = new FileHostKeyStore(dir.resolve("kh"));
        PublicKey pinned = newKey();
        PublicKey other = newKey();
        HostKeys.verify(store, router, pinned, true);

        assertThatThrownBy(() -> HostKeys.verify(store, router, other, true))
                .isInstanceOfSatisfying(HostKeyChangedException.class, e -> {
                    assertThat(e.pinnedFingerprint()).isEqualTo(HostKeys.fingerprint(pinned));
                    assertThat(e.presentedFingerprint()).isEqualTo(HostKeys.fingerprint(other));
                })
                .hasMessageStartingWith("The host key of router 127.0.9.1:22 has CHANGED: pinned " + HostKeys.fingerprint(pinned)
                        + ", presented " + HostKeys.fingerprint(other) + ".");
    }
}

package org.fleetflash.core.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPairGenerator;
import java.security.PublicKey;
import org.fleetflash.core.device.WordedHostKeyStore;
import org.fleetflash.core.device.SshTarget;
import org.junit.jupiter.api.Test;

/**
 * The host keys of a check past the reroot: a changed key is let through for that check alone and never pinned, and
 * every piece of advice is the real store's, so the window's Resume speaks the window's words (Trust ticked, Forget
 * host key) and not the command line's options.
 */
class ResumeHostKeysTest {

    @Test
    void everyAdviceIsTheRealStoresAndAChangedKeyIsRememberedNotPinned() throws Exception {
        WordedHostKeyStore store = new WordedHostKeyStore();
        SshTarget t = new SshTarget("127.0.0.1", 2222);
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        PublicKey old = g.generateKeyPair().getPublic();
        PublicKey now = g.generateKeyPair().getPublic();
        store.pinnedKey = old;

        ResumeCheck.Provisional keys = new ResumeCheck.Provisional(store);

        assertThat(keys.howToTrustNew(t)).isEqualTo(store.howToTrustNew(t)).doesNotContain("--");
        assertThat(keys.howToTrustAgain(t)).isEqualTo(store.howToTrustAgain(t)).doesNotContain("--");
        assertThat(keys.howToForget(t)).isEqualTo(store.howToForget(t));
        assertThat(keys.pinned(t)).contains(old);
        assertThat(keys.repinIfAllowed(t, old, now)).as("let through for this check").isTrue();
        assertThat(store.pinned(t)).as("and not pinned").contains(old);
    }
}

package org.fleetflash.core.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.Optional;
import org.fleetflash.core.device.HostKeyStore;
import org.fleetflash.core.device.SshTarget;
import org.junit.jupiter.api.Test;

/**
 * The host keys of a check past the reroot: a changed key is let through for that check alone and never pinned, and
 * every piece of advice is the real store's, so the window's Resume speaks the window's words (Trust ticked, Forget
 * host key) and not the command line's options.
 */
class ResumeHostKeysTest {

    /** A store with words of its own, as the window's history store has them. */
    private static final class Worded implements HostKeyStore {
        PublicKey pinnedKey;

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
    }

    @Test
    void everyAdviceIsTheRealStoresAndAChangedKeyIsRememberedNotPinned() throws Exception {
        Worded store = new Worded();
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

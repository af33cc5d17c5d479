package org.fleetflash.core.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A wrapper of a host-key store passes on every call it does not change, so that the store's own advice (the window's
 * words) and its rules (re-pinning after an upgrade) reach the technician through any wrapper.
 */
class ForwardingHostKeyStoreTest {

    @Test
    void everyMethodOfTheStoreIsPassedOn() {
        for (Method m : HostKeyStore.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            assertThat(Arrays.stream(ForwardingHostKeyStore.class.getDeclaredMethods())
                    .anyMatch(f -> f.getName().equals(m.getName()) && Arrays.equals(f.getParameterTypes(), m.getParameterTypes())))
                    .as("ForwardingHostKeyStore passes on %s", m.getName()).isTrue();
        }
    }

    @Test
    void aWrapperThatChangesNothingAnswersAsTheStore() throws Exception {
        PublicKey key = KeyPairGenerator.getInstance("EC").generateKeyPair().getPublic();
        SshTarget t = new SshTarget("127.0.0.1", 2222);
        HostKeyStore store = new HostKeyStore() {
            @Override
            public Optional<PublicKey> pinned(SshTarget target) {
                return Optional.of(key);
            }

            @Override
            public PublicKey pinIfAbsent(SshTarget target, PublicKey k) {
                return key;
            }

            @Override
            public boolean forget(SshTarget target) {
                return true;
            }

            @Override
            public String howToForget(SshTarget target) {
                return "choose Forget host key";
            }

            @Override
            public String howToTrustNew(SshTarget target) {
                return "tick Trust";
            }

            @Override
            public String howToTrustAgain(SshTarget target) {
                return "forget it, then tick Trust";
            }

            @Override
            public boolean repinIfAllowed(SshTarget target, PublicKey pinned, PublicKey presented) {
                return true;
            }
        };

        HostKeyStore wrapped = new ForwardingHostKeyStore(store) { };

        assertThat(wrapped.pinned(t)).contains(key);
        assertThat(wrapped.pinIfAbsent(t, key)).isSameAs(key);
        assertThat(wrapped.forget(t)).isTrue();
        assertThat(wrapped.howToForget(t)).isEqualTo("choose Forget host key");
        assertThat(wrapped.howToTrustNew(t)).isEqualTo("tick Trust");
        assertThat(wrapped.howToTrustAgain(t)).isEqualTo("forget it, then tick Trust");
        assertThat(wrapped.repinIfAllowed(t, key, key)).isTrue();
        assertThat(wrapped.allowRepin(t, "a1")).isSameAs(RepinPermit.NONE);
    }
}

package org.fleetflash.core.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.Arrays;
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
        WordedHostKeyStore store = new WordedHostKeyStore();
        store.pinnedKey = key;

        HostKeyStore wrapped = new ForwardingHostKeyStore(store) { };

        assertThat(wrapped.pinned(t)).contains(key);
        assertThat(wrapped.pinIfAbsent(t, key)).isSameAs(key);
        assertThat(wrapped.forget(t)).isTrue();
        assertThat(wrapped.howToForget(t)).isEqualTo(store.howToForget(t));
        assertThat(wrapped.howToTrustNew(t)).isEqualTo(store.howToTrustNew(t)).doesNotContain("--");
        assertThat(wrapped.howToTrustAgain(t)).isEqualTo(store.howToTrustAgain(t)).doesNotContain("--");
        assertThat(wrapped.repinIfAllowed(t, key, key)).isTrue();
        assertThat(wrapped.allowRepin(t, "a1")).isSameAs(RepinPermit.NONE);
    }
}

package org.fleetflash.core.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.fleetflash.core.history.History;
import org.fleetflash.core.settings.DataDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The host-key policy of every connection ({@link HostKeys#verify}) over the store kept in the history. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HistoryHostKeyPolicyTest {

    @TempDir
    Path dir;

    private static PublicKey newKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair().getPublic();
    }

    @Test
    void aKeyIsPinnedOnFirstUseAndAChangedOneIsRefusedWithHowToForgetIt() throws Exception {
        SshTarget router = SshTarget.parse("192.0.2.7:2200");
        PublicKey first = newKey();
        PublicKey changed = newKey();
        try (History history = History.open(DataDirectory.resolve(Optional.of(dir), Map.of(), "Linux", dir))) {
            HostKeys.verify(history.hostKeys(), router, first, true);
            HostKeys.verify(history.hostKeys(), router, first, false);
            assertThatThrownBy(() -> HostKeys.verify(history.hostKeys(), router, changed, true))
                    .isInstanceOf(HostKeyChangedException.class)
                    .hasMessageContaining("fleetflash history forget-host-key 192.0.2.7:2200");
            assertThat(KeyUtils.compareKeys(history.hostKeys().pinned(router).orElseThrow(), first)).isTrue();
            assertThatThrownBy(() -> HostKeys.verify(history.hostKeys(), SshTarget.parse("192.0.2.8"), first, false))
                    .isInstanceOf(HostKeyUnknownException.class);
        }
    }

    @Test
    void aChangedKeyIsAcceptedOnlyWhileAnUpgradeOfThatRouterHoldsItsPermitAndTheChangeIsRecorded() throws Exception {
        SshTarget router = SshTarget.parse("192.0.2.7:2200");
        SshTarget other = SshTarget.parse("192.0.2.9");
        PublicKey old = newKey();
        PublicKey fresh = newKey();
        PublicKey after = newKey();
        try (History history = History.open(DataDirectory.resolve(Optional.of(dir), Map.of(), "Linux", dir))) {
            HostKeyStore store = history.hostKeys();
            HostKeys.verify(store, router, old, true);
            try (RepinPermit elsewhere = store.allowRepin(other, "attempt-on-another-router")) {
                assertThatThrownBy(() -> HostKeys.verify(store, router, fresh, false)).isInstanceOf(HostKeyChangedException.class);
            }
            try (RepinPermit permit = store.allowRepin(router, "attempt-7")) {
                HostKeys.verify(store, router, fresh, false);
                HostKeys.verify(store, router, fresh, false);
            }
            assertThat(KeyUtils.compareKeys(store.pinned(router).orElseThrow(), fresh)).isTrue();
            assertThat(history.hostKeys().keyHistory(router)).extracting(k -> k.pinnedBy() + "/" + k.unpinnedBy().orElse("-"))
                    .containsExactly("FIRST_USE/UPGRADE", "UPGRADE/-");
            assertThat(history.hostKeys().keyHistory(router).get(1).attemptId()).contains("attempt-7");
            assertThatThrownBy(() -> HostKeys.verify(store, router, after, true))
                    .as("the permit ended with the upgrade").isInstanceOf(HostKeyChangedException.class);
        }
    }

    @Test
    void aStoreWithoutHistoryNeverRepinsEvenWithAPermit() throws Exception {
        SshTarget router = SshTarget.parse("192.0.2.7");
        PublicKey old = newKey();
        FileHostKeyStore file = new FileHostKeyStore(dir.resolve("known_hosts"));
        HostKeys.verify(file, router, old, true);
        try (RepinPermit permit = file.allowRepin(router, "attempt-1")) {
            assertThatThrownBy(() -> HostKeys.verify(file, router, newKey(), false)).isInstanceOf(HostKeyChangedException.class);
        }
        assertThat(KeyUtils.compareKeys(file.pinned(router).orElseThrow(), old)).isTrue();
    }
}

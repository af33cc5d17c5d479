package org.fleetflash.core.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.fleetflash.core.device.FileHostKeyStore;
import org.fleetflash.core.device.HostKeys;
import org.fleetflash.core.device.RepinPermit;
import org.fleetflash.core.device.SshTarget;
import org.fleetflash.core.settings.DataDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Host keys kept in the history: the known_hosts import, first-use pins, and a change allowed only inside an upgrade. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HistoryHostKeyStoreTest {

    private static final SshTarget R1 = SshTarget.parse("192.0.2.1");
    private static final SshTarget R2 = SshTarget.parse("192.0.2.2:2222");
    private static final SshTarget R3 = SshTarget.parse("[2001:db8::3]:22");

    @TempDir
    Path dir;

    private DataDirectory data() {
        return DataDirectory.resolve(Optional.of(dir.resolve("data")), Map.of(), "Linux", dir);
    }

    static PublicKey newKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair().getPublic();
    }

    @Test
    void theKnownHostsFileOfEarlierVersionsIsImportedOnceAndNeverAgain() throws Exception {
        PublicKey k1 = newKey();
        PublicKey k2 = newKey();
        PublicKey k3 = newKey();
        FileHostKeyStore file = new FileHostKeyStore(data().knownHosts());
        file.pinIfAbsent(R1, k1);
        file.pinIfAbsent(R2, k2);
        file.pinIfAbsent(R3, k3);
        Files.writeString(file.file(), Files.readString(file.file()) + "|1|hashed= ssh-ed25519 AAAA\nnot a key line\n");

        try (History history = History.open(data())) {
            HistoryHostKeyStore keys = history.hostKeys();
            assertThat(KeyUtils.compareKeys(keys.pinned(R1).orElseThrow(), k1)).isTrue();
            assertThat(KeyUtils.compareKeys(keys.pinned(R2).orElseThrow(), k2)).isTrue();
            assertThat(KeyUtils.compareKeys(keys.pinned(R3).orElseThrow(), k3)).isTrue();
            assertThat(keys.pinned(SshTarget.parse("192.0.2.2"))).as("another port is another router").isEmpty();
            assertThat(keys.keyHistory(R1)).singleElement().satisfies(k -> {
                assertThat(k.pinnedBy()).isEqualTo("IMPORT");
                assertThat(k.fingerprint()).isEqualTo(HostKeys.fingerprint(k1));
            });
            assertThat(keys.forget(R1)).isTrue();
            assertThat(keys.importKnownHostsOnce(file.file())).isEqualTo(new HistoryHostKeyStore.ImportResult(false, 0, 0));
        }
        try (History history = History.open(data())) {
            assertThat(history.hostKeys().pinned(R1)).as("a forgotten key does not come back from the old file").isEmpty();
            assertThat(history.hostKeys().pinned(R2)).isPresent();
        }
        assertThat(Files.readString(data().knownHosts())).as("the old file is left as it was").contains("not a key line");
    }

    @Test
    void theFirstKeyPinnedStaysAndAChangeOutsideAnUpgradeIsNotRepinned() throws Exception {
        PublicKey first = newKey();
        PublicKey other = newKey();
        try (History history = History.open(data())) {
            HistoryHostKeyStore keys = history.hostKeys();
            assertThat(KeyUtils.compareKeys(keys.pinIfAbsent(R1, first), first)).isTrue();
            assertThat(KeyUtils.compareKeys(keys.pinIfAbsent(R1, other), first)).as("the first pin wins").isTrue();
            assertThat(keys.repinIfAllowed(R1, first, other)).isFalse();
            try (RepinPermit permit = keys.allowRepin(R2, "attempt-of-another-router")) {
                assertThat(keys.repinIfAllowed(R1, first, other)).as("a permit is for its router only").isFalse();
            }
            assertThat(KeyUtils.compareKeys(keys.pinned(R1).orElseThrow(), first)).isTrue();
            assertThat(keys.keyHistory(R1)).singleElement().satisfies(k -> assertThat(k.pinnedBy()).isEqualTo("FIRST_USE"));
            assertThat(keys.howToForget(R1)).contains("fleetflash history forget-host-key 192.0.2.1:22");
        }
    }

    @Test
    void aKeyThatChangesDuringAnUpgradeOfItsRouterIsRecordedOldToNewAndRepinned() throws Exception {
        PublicKey old = newKey();
        PublicKey fresh = newKey();
        PublicKey later = newKey();
        try (History history = History.open(data())) {
            HistoryHostKeyStore keys = history.hostKeys();
            keys.pinIfAbsent(R2, old);
            try (RepinPermit permit = keys.allowRepin(R2, "att-42")) {
                assertThat(keys.repinIfAllowed(R2, old, fresh)).isTrue();
            }
            assertThat(KeyUtils.compareKeys(keys.pinned(R2).orElseThrow(), fresh)).isTrue();
            List<HistoryHostKeyStore.PinnedKey> changes = keys.keyHistory(R2);
            assertThat(changes).hasSize(2);
            assertThat(changes.get(0).fingerprint()).isEqualTo(HostKeys.fingerprint(old));
            assertThat(changes.get(0).unpinnedBy()).contains("UPGRADE");
            assertThat(changes.get(0).unpinnedAt()).isPresent();
            assertThat(changes.get(1).fingerprint()).isEqualTo(HostKeys.fingerprint(fresh));
            assertThat(changes.get(1).pinnedBy()).isEqualTo("UPGRADE");
            assertThat(changes.get(1).attemptId()).contains("att-42");
            assertThat(changes.get(1).unpinnedAt()).isEmpty();

            assertThat(keys.repinIfAllowed(R2, fresh, later)).as("the permit ended with the attempt").isFalse();
            assertThat(KeyUtils.compareKeys(keys.pinned(R2).orElseThrow(), fresh)).isTrue();
        }
    }
}

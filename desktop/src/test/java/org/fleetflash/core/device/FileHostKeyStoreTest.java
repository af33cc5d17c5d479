package org.fleetflash.core.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileHostKeyStoreTest {

    @TempDir
    Path dir;

    static PublicKey newKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair().getPublic();
    }

    @Test
    void pinsPerHostAndPortInKnownHostsForm() throws Exception {
        FileHostKeyStore store = new FileHostKeyStore(dir.resolve("sub/known_hosts"));
        PublicKey a = newKey();
        PublicKey b = newKey();
        SshTarget on22 = new SshTarget("127.0.9.1", 22);
        SshTarget on2222 = new SshTarget("127.0.9.1", 2222);

        assertThat(store.pinIfAbsent(on22, a)).isEqualTo(a);
        assertThat(store.pinIfAbsent(on2222, b)).isEqualTo(b);

        List<String> lines = Files.readAllLines(store.file());
        assertThat(lines.get(0)).startsWith("# FleetFlash pinned SSH host keys");
        assertThat(lines.get(1)).startsWith("127.0.9.1 ecdsa-sha2-nistp256 AAAA");
        assertThat(lines.get(2)).startsWith("[127.0.9.1]:2222 ecdsa-sha2-nistp256 AAAA");
        FileHostKeyStore reopened = new FileHostKeyStore(store.file());
        assertThat(reopened.pinned(on22)).hasValueSatisfying(k -> assertThat(KeyUtils.compareKeys(k, a)).isTrue());
        assertThat(reopened.pinned(on2222)).hasValueSatisfying(k -> assertThat(KeyUtils.compareKeys(k, b)).isTrue());
        assertThat(reopened.pinned(new SshTarget("127.0.9.2", 22))).isEmpty();
    }

    @Test
    void writesPinsOwnerOnlyEvenOverAnOlderWorldReadableFile() throws Exception {
        Path file = dir.resolve("data/known_hosts");
        FileHostKeyStore store = new FileHostKeyStore(file);

        store.pinIfAbsent(new SshTarget("127.0.9.1", 22), newKey());

        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(dir.resolve("data/known_hosts.lock")))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(dir.resolve("data"))).isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));

        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        store.pinIfAbsent(new SshTarget("127.0.9.2", 22), newKey());
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void keepsTheFirstPinAndForgetsOnRequest() throws Exception {
        FileHostKeyStore store = new FileHostKeyStore(dir.resolve("known_hosts"));
        SshTarget t = new SshTarget("::1", 2200);
        PublicKey first = newKey();

        store.pinIfAbsent(t, first);
        assertThat(KeyUtils.compareKeys(store.pinIfAbsent(t, newKey()), first)).isTrue();
        assertThat(Files.readString(store.file())).contains("[::1]:2200 ecdsa-sha2-nistp256 ");

        assertThat(store.forget(t)).isTrue();
        assertThat(store.forget(t)).isFalse();
        assertThat(store.pinned(t)).isEmpty();
        assertThat(store.howToForget(t)).isEqualTo("delete the line starting with [::1]:2200 in " + store.file());
    }

    @Test
    void keepsLinesItDoesNotUnderstand() throws Exception {
        Path file = Files.writeString(dir.resolve("known_hosts"), "# mine\n|1|hashed|entry ssh-rsa AAAA\n");
        FileHostKeyStore store = new FileHostKeyStore(file);

        store.pinIfAbsent(SshTarget.of("router"), newKey());

        assertThat(Files.readAllLines(file)).hasSize(3).startsWith("# mine", "|1|hashed|entry ssh-rsa AAAA");
    }

    @Test
    void reportsDamagedPinWithWhatToDo() throws Exception {
        Path file = Files.writeString(dir.resolve("known_hosts"), "router ecdsa-sha2-nistp256 not-base64!\n");

        assertThatThrownBy(() -> new FileHostKeyStore(file).pinned(SshTarget.of("router")))
                .hasMessageContaining("The pinned host key of router:22 in " + file + " is damaged")
                .hasMessageContaining("delete the line starting with router in " + file);
    }

    @Test
    void manyThreadsPinningAtOnceLoseNothingAndAgreeOnOneKeyPerRouter() throws Exception {
        FileHostKeyStore store = new FileHostKeyStore(dir.resolve("known_hosts"));
        int routers = 20;
        List<PublicKey> keys = new ArrayList<>();
        for (int i = 0; i < 2 * routers; i++) {
            keys.add(newKey());
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<PublicKey>> results = new ArrayList<>();
        try {
            for (int i = 0; i < 2 * routers; i++) {
                SshTarget t = new SshTarget("127.0.9." + (i % routers + 1), 22);
                PublicKey k = keys.get(i);
                // two stores on one file, as two windows of the application would have
                FileHostKeyStore s = i % 2 == 0 ? store : new FileHostKeyStore(store.file());
                results.add(pool.submit(() -> {
                    go.await();
                    return s.pinIfAbsent(t, k);
                }));
            }
            go.countDown();
            for (int r = 0; r < routers; r++) {
                PublicKey a = results.get(r).get(10, TimeUnit.SECONDS);
                PublicKey b = results.get(r + routers).get(10, TimeUnit.SECONDS);
                assertThat(KeyUtils.compareKeys(a, b)).as("both callers for router %d see the same pin", r).isTrue();
                assertThat(KeyUtils.compareKeys(store.pinned(new SshTarget("127.0.9." + (r + 1), 22)).orElseThrow(), a)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
        Set<String> hosts = new HashSet<>();
        Files.readAllLines(store.file()).stream().filter(l -> !l.startsWith("#")).forEach(l -> assertThat(hosts.add(l.split(" ")[0])).isTrue());
        assertThat(hosts).hasSize(routers);
    }
}

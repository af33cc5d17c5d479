package org.fleetflash.core.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.fleetflash.testsupport.ssh.TestProcesses;
import org.fleetflash.testsupport.ssh.TestSshServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Connecting and logging in to a real MINA SSH server on 127.0.0.1, and every way that can fail. */
class SshConnectIT {

    private static final String PASSWORD = "s3cret";
    private static final SshOptions OPTIONS = SshOptions.DEFAULTS.withConnectTimeout(Duration.ofSeconds(5))
            .withAuthTimeout(Duration.ofSeconds(5)).withCommandDeadline(Duration.ofSeconds(10));

    private static SshConnector connector;

    @TempDir
    Path dir;

    @BeforeAll
    static void startClient() {
        connector = SshConnector.start();
    }

    @AfterAll
    static void stopClient() {
        connector.close();
    }

    private TestSshServer.Builder server(String hostKeyName) {
        return TestSshServer.builder(dir.resolve(hostKeyName)).password(PASSWORD).workDir(dir);
    }

    private FileHostKeyStore store() {
        return new FileHostKeyStore(dir.resolve("known_hosts"));
    }

    @Test
    void pinsUnknownHostKeyWhenAllowedAndTrustsItOnTheNextConnection() throws Exception {
        try (TestSshServer sshd = server("key-a").start()) {
            try (DeviceSession s = connector.open(sshd.target(), Credentials.Password.of("root", PASSWORD), OPTIONS.withAcceptNewHostKey(true), store())) {
                assertThat(s.exec("echo hello").stdout()).isEqualTo("hello\n");
                assertThat(s.serverVersion()).startsWith("SSH-2.0-");
            }
            assertThat(Files.readString(store().file())).contains("[127.0.0.1]:" + sshd.port() + " ecdsa-sha2-");
            assertThat(store().pinned(sshd.target())).contains(sshd.hostKey());

            try (DeviceSession again = connector.open(sshd.target(), Credentials.Password.of("root", PASSWORD), OPTIONS, store())) {
                assertThat(again.exec("echo again").stdout()).isEqualTo("again\n");
            }
        }
    }

    @Test
    void refusesUnknownHostKeyWithoutAcceptShowingItsFingerprintAndHowToAccept() throws Exception {
        try (TestSshServer sshd = server("key-a").start()) {
            String fingerprint = opensshFingerprint(sshd);

            assertThatThrownBy(() -> connector.open(sshd.target(), Credentials.Password.of("root", PASSWORD), OPTIONS, store()))
                    .isInstanceOf(HostKeyUnknownException.class)
                    .hasMessageContaining("Router 127.0.0.1:" + sshd.port() + " is not known yet")
                    .hasMessageContaining(fingerprint)
                    .hasMessageContaining("--accept-new-host-key");
            assertThat(store().pinned(sshd.target())).isEmpty();
            assertThat(sshd.passwordsTried()).as("the password never reaches a router refused for its key").isZero();
        }
    }

    @Test
    void refusesChangedHostKeyEvenWhenAcceptingNewOnesShowingBothFingerprints() throws Exception {
        int port;
        String pinned;
        try (TestSshServer first = server("key-a").start()) {
            port = first.port();
            pinned = opensshFingerprint(first);
            connector.open(first.target(), Credentials.Password.of("root", PASSWORD), OPTIONS.withAcceptNewHostKey(true), store()).close();
        }
        try (TestSshServer reinstalled = server("key-b").port(port).start()) {
            String presented = opensshFingerprint(reinstalled);
            assertThat(presented).isNotEqualTo(pinned);

            assertThatThrownBy(() -> connector.open(reinstalled.target(), Credentials.Password.of("root", PASSWORD),
                    OPTIONS.withAcceptNewHostKey(true), store()))
                    .isInstanceOfSatisfying(HostKeyChangedException.class, e -> {
                        assertThat(e.pinnedFingerprint()).endsWith(pinned);
                        assertThat(e.presentedFingerprint()).endsWith(presented);
                    })
                    .hasMessageMatching("(?s).*has CHANGED: pinned ecdsa-sha2-nistp\\d+ " + Pattern.quote(pinned)
                            + ", presented ecdsa-sha2-nistp\\d+ " + Pattern.quote(presented) + "\\. .*")
                    .hasMessageContaining("Verify the router")
                    .hasMessageContaining("delete the line starting with [127.0.0.1]:" + port + " in " + store().file());
            assertThat(opensshFingerprintOf(store().pinned(reinstalled.target()).orElseThrow())).isEqualTo(pinned);
            assertThat(reinstalled.passwordsTried()).as("the password never reaches a router whose key changed").isZero();
        }
    }

    @Test
    void closesASessionWhoseRouterPresentsAnotherHostKeyAtARekey() throws Exception {
        try (TestSshServer sshd = server("key-a").start()) {
            PublicKey original = sshd.hostKey();
            try (DeviceSession s = connector.open(sshd.target(), Credentials.Password.of("root", PASSWORD), OPTIONS.withAcceptNewHostKey(true), store())) {
                assertThat(s.exec("echo before").stdout()).isEqualTo("before\n");
                sshd.presentAnotherKey();

                s.clientSession().reExchangeKeys().await(Duration.ofSeconds(10));

                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !s.clientSession().isOpen());
                assertThatThrownBy(() -> s.exec("echo after")).isInstanceOf(DeviceException.class);
            }
            assertThat(store().pinned(sshd.target())).as("the pin stays the first key").contains(original);
        }
    }

    @Test
    void refusesARouterThatPresentsAnotherKeyBeforeItsFirstIsChecked() throws Exception {
        try (TestSshServer sshd = server("key-a").start()) {
            // while the connecting thread pins the first key, the router re-keys with another one
            HostKeyStore racing = around(store(), call -> {
                if ("pinIfAbsent".equals(call)) {
                    org.apache.sshd.common.session.helpers.AbstractSession routerSide = sshd.onlySessionAfterItsKeyExchange();
                    try {
                        sshd.presentAnotherKey();
                    } catch (java.security.GeneralSecurityException e) {
                        throw new IOException(e);
                    }
                    routerSide.reExchangeKeys();
                    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> !routerSide.isOpen());
                }
            });

            assertThatThrownBy(() -> connector.open(sshd.target(), Credentials.Password.of("root", PASSWORD), OPTIONS.withAcceptNewHostKey(true),
                    racing)).isInstanceOf(SshHandshakeException.class).hasMessageContaining("presented a second host key")
                    .hasMessageContaining("nothing was sent to it");
            assertThat(sshd.passwordsTried()).as("no password for a session whose key changed under it").isZero();
        }
    }

    @Test
    void readsAndPinsHostKeysOnTheConnectingThreadNeverOnTheSshIoThread() throws Exception {
        // the client has one I/O thread for every session (decision 0028): a disk wait there would stall every router
        List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
        FileHostKeyStore file = store();
        HostKeyStore watched = around(file, call -> threads.add(Thread.currentThread().getName()));
        try (TestSshServer sshd = server("key-a").start()) {
            for (int i = 0; i < 2; i++) { // the first pins the key, the second finds it pinned
                try (DeviceSession s = connector.open(sshd.target(), Credentials.Password.of("root", PASSWORD),
                        OPTIONS.withAcceptNewHostKey(true), watched)) {
                    assertThat(s.exec("echo ok").stdout()).isEqualTo("ok\n");
                }
            }
            assertThat(file.pinned(sshd.target())).contains(sshd.hostKey());
        }
        assertThat(threads).as("the store's calls").hasSizeGreaterThanOrEqualTo(3)
                .allSatisfy(name -> assertThat(name).doesNotContain("-io-")).allMatch(Thread.currentThread().getName()::equals);
    }

    @Test
    void aServerThatGoesAwayDuringTheLoginIsALostConnectionNotARefusedLogin() throws Exception {
        try (TestSshServer sshd = server("key-a").algorithms(s -> s.setPasswordAuthenticator((user, password, session) -> {
            session.close(true); // like a router whose sshd stops for its reroot while we log in
            return false;
        })).start()) {
            assertThatThrownBy(() -> connector.open(sshd.target(), Credentials.Password.of("root", PASSWORD), OPTIONS.withAcceptNewHostKey(true),
                    store()))
                    .isInstanceOfSatisfying(DeviceUnreachableException.class,
                            e -> assertThat(e.reason()).isEqualTo(DeviceUnreachableException.Reason.CONNECTION_LOST))
                    .hasMessageContaining("dropped while logging in");
        }
    }

    @Test
    void refusesWrongPasswordWithAdvice() throws Exception {
        try (TestSshServer sshd = server("key-a").start()) {
            assertThatThrownBy(() -> connector.open(sshd.target(), Credentials.Password.of("root", "wrong"), OPTIONS.withAcceptNewHostKey(true), store()))
                    .isInstanceOf(AuthenticationFailedException.class)
                    .hasMessage("Router 127.0.0.1:" + sshd.port() + " refused the login as 'root': check the user and password.");
        }
    }

    @Test
    void logsInWithPrivateKeyAndPassphrase() throws Exception {
        Path plain = dir.resolve("id_plain");
        Path locked = dir.resolve("id_locked");
        var plainPub = TestProcesses.sshKeygen(plain, "");
        var lockedPub = TestProcesses.sshKeygen(locked, "open sesame");
        try (TestSshServer sshd = server("key-a").password(null).authorizedKey(plainPub).authorizedKey(lockedPub).start()) {
            SshOptions accept = OPTIONS.withAcceptNewHostKey(true);
            try (DeviceSession s = connector.open(sshd.target(), new Credentials.PrivateKey("root", plain), accept, store())) {
                assertThat(s.exec("echo key").stdout()).isEqualTo("key\n");
            }
            try (DeviceSession s = connector.open(sshd.target(), new Credentials.PrivateKey("root", locked, "open sesame".toCharArray()), accept, store())) {
                assertThat(s.exec("echo locked key").stdout()).isEqualTo("locked key\n");
            }
        }
    }

    @Test
    void refusesKeyTheRouterDoesNotTrustAndReportsWrongPassphrase() throws Exception {
        Path trusted = dir.resolve("id_trusted");
        Path stranger = dir.resolve("id_stranger");
        var trustedPub = TestProcesses.sshKeygen(trusted, "pass phrase");
        TestProcesses.sshKeygen(stranger, "");
        try (TestSshServer sshd = server("key-a").password(null).authorizedKey(trustedPub).start()) {
            SshOptions accept = OPTIONS.withAcceptNewHostKey(true);
            assertThatThrownBy(() -> connector.open(sshd.target(), new Credentials.PrivateKey("root", stranger), accept, store()))
                    .isInstanceOf(AuthenticationFailedException.class)
                    .hasMessageContaining("refused the login as 'root'")
                    .hasMessageContaining("trusts the key " + stranger)
                    .hasMessageContaining("authorized_keys");
            assertThatThrownBy(() -> connector.open(sshd.target(), new Credentials.PrivateKey("root", trusted, "wrong".toCharArray()), accept, store()))
                    .isInstanceOf(CredentialsUnusableException.class)
                    .hasMessageStartingWith("The key " + trusted + " is protected by a passphrase that does not match: ");
            assertThatThrownBy(() -> connector.open(sshd.target(), new Credentials.PrivateKey("root", dir.resolve("missing")), accept, store()))
                    .isInstanceOf(CredentialsUnusableException.class)
                    .hasMessage("The private key file " + dir.resolve("missing") + " does not exist: check the path.");
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} {1} key, passphrase \"{2}\"")
    @org.junit.jupiter.params.provider.CsvSource({
        "ed25519, '',    ''",
        "ed25519, '',    open sesame",
        "rsa,     '',    open sesame",
        "rsa,     PEM,   open sesame",
        "rsa,     PKCS8, open sesame",
        "ecdsa,   '',    open sesame",
        "ecdsa,   PEM,   open sesame",
        "ecdsa,   PKCS8, open sesame",
    })
    void logsInWithTheKeysTechniciansHave(String type, String format, String passphrase) throws Exception {
        Path key = dir.resolve("id_" + type);
        var pub = TestProcesses.sshKeygen(key, passphrase, type, format);
        KeyPassphrase pp = passphrase.isEmpty() ? KeyPassphrase.NONE : KeyPassphrase.of(passphrase.toCharArray(), "the test");
        try (TestSshServer sshd = server("key-a").password(null).authorizedKey(pub).start();
                DeviceSession s = connector.open(sshd.target(), new Credentials.PrivateKey("root", key, pp), OPTIONS.withAcceptNewHostKey(true),
                        store())) {
            assertThat(s.exec("echo in").stdout()).isEqualTo("in\n");
        }
    }

    @Test
    void asksForAPassphraseOnlyWhenTheKeyHasOneAndOnlyOnce() throws Exception {
        Path plain = dir.resolve("id_plain");
        Path locked = dir.resolve("id_locked");
        var plainPub = TestProcesses.sshKeygen(plain, "", "ed25519", "");
        var lockedPub = TestProcesses.sshKeygen(locked, "open sesame", "ed25519", "");
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        KeyPassphrase prompt = KeyPassphrase.askedWhenNeeded("the terminal prompt", () -> {
            asked.incrementAndGet();
            return java.util.Optional.of("open sesame".toCharArray());
        });
        try (TestSshServer sshd = server("key-a").password(null).authorizedKey(plainPub).authorizedKey(lockedPub).start()) {
            SshOptions accept = OPTIONS.withAcceptNewHostKey(true);
            connector.open(sshd.target(), new Credentials.PrivateKey("root", plain, prompt), accept, store()).close();
            assertThat(asked).hasValue(0);

            Credentials lockedKey = new Credentials.PrivateKey("root", locked, prompt);
            connector.open(sshd.target(), lockedKey, accept, store()).close();
            connector.open(sshd.target(), lockedKey, accept, store()).close();
            assertThat(asked).as("asked once, then remembered for the next login").hasValue(1);
        }
    }

    @Test
    void saysHowToGiveThePassphraseWhenNoneWasGiven() throws Exception {
        Path locked = dir.resolve("id_locked");
        var pub = TestProcesses.sshKeygen(locked, "open sesame", "ecdsa", "PEM");
        try (TestSshServer sshd = server("key-a").password(null).authorizedKey(pub).start()) {
            assertThatThrownBy(() -> connector.open(sshd.target(), new Credentials.PrivateKey("root", locked), OPTIONS.withAcceptNewHostKey(true), store()))
                    .isInstanceOf(CredentialsUnusableException.class)
                    .hasMessage("The key " + locked + " is protected by a passphrase, and none was given: put the passphrase in an "
                            + "environment variable and name it with --key-passphrase-env VAR, or run the command in a terminal to be "
                            + "asked for it.");
        }
    }

    @Test
    void refusesAKeyFileOthersCanReadWithTheExactFix() throws Exception {
        Path key = dir.resolve("id_shared");
        var pub = TestProcesses.sshKeygen(key, "", "ed25519", "");
        java.nio.file.Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        try (TestSshServer sshd = server("key-a").password(null).authorizedKey(pub).start()) {
            assertThatThrownBy(() -> connector.open(sshd.target(), new Credentials.PrivateKey("root", key), OPTIONS.withAcceptNewHostKey(true), store()))
                    .isInstanceOf(CredentialsUnusableException.class)
                    .hasMessage("The private key file " + key + " is open to other users of this computer (permissions rw-r--r--), "
                            + "so its secret may already be known: make it private with chmod 600 " + key + " and try again.");

            java.nio.file.Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            connector.open(sshd.target(), new Credentials.PrivateKey("root", key), OPTIONS.withAcceptNewHostKey(true), store()).close();
        }
    }

    @Test
    void refusesARouterThatSignsItsHostKeyOnlyWithSha1UnlessAllowedForIt() throws Exception {
        try (TestSshServer sshd = server("key-rsa").hostKeyAlgorithm("RSA")
                .algorithms(s -> s.setSignatureFactories(List.of(org.apache.sshd.common.signature.BuiltinSignatures.rsa))).start()) {
            SshOptions accept = OPTIONS.withAcceptNewHostKey(true);

            assertThatThrownBy(() -> connector.open(sshd.target(), Credentials.Password.of("root", PASSWORD), accept, store()))
                    .isInstanceOfSatisfying(LegacyAlgorithmsRefusedException.class, e -> assertThat(e.algorithms()).containsExactly("ssh-rsa"))
                    .hasMessageContaining("Router " + sshd.target() + " (SSH-2.0-")
                    .hasMessageContaining("offers only legacy SSH algorithms for host key signature: ssh-rsa (RSA signatures with SHA-1)")
                    .hasMessageEndingWith("allow them for the routers of this command with --allow-legacy-ssh.");
            SshTarget another = new SshTarget("127.0.0.9", sshd.port());
            assertThatThrownBy(() -> connector.open(sshd.target(), Credentials.Password.of("root", PASSWORD),
                    accept.withLegacyAlgorithms(LegacyAlgorithms.forRouters(List.of(another))), store()))
                    .as("allowed for another router only").isInstanceOf(LegacyAlgorithmsRefusedException.class);
            assertThat(store().pinned(sshd.target())).isEmpty();

            try (DeviceSession s = connector.open(sshd.target(), Credentials.Password.of("root", PASSWORD),
                    accept.withLegacyAlgorithms(LegacyAlgorithms.forRouters(List.of(sshd.target()))), store())) {
                assertThat(s.exec("echo legacy").stdout()).isEqualTo("legacy\n");
            }
        }
    }

    @Test
    void refusesLegacyKeyExchangeCiphersAndMacsUnlessAllowed() throws Exception {
        try (TestSshServer sshd = server("key-a").algorithms(s -> {
            s.setKeyExchangeFactories(org.apache.sshd.common.NamedFactory.setUpTransformedFactories(false,
                    List.of(org.apache.sshd.common.kex.BuiltinDHFactories.dhg14), org.apache.sshd.server.ServerBuilder.DH2KEX));
            s.setCipherFactories(List.of(org.apache.sshd.common.cipher.BuiltinCiphers.tripledescbc));
            s.setMacFactories(List.of(org.apache.sshd.common.mac.BuiltinMacs.hmacsha1));
        }).start()) {
            SshOptions accept = OPTIONS.withAcceptNewHostKey(true);

            assertThatThrownBy(() -> connector.open(sshd.target(), Credentials.Password.of("root", PASSWORD), accept, store()))
                    .isInstanceOfSatisfying(LegacyAlgorithmsRefusedException.class, e -> assertThat(e.algorithms())
                            .containsExactly("diffie-hellman-group14-sha1", "3des-cbc", "hmac-sha1"))
                    .hasMessageContaining("key exchange: diffie-hellman-group14-sha1 (Diffie-Hellman with SHA-1); cipher: 3des-cbc "
                            + "(triple DES); MAC: hmac-sha1 (HMAC with SHA-1)")
                    .hasMessageContaining("--allow-legacy-ssh");

            try (DeviceSession s = connector.open(sshd.target(), Credentials.Password.of("root", PASSWORD),
                    accept.withLegacyAlgorithms(LegacyAlgorithms.forEveryRouter()), store())) {
                assertThat(s.exec("echo old").stdout()).isEqualTo("old\n");
            }
        }
    }

    @Test
    void speaksModernAlgorithmsToAnRsaOrEd25519HostByDefault() throws Exception {
        TestProcesses.sshKeygen(dir.resolve("key-ed25519"), "", "ed25519", "");
        // both listen at once: one after the other, the second could get the first one's ephemeral port, where the
        // first one's key is pinned by then
        try (TestSshServer rsa = server("key-rsa").hostKeyAlgorithm("RSA").start();
                TestSshServer ed25519 = server("key-ed25519").hostKeyAlgorithm("file").start()) {
            for (TestSshServer sshd : List.of(rsa, ed25519)) {
                try (DeviceSession s = connector.open(sshd.target(), Credentials.Password.of("root", PASSWORD),
                        OPTIONS.withAcceptNewHostKey(true), store())) {
                    assertThat(s.exec("echo modern").stdout()).isEqualTo("modern\n");
                }
            }
        }
        assertThat(Files.readString(store().file())).contains(" ssh-rsa ").contains(" ssh-ed25519 ");
    }

    @Test
    void reportsClosedPortClearlyAndQuickly() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        SshTarget closed = new SshTarget("127.0.0.1", port);
        long start = System.nanoTime();

        assertThatThrownBy(() -> connector.open(closed, Credentials.Password.of("root", PASSWORD), OPTIONS, store()))
                .isInstanceOfSatisfying(DeviceUnreachableException.class, e -> assertThat(e.reason()).isEqualTo(DeviceUnreachableException.Reason.REFUSED))
                .hasMessage("Router 127.0.0.1 refused the connection on port " + port
                        + ": nothing listens there. Check the address and port, and that sshd runs on the router.");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(OPTIONS.connectTimeout());
    }

    @Test
    void reportsRouterThatNeverAnswersTheConnectAsTimedOut() throws Exception {
        // A listener that never accepts, with its backlog full: Linux then drops further SYNs, like a router that is off.
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            List<Socket> queued = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    Socket s = new Socket();
                    try {
                        s.connect(new java.net.InetSocketAddress("127.0.0.1", full.getLocalPort()), 500);
                        queued.add(s);
                    } catch (java.net.SocketTimeoutException e) {
                        s.close();
                        break;
                    }
                }
                SshTarget off = new SshTarget("127.0.0.1", full.getLocalPort());
                long start = System.nanoTime();

                assertThatThrownBy(() -> connector.open(off, Credentials.Password.of("root", PASSWORD), OPTIONS.withConnectTimeout(Duration.ofSeconds(1)), store()))
                        .isInstanceOfSatisfying(DeviceUnreachableException.class,
                                e -> assertThat(e.reason()).isEqualTo(DeviceUnreachableException.Reason.TIMED_OUT))
                        .hasMessage("Router " + off + " did not answer within 1 s while connecting: check that it is powered on and on this "
                                + "network (ping it), and that no firewall drops port " + off.port() + ".");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(3));
            } finally {
                for (Socket s : queued) {
                    s.close();
                }
            }
        }
    }

    @Test
    void talksToManyRoutersAtOncePinningEachKeyOnce() throws Exception {
        int routers = 6;
        List<TestSshServer> servers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(routers);
        try {
            for (int i = 0; i < routers; i++) {
                servers.add(server("key-" + i).host("127.0.0." + (i + 2)).start());
            }
            List<Future<String>> answers = new ArrayList<>();
            for (TestSshServer sshd : servers) {
                answers.add(pool.submit(() -> {
                    try (DeviceSession s = connector.open(sshd.target(), Credentials.Password.of("root", PASSWORD), OPTIONS.withAcceptNewHostKey(true), store())) {
                        return s.execChecked("echo " + DeviceSession.shellQuote(sshd.host()), Duration.ofSeconds(10)).stdout().strip();
                    }
                }));
            }
            for (int i = 0; i < routers; i++) {
                assertThat(answers.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(servers.get(i).host());
                assertThat(store().pinned(servers.get(i).target())).contains(servers.get(i).hostKey());
            }
            assertThat(Files.readAllLines(store().file())).filteredOn(l -> !l.startsWith("#")).hasSize(routers);
        } finally {
            pool.shutdownNow();
            for (TestSshServer s : servers) {
                s.close();
            }
        }
    }

    @Test
    void reportsSilentListenerAsNotSshWithinTheConnectTimeout() throws Exception {
        try (Listener silent = new Listener(null)) {
            SshOptions twoSeconds = OPTIONS.withConnectTimeout(Duration.ofSeconds(2));
            long start = System.nanoTime();

            assertThatThrownBy(() -> connector.open(silent.target(), Credentials.Password.of("root", PASSWORD), twoSeconds, store()))
                    .isInstanceOf(NotSshException.class)
                    .hasMessage(silent.target() + " accepted the TCP connection but sent no SSH greeting within 2 s: this port does not "
                            + "look like an SSH server. Check the port (SSH is usually 22), or whether the router is overloaded.");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(1900), Duration.ofSeconds(4));
        }
    }

    @Test
    void reportsAnotherProtocolAsNotSsh() throws Exception {
        try (Listener http = new Listener("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")) {
            assertThatThrownBy(() -> connector.open(http.target(), Credentials.Password.of("root", PASSWORD),
                    OPTIONS.withConnectTimeout(Duration.ofSeconds(2)), store()))
                    .isInstanceOf(NotSshException.class)
                    .hasMessageContaining(http.target() + " answered, but not with SSH (it sent \"HTTP/1.1 400 Bad Request\")")
                    .hasMessageContaining("Check the port");
        }
    }

    @Test
    void reportsListenerThatHangsUpAtOnceAsNotSsh() throws Exception {
        try (Listener hangUp = new Listener("", true)) {
            assertThatThrownBy(() -> connector.open(hangUp.target(), Credentials.Password.of("root", PASSWORD), OPTIONS, store()))
                    .isInstanceOf(NotSshException.class)
                    .hasMessageStartingWith(hangUp.target() + " closed the connection without sending an SSH greeting: its SSH server "
                            + "may refuse this computer (hosts.allow, too many connections)");
        }
    }

    private String opensshFingerprint(TestSshServer sshd) throws IOException, InterruptedException {
        return opensshFingerprintOf(sshd.hostKey());
    }

    private String opensshFingerprintOf(java.security.PublicKey key) throws IOException, InterruptedException {
        Path pub = Files.createTempFile(dir, "host", ".pub");
        Files.writeString(pub, PublicKeyEntry.toString(key) + "\n");
        return TestProcesses.opensshFingerprint(pub);
    }

    /** A TCP listener on 127.0.0.1 that accepts, optionally writes a greeting, and then never speaks again. */
    /** What a test does before a call of the store ({@code "pinned"} or {@code "pinIfAbsent"}) goes through. */
    @FunctionalInterface
    private interface BeforeCall {
        void run(String call) throws IOException;
    }

    /** {@code store}, with {@code before} run ahead of each lookup and pin. */
    private static HostKeyStore around(HostKeyStore store, BeforeCall before) {
        return new ForwardingHostKeyStore(store) {
            @Override
            public Optional<PublicKey> pinned(SshTarget target) throws IOException {
                before.run("pinned");
                return super.pinned(target);
            }

            @Override
            public PublicKey pinIfAbsent(SshTarget target, PublicKey key) throws IOException {
                before.run("pinIfAbsent");
                return super.pinIfAbsent(target, key);
            }
        };
    }

    private static final class Listener implements AutoCloseable {
        private final ServerSocket socket;
        private final List<Socket> accepted = new ArrayList<>();
        private final CompletableFuture<Void> acceptor;

        Listener(String greeting) throws IOException {
            this(greeting, false);
        }

        Listener(String greeting, boolean hangUp) throws IOException {
            socket = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"));
            socket.setSoTimeout(10_000);
            acceptor = CompletableFuture.runAsync(() -> {
                try {
                    Socket s = socket.accept();
                    synchronized (accepted) {
                        accepted.add(s);
                    }
                    if (greeting != null) {
                        OutputStream out = s.getOutputStream();
                        out.write(greeting.getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                    if (hangUp) {
                        s.close();
                    }
                } catch (IOException e) {
                    // closed by the test, or nobody came within 10 s
                }
            });
        }

        SshTarget target() {
            return new SshTarget("127.0.0.1", socket.getLocalPort());
        }

        @Override
        public void close() throws IOException {
            socket.close();
            acceptor.orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).exceptionally(t -> null).join();
            synchronized (accepted) {
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }
}

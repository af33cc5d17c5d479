package org.fleetflash.testsupport.ssh;

import org.fleetflash.agent.sim.ExecSpec;
import org.fleetflash.agent.sim.SandboxCommandFactory;
import org.fleetflash.agent.ssh.SshIoThreads;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.fleetflash.core.device.SshTarget;

/**
 * A real MINA SSH server on a loopback address for integration tests: password and public-key login,
 * commands run by {@code /bin/sh -c} (the simulator's {@link SandboxCommandFactory}), host key kept in a file so that a
 * restart with the same file presents the same key and another file a different one.
 */
public final class TestSshServer implements AutoCloseable {

    private final SshServer server;
    private final ExecutorService pumps;
    private final KeyPairProvider hostKeys;
    private final AtomicInteger passwordsTried;
    private final java.util.concurrent.atomic.AtomicReference<java.security.KeyPair> replacement;

    private TestSshServer(SshServer server, ExecutorService pumps, KeyPairProvider hostKeys, AtomicInteger passwordsTried,
            java.util.concurrent.atomic.AtomicReference<java.security.KeyPair> replacement) {
        this.server = server;
        this.pumps = pumps;
        this.hostKeys = hostKeys;
        this.passwordsTried = passwordsTried;
        this.replacement = replacement;
    }

    /**
     * From now on presents another host key of the same curve (an EC host key only), as a man in the middle taking
     * over would: the key exchange itself still works, only the key differs. Returns the new public key.
     */
    public PublicKey presentAnotherKey() throws java.security.GeneralSecurityException {
        java.security.KeyPairGenerator generator = org.apache.sshd.common.util.security.SecurityUtils.getKeyPairGenerator("EC");
        generator.initialize(((java.security.interfaces.ECPublicKey) hostKey()).getParams());
        java.security.KeyPair other = generator.generateKeyPair();
        replacement.set(other);
        return other.getPublic();
    }

    /** The server's side of its only session, once that session's key exchange has ended. */
    public org.apache.sshd.common.session.helpers.AbstractSession onlySessionAfterItsKeyExchange() {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> server.getActiveSessions().size() == 1
                && ((org.apache.sshd.common.session.helpers.AbstractSession) server.getActiveSessions().get(0)).getKexState()
                        == org.apache.sshd.common.kex.KexState.DONE);
        return (org.apache.sshd.common.session.helpers.AbstractSession) server.getActiveSessions().get(0);
    }

    /** Starts describing a server whose host key lives in {@code hostKeyFile} (generated when missing). */
    public static Builder builder(Path hostKeyFile) {
        return new Builder(hostKeyFile);
    }

    public String host() {
        return server.getHost();
    }

    public int port() {
        return server.getPort();
    }

    /** Where clients connect. */
    public SshTarget target() {
        return new SshTarget(host(), port());
    }

    /** How many passwords clients have sent this server so far, right or wrong. */
    public int passwordsTried() {
        return passwordsTried.get();
    }

    /** The public host key this server presents. */
    public PublicKey hostKey() {
        try {
            return replacement.get() != null ? replacement.get().getPublic() : hostKeys.loadKeys(null).iterator().next().getPublic();
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            server.stop(true);
        } finally {
            pumps.shutdownNow();
        }
    }

    /** Configuration of a {@link TestSshServer}. */
    public static final class Builder {
        private final Path hostKeyFile;
        private String host = "127.0.0.1";
        private int port;
        private String user = "root";
        private String password;
        private final List<PublicKey> authorizedKeys = new ArrayList<>();
        private Path workDir = Path.of(System.getProperty("java.io.tmpdir"));
        private final Map<String, String> environment = new LinkedHashMap<>(Map.of("PATH", "/usr/bin:/bin", "LC_ALL", "C"));
        private String hostKeyAlgorithm = "EC";
        private java.util.function.Consumer<SshServer> algorithms = s -> { };

        private Builder(Path hostKeyFile) {
            this.hostKeyFile = hostKeyFile;
        }

        /** A loopback address (127.0.0.0/8 only: tests never listen elsewhere). */
        public Builder host(String loopbackHost) {
            try {
                if (!InetAddress.getByName(loopbackHost).isLoopbackAddress()) {
                    throw new IllegalArgumentException("Test servers bind only to loopback addresses, not " + loopbackHost);
                }
            } catch (java.net.UnknownHostException e) {
                throw new IllegalArgumentException(e);
            }
            this.host = loopbackHost;
            return this;
        }

        /** A fixed port (e.g. to restart a server where it was); 0, the default, picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder user(String user) {
            this.user = user;
            return this;
        }

        /** Accept this password for the user. */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /** Accept this public key for the user. */
        public Builder authorizedKey(PublicKey key) {
            authorizedKeys.add(key);
            return this;
        }

        /** The directory commands run in (also their HOME). */
        public Builder workDir(Path dir) {
            this.workDir = dir;
            return this;
        }

        /** PATH of the commands (default {@code /usr/bin:/bin}). */
        public Builder path(String path) {
            environment.put("PATH", path);
            return this;
        }

        /**
         * The host key's algorithm for a new key file: "EC" (the default) or "RSA"; "file" uses the existing OpenSSH
         * key file as it is (e.g. an ed25519 key made by ssh-keygen).
         */
        public Builder hostKeyAlgorithm(String algorithm) {
            this.hostKeyAlgorithm = algorithm;
            return this;
        }

        /**
         * Restricts what the server offers, e.g. {@code s -> s.setSignatureFactories(List.of(BuiltinSignatures.rsa))}
         * for a server that signs its host key only with SHA-1.
         */
        public Builder algorithms(java.util.function.Consumer<SshServer> restrict) {
            this.algorithms = restrict;
            return this;
        }

        public Builder env(String name, String value) {
            environment.put(name, value);
            return this;
        }

        public TestSshServer start() throws IOException {
            SshServer server = SshServer.setUpDefaultServer();
            server.setHost(host);
            server.setPort(port);
            KeyPairProvider keys;
            if ("file".equals(hostKeyAlgorithm)) {
                keys = new FileKeyPairProvider(hostKeyFile);
            } else {
                SimpleGeneratorHostKeyProvider generated = new SimpleGeneratorHostKeyProvider(hostKeyFile);
                generated.setAlgorithm(hostKeyAlgorithm);
                if ("RSA".equals(hostKeyAlgorithm)) {
                    generated.setKeySize(2048);
                }
                keys = generated;
            }
            java.util.concurrent.atomic.AtomicReference<java.security.KeyPair> replacement = new java.util.concurrent.atomic.AtomicReference<>();
            KeyPairProvider original = keys;
            server.setKeyPairProvider(session -> replacement.get() != null ? List.of(replacement.get()) : original.loadKeys(session));
            String u = user;
            String pw = password;
            List<PublicKey> authorized = List.copyOf(authorizedKeys);
            AtomicInteger tried = new AtomicInteger();
            server.setPasswordAuthenticator((name, given, session) -> {
                tried.incrementAndGet();
                return pw != null && u.equals(name) && pw.equals(given);
            });
            server.setKeyboardInteractiveAuthenticator(null);
            server.setPublickeyAuthenticator((name, key, session) -> u.equals(name)
                    && authorized.stream().anyMatch(k -> KeyUtils.compareKeys(k, key)));
            AtomicInteger n = new AtomicInteger();
            ExecutorService pumps = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "test-sshd-pump-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            Map<String, String> env = new LinkedHashMap<>(environment);
            env.putIfAbsent("HOME", workDir.toString());
            // The simulator's own command runner: /bin/sh -c with this directory and environment, flushed per chunk.
            ExecSpec spec = new ExecSpec(Path.of("/bin/sh"), workDir, env);
            server.setCommandFactory(new SandboxCommandFactory("test-sshd", () -> spec));
            algorithms.accept(server); // last, so that a test can also replace an authenticator
            SshIoThreads.start(server::start);
            return new TestSshServer(server, pumps, keys, tried, replacement);
        }
    }
}

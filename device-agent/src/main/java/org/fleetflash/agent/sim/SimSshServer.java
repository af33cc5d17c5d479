package org.fleetflash.agent.sim;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.mac.BuiltinMacs;
import org.apache.sshd.common.mac.Mac;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.RejectAllPublickeyAuthenticator;
import org.apache.sshd.server.config.keys.AuthorizedKeysAuthenticator;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.fleetflash.agent.ssh.SshIoThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SSH front of a simulated router: Apache MINA SSHD announcing itself as FreeBSD's OpenSSH, password
 * and public-key authentication, a host key generated once and kept in the router's state directory,
 * and every exec request run by the router's real shell inside its sandbox.
 */
public final class SimSshServer implements AutoCloseable {

    /** What FreeBSD 11's sshd says after {@code SSH-2.0-}. */
    public static final String IDENTIFICATION = "OpenSSH_7.2 FreeBSD-20160310";

    private static final Logger LOG = LoggerFactory.getLogger(SimSshServer.class);

    /** OpenSSH 7.2's key exchanges, in its order of preference (sshd_config(5) of FreeBSD 11). */
    static final List<BuiltinDHFactories> OPENSSH_7_2_KEX = List.of(BuiltinDHFactories.curve25519_libssh, BuiltinDHFactories.ecdhp256,
            BuiltinDHFactories.ecdhp384, BuiltinDHFactories.ecdhp521, BuiltinDHFactories.dhgex256, BuiltinDHFactories.dhg14);
    /** OpenSSH 7.2's ciphers, in its order. */
    static final List<NamedFactory<Cipher>> OPENSSH_7_2_CIPHERS = List.of(BuiltinCiphers.cc20p1305_openssh, BuiltinCiphers.aes128ctr,
            BuiltinCiphers.aes192ctr, BuiltinCiphers.aes256ctr, BuiltinCiphers.aes128gcm, BuiltinCiphers.aes256gcm);
    /** OpenSSH 7.2's MACs without the umac ones, in its order. */
    static final List<NamedFactory<Mac>> OPENSSH_7_2_MACS = List.of(BuiltinMacs.hmacsha256etm, BuiltinMacs.hmacsha512etm,
            BuiltinMacs.hmacsha1etm, BuiltinMacs.hmacsha256, BuiltinMacs.hmacsha512, BuiltinMacs.hmacsha1);

    /** Everything a simulated router's SSH server needs. */
    public record Config(String routerName, String address, int port, Path hostKeyFile, String user,
            String password, Optional<Path> authorizedKeys, Supplier<ExecSpec> exec) {
        public Config {
            Objects.requireNonNull(routerName, "routerName");
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(hostKeyFile, "hostKeyFile");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            Objects.requireNonNull(authorizedKeys, "authorizedKeys");
            Objects.requireNonNull(exec, "exec");
            if (!isLoopback(address)) {
                throw new IllegalArgumentException("A simulated router binds to loopback only (127.0.0.0/8), not " + address);
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("Port out of range: " + port);
            }
        }
    }

    private final Config config;
    private final SshServer sshd;
    private final SandboxCommandFactory commands;

    private SimSshServer(Config config, SshServer sshd, SandboxCommandFactory commands) {
        this.config = config;
        this.sshd = sshd;
        this.commands = commands;
    }

    /** Starts listening; fails with a clear message when the address or port is taken. */
    public static SimSshServer start(Config config) throws IOException {
        SshServer sshd = SshServer.setUpDefaultServer();
        sshd.setHost(config.address());
        sshd.setPort(config.port());
        CoreModuleProperties.SERVER_IDENTIFICATION.set(sshd, IDENTIFICATION);
        SimpleGeneratorHostKeyProvider keys = new SimpleGeneratorHostKeyProvider(config.hostKeyFile());
        // FreeBSD's rc.d/sshd makes a 256-bit ECDSA key (ssh-keygen's default): a P-521 one, MINA's default, costs the
        // laptop several times the CPU to check at every login, knock and return
        keys.setAlgorithm(KeyUtils.EC_ALGORITHM);
        keys.setKeySize(256);
        sshd.setKeyPairProvider(keys);
        // the algorithms FreeBSD 11's OpenSSH 7.2 offers, where MINA has them (it has no umac MACs): a client then
        // negotiates with the simulator what it would with the router, not MINA's post-quantum key exchanges, which
        // OpenSSH 7.2 does not know (sntrup761 came with 8.5, ML-KEM with 9.9) and which cost a client more CPU
        sshd.setKeyExchangeFactories(NamedFactory.setUpTransformedFactories(false, OPENSSH_7_2_KEX, ServerBuilder.DH2KEX));
        sshd.setCipherFactories(OPENSSH_7_2_CIPHERS);
        sshd.setMacFactories(OPENSSH_7_2_MACS);
        sshd.setPasswordAuthenticator((user, password, session) ->
                constantTimeEquals(config.user(), user) & constantTimeEquals(config.password(), password));
        if (config.authorizedKeys().isPresent() && Files.exists(config.authorizedKeys().get())) {
            AuthorizedKeysAuthenticator keyAuth = new AuthorizedKeysAuthenticator(config.authorizedKeys().get());
            sshd.setPublickeyAuthenticator((user, key, session) ->
                    config.user().equals(user) && keyAuth.authenticate(user, key, session));
        } else {
            sshd.setPublickeyAuthenticator(RejectAllPublickeyAuthenticator.INSTANCE);
        }
        sshd.setKeyboardInteractiveAuthenticator(null);
        SandboxCommandFactory commands = new SandboxCommandFactory(config.routerName(), config.exec());
        sshd.setCommandFactory(commands);
        sshd.setShellFactory(commands);
        try {
            SshIoThreads.start(sshd::start);
        } catch (IOException e) {
            throw new IOException("Cannot start simulated router " + config.routerName() + " on "
                    + config.address() + ":" + config.port() + ": " + e.getMessage()
                    + " (is the port in use? choose another with --port)", e);
        }
        LOG.info("Simulated router {} listening on {}:{}", config.routerName(), config.address(), sshd.getPort());
        return new SimSshServer(config, sshd, commands);
    }

    /** The port it listens on (the real one when 0 was asked for). */
    public int port() {
        return sshd.getPort();
    }

    public String address() {
        return config.address();
    }

    public boolean isRunning() {
        return sshd.isStarted();
    }

    /**
     * Completes once every session running a command or shell now has closed by itself, its client gone with all
     * its output (see {@link #close()} for the other way).
     */
    public CompletableFuture<Void> openSessionsClosed() {
        return commands.openSessionsClosed();
    }

    /** Stops listening and drops every session at once, as a router that goes away does. */
    @Override
    public void close() throws IOException {
        sshd.stop(true);
    }

    /** True for a literal loopback address; names are not resolved, so nothing is looked up on the network. */
    static boolean isLoopback(String address) {
        if (!address.matches("[0-9.]+") && !address.contains(":")) {
            return false;
        }
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean constantTimeEquals(String expected, String given) {
        if (given == null) {
            return false;
        }
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] a = md.digest(expected.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            byte[] b = md.digest(given.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return MessageDigest.isEqual(a, b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

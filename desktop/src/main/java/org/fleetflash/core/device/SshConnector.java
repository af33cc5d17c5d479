package org.fleetflash.core.device;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.fleetflash.agent.ssh.DirectIoServiceFactory;
import org.fleetflash.agent.ssh.SshIoThreads;
import org.fleetflash.core.text.Sanitize;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the one hermetic MINA SSH client of the application (no ~/.ssh, no ssh_config, no default keys,
 * host keys checked against a {@link HostKeyStore}) and opens {@link DeviceSession}s with it.
 * Create it once in the composition root and close it on exit.
 */
public final class SshConnector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SshConnector.class);
    private static final AttributeKey<Handshake> HANDSHAKE = new AttributeKey<>();

    private static final long MAX_KEY_FILE_BYTES = 1 << 20;

    private final SshClient client;
    private final ScheduledExecutorService deadlines;
    private final SshAlgorithms modern;
    private final SshAlgorithms withLegacy;

    private SshConnector() {
        client = SshClient.setUpDefaultClient();
        client.setIoServiceFactoryFactory(DirectIoServiceFactory.factory());
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.setServerKeyVerifier(SshConnector::verifyServerKey);
        modern = SshAlgorithms.modern(client.getKeyExchangeFactories(), client.getSignatureFactories(), client.getCipherFactories(),
                client.getMacFactories());
        withLegacy = modern.withLegacy();
        apply(client, modern);
        client.addSessionListener(new HandshakeListener());
        // its I/O threads where a known race at its stop stays off the uncaught-exception path
        SshIoThreads.startUnchecked(client::start);
        LOG.debug("SSH algorithms offered: {}; to routers allowed legacy ones, also {}", modern.names(), SshAlgorithms.LEGACY.keySet());
        AtomicInteger n = new AtomicInteger();
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "ff-ssh-deadline-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        deadlines = timer;
    }

    private static void apply(org.apache.sshd.common.kex.KexFactoryManager target, SshAlgorithms algorithms) {
        target.setKeyExchangeFactories(algorithms.kex());
        target.setSignatureFactories(algorithms.signatures());
        target.setCipherFactories(algorithms.ciphers());
        target.setMacFactories(algorithms.macs());
    }

    /** Starts a new connector with its own client; close it when the application ends. */
    public static SshConnector start() {
        return new SshConnector();
    }

    /**
     * Connects to the router, checks its host key and logs in, each step within its deadline.
     *
     * @throws DeviceUnreachableException     closed port, no route, timeout, unknown name
     * @throws NotSshException                the port does not speak SSH
     * @throws HostKeyUnknownException        first contact without {@code acceptNewHostKey}
     * @throws HostKeyChangedException        the pinned key differs from the presented one
     * @throws AuthenticationFailedException  wrong user, password or key
     * @throws CredentialsUnusableException   the key file cannot be read or decrypted
     * @throws SshHandshakeException          SSH spoken but the key exchange failed
     * @throws LegacyAlgorithmsRefusedException the router offers only legacy algorithms, not allowed for it
     */
    public DeviceSession open(SshTarget target, Credentials credentials, SshOptions options, HostKeyStore hostKeys) throws DeviceException {
        List<KeyPair> keys = loadKeys(target, credentials);
        Optional<PublicKey> pinned;
        try {
            pinned = hostKeys.pinned(target); // read here: the SSH I/O thread that checks the key must not wait on a disk
        } catch (IOException | RuntimeException e) {
            throw cannotCheckHostKey(target, e);
        }
        Handshake hs = new Handshake(target, hostKeys, pinned, options.acceptNewHostKey(), options.legacyAlgorithms().allows(target));
        long connectEnd = System.nanoTime() + options.connectTimeout().toNanos();
        ClientSession session = connectAndExchangeKeys(target, credentials.user(), options, hs, connectEnd);
        boolean ok = false;
        try {
            authenticate(session, target, credentials, keys, options, hs);
            ok = true;
            LOG.info("Logged in to {} as {} ({})", target, credentials.user(), hs.serverIdent);
            return new DeviceSession(target, session, options, deadlines, hs.serverIdent);
        } finally {
            if (!ok) {
                session.close(true);
            }
        }
    }

    private ClientSession connectAndExchangeKeys(SshTarget target, String user, SshOptions options, Handshake hs, long end)
            throws DeviceException {
        ConnectFuture cf;
        try {
            cf = client.connect(user, target.host(), target.port(), AttributeRepository.ofKeyValuePair(HANDSHAKE, hs));
        } catch (IOException | RuntimeException e) {
            throw DeviceUnreachableException.classify(target, e, options.connectTimeout());
        }
        boolean done;
        try {
            done = cf.await(remaining(end));
        } catch (IOException e) {
            throw DeviceUnreachableException.classify(target, e, options.connectTimeout());
        }
        if (!done) {
            cf.cancel();
            throw DeviceUnreachableException.timedOut(target, "connecting", options.connectTimeout());
        }
        if (cf.getException() != null || !cf.isConnected()) {
            Throwable failure = cf.getException() != null ? cf.getException() : new IOException("connection cancelled");
            if (failure instanceof org.apache.sshd.common.session.helpers.MissingAttachedSessionException) {
                // TCP connected, then the peer hung up before any SSH session existed: a port that is not (or will not be) SSH.
                throw handshakeFailure(target, hs, options, failure);
            }
            throw DeviceUnreachableException.classify(target, failure, options.connectTimeout());
        }
        ClientSession session = cf.getClientSession();
        try {
            hs.keysEstablished.get(remaining(end).toNanos(), TimeUnit.NANOSECONDS);
            // the key exchange's negotiation can end before the router's host key has been seen: wait for the key too
            hs.keyPresented.get(remaining(end).toNanos(), TimeUnit.NANOSECONDS);
            settleHostKey(session, hs);
            return session;
        } catch (TimeoutException e) {
            session.close(true);
            if (hs.serverIdent == null) {
                throw notSsh(target, hs, options.connectTimeout(), null);
            }
            throw new SshHandshakeException(target, "Router " + target + " (" + hs.serverIdent + ") did not complete the SSH key exchange within "
                    + Durations.human(options.connectTimeout()) + ": it may be overloaded; retry, or raise the connect timeout.", null);
        } catch (ExecutionException e) {
            session.close(true);
            throw handshakeFailure(target, hs, options, e.getCause());
        } catch (InterruptedException e) {
            session.close(true);
            Thread.currentThread().interrupt();
            throw DeviceUnreachableException.connectionLost(target, "connecting (interrupted)", e);
        }
    }

    private static DeviceException handshakeFailure(SshTarget target, Handshake hs, SshOptions options, Throwable cause) {
        if (hs.rejection != null) {
            return hs.rejection;
        }
        if (hs.serverIdent == null) {
            if (hs.firstLine == null) {
                return new NotSshException(target, target + " closed the connection without sending an SSH greeting: its SSH server "
                        + "may refuse this computer (hosts.allow, too many connections), or this port is not SSH. Check the port "
                        + "(SSH is usually 22) and retry in a moment.", hs.failure != null ? hs.failure : cause);
            }
            return notSsh(target, hs, options.connectTimeout(), hs.failure != null ? hs.failure : cause);
        }
        Throwable why = hs.failure != null ? hs.failure : cause;
        return new SshHandshakeException(target, "Router " + target + " (" + hs.serverIdent + ") speaks SSH but the key exchange failed ("
                + (why == null ? "connection closed" : Sanitize.line(why.getMessage(), 300)) + "): its SSH server may be too old or too "
                + "restricted for FleetFlash.", why);
    }

    private static NotSshException notSsh(SshTarget target, Handshake hs, Duration timeout, Throwable cause) {
        String firstLine = hs.firstLine;
        if (firstLine == null) {
            return new NotSshException(target, target + " accepted the TCP connection but sent no SSH greeting within "
                    + Durations.human(timeout) + ": this port does not look like an SSH server. Check the port (SSH is usually 22), "
                    + "or whether the router is overloaded.", cause);
        }
        String shown = Sanitize.line(firstLine.strip(), 80);
        return new NotSshException(target, target + " answered, but not with SSH (it sent \"" + shown
                + "\"): another service listens on this port. Check the port (SSH is usually 22).", cause);
    }

    private void authenticate(ClientSession session, SshTarget target, Credentials credentials, List<KeyPair> keys,
            SshOptions options, Handshake hs) throws DeviceException {
        // Java 17 has no pattern switch: the sealed interface has exactly these two cases.
        if (credentials instanceof Credentials.Password p) {
            session.addPasswordIdentity(new String(p.password()));
        } else {
            keys.forEach(session::addPublicKeyIdentity);
        }
        AuthFuture auth;
        boolean done;
        try {
            auth = session.auth();
            done = auth.await(options.authTimeout());
        } catch (IOException e) {
            throw handshakeOrLost(target, hs, options, e);
        }
        if (!done) {
            throw DeviceUnreachableException.timedOut(target, "logging in", options.authTimeout());
        }
        if (auth.isSuccess()) {
            return;
        }
        if (hs.rejection != null) {
            throw hs.rejection;
        }
        Throwable why = auth.getException();
        boolean refused = why == null || why instanceof org.apache.sshd.common.SshException se
                && se.getDisconnectCode() == org.apache.sshd.common.SshConstants.SSH2_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE;
        if (!refused || !session.isOpen() || session.isClosing()) {
            // The server went away during the login (a router going down for its reroot): not a refused login.
            throw DeviceUnreachableException.connectionLost(target, "logging in", why);
        }
        String advice = credentials instanceof Credentials.PrivateKey k
                ? "check the user, and that the router trusts the key " + k.keyFile() + " (its public half must be in the user's authorized_keys)"
                : "check the user and password";
        throw new AuthenticationFailedException(target, "Router " + target + " refused the login as '" + credentials.user() + "': "
                + advice + ".", auth.getException());
    }

    private static DeviceException handshakeOrLost(SshTarget target, Handshake hs, SshOptions options, IOException e) {
        if (hs.rejection != null) {
            return hs.rejection;
        }
        return DeviceUnreachableException.connectionLost(target, "logging in", e);
    }

    /**
     * Reads the private key before any network traffic, so a bad key file fails fast and clearly. The passphrase is
     * asked for only when the key is encrypted.
     */
    private static List<KeyPair> loadKeys(SshTarget target, Credentials credentials) throws CredentialsUnusableException {
        if (!(credentials instanceof Credentials.PrivateKey k)) {
            return List.of();
        }
        Path file = k.keyFile();
        byte[] bytes;
        try {
            Optional<String> exposed = SecretFiles.exposure(file, "The private key file");
            if (exposed.isPresent()) {
                throw new CredentialsUnusableException(target, exposed.get(), null);
            }
            if (Files.size(file) > MAX_KEY_FILE_BYTES) {
                throw new CredentialsUnusableException(target, "The file " + file + " is too large to be a private key: give the "
                        + "private key file (e.g. ~/.ssh/id_ed25519).", null);
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CredentialsUnusableException(target, "The private key file " + file + " does not exist: check the path.", e);
        } catch (CredentialsUnusableException e) {
            throw e;
        } catch (IOException e) {
            throw new CredentialsUnusableException(target, "The private key file " + file + " cannot be read (" + e.getMessage()
                    + "): check the path and its permissions.", e);
        }
        PassphraseAsker passwords = new PassphraseAsker(k.passphrase());
        List<KeyPair> pairs = new ArrayList<>();
        try {
            Iterable<KeyPair> loaded = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(file.toString()),
                    new ByteArrayInputStream(bytes), passwords);
            if (loaded != null) {
                loaded.forEach(pairs::add);
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            if (passwords.asked && passwords.given) {
                LOG.debug("Key {} did not open with the passphrase from {}", file, k.passphrase().source(), e);
                throw new CredentialsUnusableException(target, "The key " + file + " is protected by a passphrase that does not "
                        + "match: the one from " + k.passphrase().source() + " does not open it. Check it (ssh-keygen -y -f " + file
                        + " asks for it and shows whether it opens the key).", e);
            }
            if (passwords.asked) {
                throw new CredentialsUnusableException(target, "The key " + file + " is protected by a passphrase, and none was "
                        + "given: put the passphrase in an environment variable and name it with --key-passphrase-env VAR, or "
                        + "run the command in a terminal to be asked for it.", e);
            }
            throw new CredentialsUnusableException(target, "The private key file " + file + " cannot be used ("
                    + Sanitize.line(String.valueOf(e.getMessage()), 200) + "): give an OpenSSH or PEM private key (RSA, ECDSA or "
                    + "ed25519), not the .pub file.", e);
        }
        if (pairs.isEmpty()) {
            throw new CredentialsUnusableException(target, "The file " + file + " holds no private key: give the private key "
                    + "file (not the .pub one).", null);
        }
        return pairs;
    }

    /** Hands MINA the passphrase only when it asks (an encrypted key), and remembers whether it did. */
    private static final class PassphraseAsker implements FilePasswordProvider {
        private final KeyPassphrase source;
        volatile boolean asked;
        volatile boolean given;

        PassphraseAsker(KeyPassphrase source) {
            this.source = source;
        }

        @Override
        public String getPassword(org.apache.sshd.common.session.SessionContext session, NamedResource resourceKey, int retryIndex) {
            asked = true;
            Optional<char[]> pass = source.get();
            given = pass.isPresent();
            return pass.map(String::new).orElse(null);
        }
    }

    private static Duration remaining(long endNanos) {
        return Duration.ofNanos(Math.max(1_000_000, endNanos - System.nanoTime()));
    }

    /**
     * MINA's check of the router's host key, on an SSH I/O thread, where nothing may wait on a disk (decision 0028): a key
     * equal to the one pinned when the connection began passes here. Any other key (a first one to pin, or a changed one)
     * is left to {@link #settleHostKey} on the connecting thread, before anything is sent to the router. A later key
     * exchange of the same session (a re-key) must present the key the session was verified with.
     */
    private static boolean verifyServerKey(ClientSession session, java.net.SocketAddress remote, PublicKey key) {
        Handshake hs = handshake(session);
        if (hs == null) {
            LOG.error("Refusing host key of {}: session opened without FleetFlash context", remote);
            return false;
        }
        PublicKey settled = hs.settled;
        if (settled != null) {
            if (KeyUtils.compareKeys(settled, key)) {
                return true;
            }
            LOG.warn("Host key of {} changed within the session: verified {}, presented {}; closing it", hs.target,
                    HostKeys.fingerprint(settled), HostKeys.fingerprint(key));
            return false;
        }
        if (hs.pinnedAtStart.isPresent() && KeyUtils.compareKeys(hs.pinnedAtStart.get(), key)) {
            hs.settled = key;
            hs.keyPresented.complete(null);
            return true;
        }
        PublicKey earlier = hs.unsettled;
        if (earlier != null && !KeyUtils.compareKeys(earlier, key)) {
            LOG.warn("Router {} presented two host keys before its first was checked; closing the session", hs.target);
            hs.rejection = new SshHandshakeException(hs.target, "Router " + hs.target + " presented a second host key ("
                    + HostKeys.fingerprint(key) + ") while its first (" + HostKeys.fingerprint(earlier) + ") was being checked, so"
                    + " the connection was closed and nothing was sent to it. Something between this computer and the router may be"
                    + " answering for it: check the network, and the router's key on its console.", null);
            return false;
        }
        hs.unsettled = key;
        hs.keyPresented.complete(null);
        return true;
    }

    /**
     * Decides on a host key that {@link #verifyServerKey} left open, on the connecting thread, after the key exchange and
     * before the login: pins a new key, allows a changed one only where the store re-pins it, and otherwise closes the
     * session and throws, as {@link HostKeys#verify} decides.
     */
    private static void settleHostKey(ClientSession session, Handshake hs) throws DeviceException {
        PublicKey presented = hs.unsettled;
        if (presented == null) {
            if (hs.settled != null) {
                return; // equal to the key pinned when the connection began
            }
            session.close(true); // never reached: keyPresented completes only with one of the two
            throw new SshHandshakeException(hs.target, "Router " + hs.target + " completed the SSH key exchange without its host key"
                    + " being checked; nothing was sent to it. Try again.", null);
        }
        try {
            HostKeys.verify(hs.hostKeys, hs.target, presented, hs.acceptNew);
            hs.settled = presented;
        } catch (HostKeyUnknownException | HostKeyChangedException e) {
            session.close(true);
            throw e;
        } catch (IOException | RuntimeException e) {
            session.close(true);
            throw cannotCheckHostKey(hs.target, e);
        }
    }

    /** The store is this computer's (the history): a full disk fails the pin of a new key too. */
    private static SshHandshakeException cannotCheckHostKey(SshTarget target, Exception e) {
        return new SshHandshakeException(target, "Cannot check the host key of router " + target + ": this computer"
                + " could not read or record its pinned keys (" + e.getMessage() + "). Nothing was sent to the router; if this"
                + " computer's disk is full, free some space, then try again.", e);
    }

    private static Handshake handshake(Session session) {
        if (session instanceof ClientSession cs && cs.getConnectionContext() != null) {
            return cs.getConnectionContext().getAttribute(HANDSHAKE);
        }
        return null;
    }

    /** Stops the client; open sessions are closed. */
    @Override
    public void close() {
        deadlines.shutdownNow();
        client.stop();
    }

    /** What one connection attempt learned during the handshake, filled in by MINA's I/O threads. */
    static final class Handshake {
        final SshTarget target;
        final HostKeyStore hostKeys;
        /** The key pinned for the router when the connection began (read before it, on the connecting thread). */
        final Optional<PublicKey> pinnedAtStart;
        final boolean acceptNew;
        final boolean legacyAllowed;
        final CompletableFuture<Void> keysEstablished = new CompletableFuture<>();
        /** Completed when the router's host key has been presented to {@link #verifyServerKey} and left to decide or passed. */
        final CompletableFuture<Void> keyPresented = new CompletableFuture<>();
        volatile String serverIdent;
        volatile String firstLine;
        volatile Throwable failure;
        volatile DeviceException rejection;
        /** A key the router presented that only the connecting thread can decide on (to pin, or changed), or null. */
        volatile PublicKey unsettled;
        /** The key this session was verified with, or null while it is not. */
        volatile PublicKey settled;

        Handshake(SshTarget target, HostKeyStore hostKeys, Optional<PublicKey> pinnedAtStart, boolean acceptNew, boolean legacyAllowed) {
            this.target = target;
            this.hostKeys = hostKeys;
            this.pinnedAtStart = pinnedAtStart;
            this.acceptNew = acceptNew;
            this.legacyAllowed = legacyAllowed;
        }
    }

    /** Feeds the per-connection {@link Handshake} from session events, and gives each session its algorithms. */
    private final class HandshakeListener implements SessionListener {
        @Override
        public void sessionCreated(Session session) {
            // Called before the session sends its key exchange proposal: the per-router algorithm policy applies here.
            Handshake hs = handshake(session);
            if (hs != null && hs.legacyAllowed) {
                apply((ClientSession) session, withLegacy);
                LOG.info("Offering legacy SSH algorithms to {} as allowed", hs.target);
            }
        }

        @Override
        public void sessionPeerIdentificationLine(Session session, String line, List<String> extraLines) {
            Handshake hs = handshake(session);
            if (hs != null && hs.firstLine == null) {
                hs.firstLine = line;
            }
        }

        @Override
        public void sessionPeerIdentificationReceived(Session session, String version, List<String> extraLines) {
            Handshake hs = handshake(session);
            if (hs != null) {
                hs.serverIdent = Sanitize.line(version, 120);
            }
        }

        @Override
        public void sessionNegotiationEnd(Session session, Map<KexProposalOption, String> clientProposal,
                Map<KexProposalOption, String> serverProposal, Map<KexProposalOption, String> negotiatedOptions, Throwable reason) {
            Handshake hs = handshake(session);
            if (hs != null && reason != null && hs.rejection == null) {
                hs.rejection = SshAlgorithms.explainNegotiationFailure(hs.target, hs.serverIdent, clientProposal, serverProposal,
                        hs.legacyAllowed, reason);
                LOG.warn("Algorithm negotiation with {} failed: {}", hs.target, hs.rejection.getMessage());
            }
        }

        @Override
        public void sessionEvent(Session session, Event event) {
            Handshake hs = handshake(session);
            if (hs != null && (event == Event.KeyEstablished || event == Event.KexCompleted)) {
                hs.keysEstablished.complete(null);
            }
        }

        @Override
        public void sessionException(Session session, Throwable t) {
            Handshake hs = handshake(session);
            if (hs != null && hs.failure == null) {
                hs.failure = t;
            }
        }

        @Override
        public void sessionClosed(Session session) {
            Handshake hs = handshake(session);
            if (hs != null) {
                Throwable why = hs.failure != null ? hs.failure : new IOException("connection closed");
                hs.keysEstablished.completeExceptionally(why);
                hs.keyPresented.completeExceptionally(why);
            }
        }
    }
}

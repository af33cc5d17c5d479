package org.fleetflash.agent.sim;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated router: its sandbox (flash file, FreeBSD stand-ins, the real shell) and its SSH server
 * on a loopback address. Closing it stops the server; the sandbox and its flash stay on disk, so a
 * router started again on the same state directory keeps its flash and host key.
 */
public final class SimRouter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SimRouter.class);

    /** How to start one router. An empty password means the profile's own. */
    public record Options(String name, Profile profile, Shell shell, String address, int port,
            Optional<String> password, Optional<Path> authorizedKeys) {
        public Options {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(profile, "profile");
            Objects.requireNonNull(shell, "shell");
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(password, "password");
            Objects.requireNonNull(authorizedKeys, "authorizedKeys");
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
                throw new IllegalArgumentException("Router name must be letters, digits, '.', '_' or '-': " + name);
            }
        }
    }

    private final Options options;
    private final Sandbox sandbox;
    private final String password;
    private SimSshServer server;

    private SimRouter(Options options, Sandbox sandbox, String password) {
        this.options = options;
        this.sandbox = sandbox;
        this.password = password;
    }

    /** Lays out (or reopens) the router's sandbox under {@code stateDir/<name>} and starts its SSH server. */
    public static SimRouter start(Path stateDir, Options options) throws IOException {
        Sandbox sandbox = Sandbox.create(stateDir.resolve(options.name()), options.profile(), options.shell(), options.name());
        SimRouter router = new SimRouter(options, sandbox, options.password().orElse(options.profile().password()));
        router.server = SimSshServer.start(router.serverConfig(options.port()));
        return router;
    }

    private SimSshServer.Config serverConfig(int port) {
        return new SimSshServer.Config(options.name(), options.address(), port, sandbox.hostKeyFile(),
                options.profile().user(), password, options.authorizedKeys(),
                () -> new ExecSpec(sandbox.shellBinary(), sandbox.workingDirectory(), sandbox.environment()));
    }

    public String name() {
        return options.name();
    }

    public String address() {
        return options.address();
    }

    /** The SSH port (the real one when 0 was asked for). */
    public int port() {
        return server.port();
    }

    public String user() {
        return options.profile().user();
    }

    public String password() {
        return password;
    }

    public Sandbox sandbox() {
        return sandbox;
    }

    /** The line {@code fleetflash sim} prints for this router: {@code name address:port user password}. */
    public String describe() {
        return name() + " " + address() + ":" + port() + " " + user() + " " + password();
    }

    @Override
    public void close() throws IOException {
        LOG.info("Stopping simulated router {}", name());
        try {
            server.close();
        } finally {
            sandbox.close();
        }
    }
}

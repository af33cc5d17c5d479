package org.fleetflash.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The agent script as shipped to routers: its bytes and where it goes on the router. */
public final class Agent {

    /** File name of the agent on the router. */
    public static final String FILE_NAME = "ffagent.sh";

    /**
     * Shell expression for the agent's directory on the router, expanded by the router's {@code sh}:
     * {@code /tmp/fleetflash} on a real router, inside the sandbox on a simulated one.
     */
    public static final String HOME_EXPRESSION = "${FF_ROOT}/tmp/fleetflash";

    /**
     * File in the agent's directory that records the memory disk of a prepared upgrade; while it exists
     * the router is staged (or an interrupted upgrade left its disk) and {@code prepare} refuses with BUSY.
     */
    public static final String PREPARED_MARKER = "md.unit";

    private static final String RESOURCE = "ffagent.sh";

    private Agent() {
    }

    /** The script as read from the application once, with its digest; null until first asked for. */
    private static volatile Loaded loaded;

    private record Loaded(byte[] script, String sha256) {
    }

    /** The script's bytes (a copy: each caller may keep or change its own). */
    public static byte[] script() {
        return loaded().script().clone();
    }

    /** The SHA-256 of {@link #script()}, in lowercase hex: what a router's {@code sha256 -q} prints for a good copy. */
    public static String sha256() {
        return loaded().sha256();
    }

    /**
     * Reads the script from the application the first time only: a batch installs it on every router (and twice on
     * each), and reading it means inflating 70 KB from the jar and digesting them again each time.
     */
    private static Loaded loaded() {
        Loaded l = loaded;
        if (l == null) {
            byte[] script = read();
            try {
                l = new Loaded(script, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(script)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
            }
            loaded = l; // two threads that both read it store equal values
        }
        return l;
    }

    private static byte[] read() {
        try (InputStream in = Agent.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("The agent script is missing from the application: rebuild it");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

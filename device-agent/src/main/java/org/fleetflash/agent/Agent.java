package org.fleetflash.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

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

    /** The script's bytes. */
    public static byte[] script() {
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

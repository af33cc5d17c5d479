package org.fleetflash.agent.protocol;

import java.util.Objects;
import java.util.Optional;

/**
 * A probe whose output cannot be turned into {@link DeviceFacts}. The message says what is missing
 * and what to do; {@link #problem()} says what kind of failure it is.
 */
public final class ProbeFailedException extends Exception {

    private static final long serialVersionUID = 1L;

    /** What went wrong, for code that reacts differently (retry, re-upload, tell the user). */
    public enum Problem {
        /** No {@code @FF done}: the agent died or the session broke. */
        AGENT_DIED,
        /** The agent reported {@code @FF error}; see {@link #agentCode()}. */
        AGENT_ERROR,
        /** The agent speaks another protocol version, or lines came in the wrong order. */
        PROTOCOL,
        /** A fact needed for the upgrade was not reported. */
        MISSING_FACT,
        /** A fact or raw line had a value that cannot be read (e.g. not a number). */
        BAD_VALUE,
        /** The flash partition table is missing or does not add up. */
        PARTITION_TABLE
    }

    private final Problem problem;
    private final String agentCode;

    public ProbeFailedException(Problem problem, String message) {
        this(problem, null, message, null);
    }

    public ProbeFailedException(Problem problem, String agentCode, String message, Throwable cause) {
        super(message, cause);
        this.problem = Objects.requireNonNull(problem, "problem");
        this.agentCode = agentCode;
    }

    /** What kind of failure this is. */
    public Problem problem() {
        return problem;
    }

    /** The agent's stable error code, for {@link Problem#AGENT_ERROR}. */
    public Optional<String> agentCode() {
        return Optional.ofNullable(agentCode);
    }
}

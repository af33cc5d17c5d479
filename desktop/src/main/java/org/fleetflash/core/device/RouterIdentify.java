package org.fleetflash.core.device;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.fleetflash.agent.protocol.AgentLine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a router show itself: uploads the agent and runs its {@code identify SECONDS}, which blinks one of the
 * router's LEDs ({@code /dev/led/<name>}, a system or status LED if it has one) for that long and then switches it
 * off, so the technician finds the physical box among others. Changes nothing else on the router.
 */
public final class RouterIdentify {

    private static final Logger LOG = LoggerFactory.getLogger(RouterIdentify.class);
    /** The shortest blink the agent accepts. */
    public static final int MIN_SECONDS = 1;
    /** The longest blink the agent accepts. */
    public static final int MAX_SECONDS = 60;
    /** How long a blink lasts unless asked otherwise. */
    public static final int DEFAULT_SECONDS = 10;

    /**
     * How an identify ended.
     *
     * @param led     the LED that blinked, if one did
     * @param seconds how long it was asked to blink
     * @param failure the agent's code and sentence when it did not blink (or did not finish), empty when it did
     */
    public record Result(Optional<String> led, int seconds, Optional<AgentLine.Error> failure) {
        public Result {
            Objects.requireNonNull(led, "led");
            Objects.requireNonNull(failure, "failure");
        }

        /** Whether the LED blinked for the whole time and was switched off again. */
        public boolean blinked() {
            return failure.isEmpty();
        }
    }

    private final SshConnector connector;

    public RouterIdentify(SshConnector connector) {
        this.connector = Objects.requireNonNull(connector, "connector");
    }

    /**
     * Connects to {@code target} and blinks its LED for {@code seconds}; {@code started} gets the LED's name as soon as
     * it blinks (on this thread). Returns when the LED is off again.
     *
     * @throws DeviceException the router could not be reached, logged into, trusted, or the agent not run
     */
    public Result identify(SshTarget target, Credentials credentials, SshOptions options, HostKeyStore hostKeys, int seconds,
            Consumer<String> started) throws DeviceException {
        checkSeconds(seconds);
        try (DeviceSession session = connector.open(target, credentials, options, hostKeys)) {
            return identify(session, seconds, options.commandDeadline(), started);
        }
    }

    /** Blinks over an open session; each agent step within {@code deadline}, the blink's own seconds added. */
    public static Result identify(DeviceSession session, int seconds, Duration deadline, Consumer<String> started)
            throws DeviceException {
        checkSeconds(seconds);
        Objects.requireNonNull(started, "started");
        List<AgentLine> lines = new ArrayList<>();
        AgentRunner.Installed run = AgentRunner.installAndRun(session, deadline.plusSeconds(seconds),
                List.of("identify", Integer.toString(seconds)), line -> {
                    lines.add(line);
                    if (line instanceof AgentLine.Led led) {
                        started.accept(led.name());
                    }
                });
        Optional<String> led = lines.stream().filter(AgentLine.Led.class::isInstance).map(l -> ((AgentLine.Led) l).name()).findFirst();
        Optional<AgentLine.Error> error = lines.stream().filter(AgentLine.Error.class::isInstance).map(AgentLine.Error.class::cast)
                .findFirst();
        boolean done = lines.stream().anyMatch(l -> l instanceof AgentLine.Done d && "identify".equals(d.cmd()));
        if (error.isEmpty() && (run.exitStatus() != 0 || !done)) {
            error = Optional.of(new AgentLine.Error("AGENT_DIED", "the agent's identify ended (status " + run.exitStatus()
                    + ") without saying it finished"));
        }
        error.ifPresent(e -> LOG.warn("Identify of {} failed: {} {}", session.target(), e.code(), e.text()));
        return new Result(led, seconds, error);
    }

    private static void checkSeconds(int seconds) {
        if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
            throw new IllegalArgumentException("An LED blinks for " + MIN_SECONDS + " to " + MAX_SECONDS + " seconds, not " + seconds);
        }
    }
}

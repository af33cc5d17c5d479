package org.fleetflash.core.upgrade;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.fleetflash.agent.protocol.AgentLine;
import org.fleetflash.core.device.AgentRunner;
import org.fleetflash.core.device.DeviceException;
import org.fleetflash.core.device.DeviceSession;

/**
 * Puts back what an interrupted upgrade left on a router before its reroot (root pointer, watchdogd, memory disk,
 * staging files, the claim), as the technician's {@code fleetflash cleanup} asks, and says what it found and did.
 */
public final class RouterCleanup {

    /**
     * What a cleanup did.
     *
     * @param undone  one sentence per thing put back, in the agent's words (empty: nothing was left)
     * @param refusal the agent's code and sentence when it would not clean (a commit running now, something it
     *                could not undo), empty when it finished
     */
    public record Report(List<String> undone, Optional<AgentLine.Error> refusal) {
        public Report {
            undone = List.copyOf(undone);
        }

        /** Whether the router is now as it was before the interrupted upgrade. */
        public boolean clean() {
            return refusal.isEmpty();
        }
    }

    private RouterCleanup() {
    }

    /** Uploads the agent over {@code session} and runs its {@code cleanup} for whatever any attempt left. */
    public static Report run(DeviceSession session, Duration deadline) throws DeviceException {
        return run(AgentRunner.install(session, deadline), deadline);
    }

    /** Runs the agent's {@code cleanup} for whatever any attempt left, with an agent already installed. */
    public static Report run(AgentRunner agent, Duration deadline) throws DeviceException {
        return run(agent, Optional.empty(), deadline);
    }

    /**
     * Runs the agent's {@code cleanup} with an agent already installed: for {@code attempt} only when given (an
     * upgrade another attempt holds now is left alone), else for whatever any attempt left.
     */
    public static Report run(AgentRunner agent, Optional<String> attempt, Duration deadline) throws DeviceException {
        List<AgentLine> lines = new ArrayList<>();
        List<String> args = attempt.map(a -> List.of("cleanup", a)).orElse(List.of("cleanup"));
        int status = agent.run(args, deadline, lines::add);
        List<String> undone = lines.stream().filter(AgentLine.Undone.class::isInstance).map(l -> ((AgentLine.Undone) l).text())
                .toList();
        Optional<AgentLine.Error> error = lines.stream().filter(AgentLine.Error.class::isInstance).map(AgentLine.Error.class::cast)
                .findFirst();
        if (error.isEmpty() && (status != 0 || lines.stream().noneMatch(AgentLine.Done.class::isInstance))) {
            error = Optional.of(new AgentLine.Error("AGENT_DIED", "The agent's cleanup ended (status " + status
                    + ") without saying it finished; run it again."));
        }
        return new Report(undone, error);
    }
}

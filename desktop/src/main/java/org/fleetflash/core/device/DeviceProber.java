package org.fleetflash.core.device;

import java.time.Duration;
import java.util.List;
import org.fleetflash.agent.protocol.AgentLine;
import org.fleetflash.agent.protocol.DeviceFacts;
import org.fleetflash.agent.protocol.DeviceFactsBuilder;
import org.fleetflash.agent.protocol.ProbeFailedException;

/**
 * Reads a router's facts: connects over SSH (host key pinned), uploads and verifies the agent, runs
 * {@code probe}, and parses what it printed. Changes nothing on the router but the agent's own file.
 */
public final class DeviceProber {

    /** The facts and what else a technician may want to see: the agent's log lines and how it was checked. */
    public record Report(SshTarget target, String serverVersion, DeviceFacts facts, List<AgentLine.Log> log,
            UploadResult agentUpload) {
        public Report {
            log = List.copyOf(log);
        }
    }

    private final SshConnector connector;

    public DeviceProber(SshConnector connector) {
        this.connector = connector;
    }

    /**
     * Probes one router.
     *
     * @throws DeviceException       it could not be reached, logged into, trusted, or the agent not run
     * @throws ProbeFailedException  the agent ran but its facts are unusable (the message says which)
     */
    public Report probe(SshTarget target, Credentials credentials, SshOptions options, HostKeyStore hostKeys)
            throws DeviceException, ProbeFailedException {
        try (DeviceSession session = connector.open(target, credentials, options, hostKeys)) {
            return probe(session, options.commandDeadline());
        }
    }

    /** Probes over an open session. */
    public static Report probe(DeviceSession session, Duration deadline) throws DeviceException, ProbeFailedException {
        return probe(AgentRunner.install(session, deadline), deadline);
    }

    /** Probes with an agent already installed. */
    public static Report probe(AgentRunner agent, Duration deadline) throws DeviceException, ProbeFailedException {
        DeviceSession session = agent.session();
        DeviceFactsBuilder facts = new DeviceFactsBuilder();
        AgentRunner.Result run = agent.runCollecting("probe", deadline);
        run.lines().forEach(facts);
        List<AgentLine.Log> log = run.lines().stream()
                .filter(AgentLine.Log.class::isInstance).map(AgentLine.Log.class::cast).toList();
        return new Report(session.target(), session.serverVersion(), facts.build(), log, agent.upload());
    }
}

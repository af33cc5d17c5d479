package org.fleetflash.agent.sim;

import java.nio.file.Path;
import java.util.Map;

/**
 * What a command on a simulated router runs in: the real shell that is the router's {@code /bin/sh},
 * the working directory (the login home inside the sandbox) and the complete environment.
 */
public record ExecSpec(Path shell, Path workingDirectory, Map<String, String> environment) {
    public ExecSpec {
        environment = Map.copyOf(environment);
    }
}

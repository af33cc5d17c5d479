package org.fleetflash.agent.sim;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the agent-level integration tests share: a directory of their own and the bench they start in it, stopped
 * after each test with every sandbox it made removed.
 */
abstract class BenchIT {

    @TempDir
    Path dir;

    UpgradeBench bench;

    @AfterEach
    void stopBench() throws Exception {
        if (bench != null) {
            bench.close();
        }
        SandboxShell.deleteAll(dir.resolve("state"));
    }
}

package org.fleetflash.agent.sim;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the tests of one simulated router started on its own share: a directory of their own for its state, and the
 * router, stopped after each test with its sandbox removed.
 */
abstract class OneRouterIT {

    @TempDir
    Path dir;

    /** The router a test started, if it started one. */
    SimRouter router;

    @AfterEach
    void stopRouter() throws Exception {
        if (router != null) {
            router.close();
        }
        SandboxShell.deleteAll(dir.resolve("state"));
    }
}

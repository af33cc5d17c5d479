package org.fleetflash.core.history.report;

import java.time.Instant;
import java.util.Optional;

/**
 * A batch as a report shows it: who ran it, where, and when.
 *
 * @param routerCount  how many routers it was started with (unknown when its start was not recorded)
 * @param haltedReason why it started no more routers, when it halted
 */
public record ReportBatch(String id, Instant startedAt, Optional<Instant> endedAt, Optional<Integer> routerCount, Optional<String> operator,
        Optional<String> site, Optional<String> haltedReason) {
}

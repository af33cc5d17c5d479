package org.fleetflash.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import org.fleetflash.core.batch.BatchEvent;
import org.fleetflash.core.batch.BatchResult;
import org.fleetflash.core.batch.BatchTotals;
import org.fleetflash.core.text.Sanitize;
import org.fleetflash.core.upgrade.Outcome;
import org.fleetflash.core.upgrade.UpgradeResult;

/** A batch on the terminal: its JSON events, and the summary at its end. */
final class BatchReport {

    private BatchReport() {
    }

    static String json(EventJson json, BatchEvent e) {
        ObjectNode o = json.node();
        o.put("batch", e.batchId());
        o.put("at", e.at().toString());
        if (e instanceof BatchEvent.Started s) {
            o.put("event", "batchStarted");
            ArrayNode routers = o.putArray("routers");
            s.routers().forEach(r -> routers.add(r.hostPort()));
            o.put("concurrency", s.settings().concurrency());
            o.put("canary", s.settings().canary());
            o.put("maxFailures", s.settings().maxFailures());
            o.put("stageAllFirst", s.settings().stageAllFirst());
            o.put("retries", s.settings().retries());
        } else if (e instanceof BatchEvent.Totals t) {
            o.put("event", "batchTotals");
            totals(o, t.totals());
        } else if (e instanceof BatchEvent.Halted h) {
            o.put("event", "batchHalted");
            o.put("code", h.code().name());
            o.put("reason", h.reason());
        } else if (e instanceof BatchEvent.Retrying r) {
            o.put("event", "batchRetrying");
            o.put("router", r.router().hostPort());
            o.put("try", r.attempt());
            o.put("previousCode", r.previous().code().name());
        } else if (e instanceof BatchEvent.Finished f) {
            o.put("event", "batchFinished");
            totals(o, f.totals());
            ArrayNode results = o.putArray("results");
            for (UpgradeResult r : f.results()) {
                ObjectNode n = results.addObject();
                n.put("router", r.router());
                n.put("attempt", r.attempt().attemptId());
                EventJson.result(n, r);
            }
        }
        return json.write(o);
    }

    private static void totals(ObjectNode o, BatchTotals t) {
        o.put("routers", t.routers());
        o.put("succeeded", t.succeeded());
        o.put("upToDate", t.upToDate());
        o.put("failedSafe", t.failedSafe());
        o.put("needsAttention", t.needsAttention());
        o.put("running", t.running());
        o.put("waiting", t.waiting());
        o.put("bytesServed", t.bytesServed());
        o.put("blocksWritten", t.blocksWritten());
        o.put("blocksSame", t.blocksSame());
        o.put("elapsedMillis", t.elapsed().toMillis());
        o.put("etaMillis", t.eta().map(d -> d.toMillis()).orElse(null));
    }

    static String describe(java.time.Duration d) {
        return d.toHours() > 0 ? String.format("%d h %02d min", d.toHours(), d.toMinutesPart())
                : d.toMinutes() > 0 ? String.format("%d min %02d s", d.toMinutes(), d.toSecondsPart())
                : String.format("%d.%d s", d.toSeconds(), d.toMillisPart() / 100);
    }

    /**
     * A router's line of the summary. A router that did not succeed keeps its whole message (what happened, what to
     * do, where its backup is): on a terminal the summary is the only place that says it.
     */
    static String line(UpgradeResult r) {
        int room = r.outcome() == Outcome.SUCCEEDED ? 160 : Failures.MAX_MESSAGE;
        return String.format("  %-24s %-16s %-22s %s", r.router(), r.outcome(), r.code(), Sanitize.line(r.message(), room));
    }

    /** The summary after a batch: one line per router, then the totals. */
    static void summary(PrintWriter out, BatchResult result) {
        BatchTotals t = result.totals();
        out.println();
        out.printf("Batch %s: %d router(s) in %s%n", result.batchId(), t.routers(), describe(t.elapsed()));
        for (UpgradeResult r : result.results()) {
            out.println(line(r));
        }
        out.printf("  %d succeeded (%d already up to date), %d failed safe, %d need attention; %s served, %d blocks written,"
                + " %d unchanged%n", t.succeeded(), t.upToDate(), t.failedSafe(), t.needsAttention(), Sizes.human(t.bytesServed()),
                t.blocksWritten(), t.blocksSame());
    }
}

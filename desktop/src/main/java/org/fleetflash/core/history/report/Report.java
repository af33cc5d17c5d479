package org.fleetflash.core.history.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.fleetflash.core.history.AttemptFilter;

/**
 * Everything a report of the history shows, read in one go: the attempts a filter selects with all that is known
 * of each, the batches they belong to and the host-key changes of their routers. What the CSV, JSON and PDF
 * exports are made from (and the window's report, which must show the same). Every text is escaped already
 * ({@link org.fleetflash.core.text.Sanitize#escape}): no control or format character is left in it.
 *
 * @param generatedAt    when it was read
 * @param filter         what selected the attempts
 * @param attempts       oldest first
 * @param batches        the batches of those attempts, oldest first
 * @param hostKeyChanges every recorded change of those routers' keys (re-pinned by an upgrade, or forgotten), oldest first
 */
public record Report(Instant generatedAt, AttemptFilter filter, List<ReportAttempt> attempts, List<ReportBatch> batches,
        List<HostKeyChange> hostKeyChanges) {

    /** The outcomes in the order a report lists them; any other outcome follows in alphabetical order. */
    public static final List<String> KNOWN_OUTCOMES = List.of("SUCCEEDED", "FAILED_SAFE", "NEEDS_ATTENTION");
    /** The outcome of an attempt with no end recorded. */
    public static final String RUNNING = "RUNNING";

    public Report {
        attempts = List.copyOf(attempts);
        batches = List.copyOf(batches);
        hostKeyChanges = List.copyOf(hostKeyChanges);
    }

    /**
     * How many attempts ended with each outcome: the known outcomes first (also when none had them), then any other
     * outcome a newer FleetFlash wrote (alphabetically), then {@code RUNNING} when there is one.
     */
    public Map<String, Integer> countsByOutcome() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        KNOWN_OUTCOMES.forEach(o -> counts.put(o, 0));
        Map<String, Integer> others = new TreeMap<>();
        int running = 0;
        for (ReportAttempt a : attempts) {
            String o = a.outcome();
            if (counts.containsKey(o)) {
                counts.merge(o, 1, Integer::sum);
            } else if (RUNNING.equals(o)) {
                running++;
            } else {
                others.merge(o, 1, Integer::sum);
            }
        }
        counts.putAll(others);
        if (running > 0) {
            counts.put(RUNNING, running);
        }
        return counts;
    }

    /** The batch {@code id}, when it is recorded. */
    public Optional<ReportBatch> batch(String id) {
        return batches.stream().filter(b -> b.id().equals(id)).findFirst();
    }

    /** The distinct operators of the batches, in the order first met. */
    public List<String> operators() {
        List<String> out = new ArrayList<>();
        batches.forEach(b -> b.operator().filter(o -> !out.contains(o)).ifPresent(out::add));
        return out;
    }

    /** The distinct sites of the batches, in the order first met. */
    public List<String> sites() {
        List<String> out = new ArrayList<>();
        batches.forEach(b -> b.site().filter(s -> !out.contains(s)).ifPresent(out::add));
        return out;
    }

    /** The first start among the attempts. */
    public Optional<Instant> firstStart() {
        return attempts.stream().map(ReportAttempt::startedAt).min(Instant::compareTo);
    }

    /** The last start or end among the attempts. */
    public Optional<Instant> lastEvent() {
        return attempts.stream().map(a -> a.endedAt().orElse(a.startedAt())).max(Instant::compareTo);
    }
}

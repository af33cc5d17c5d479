package org.fleetflash.ui.scan;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javafx.application.Platform;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.fleetflash.core.device.SshTarget;
import org.fleetflash.core.discovery.ScanHit;
import org.fleetflash.core.discovery.ScanJob;
import org.fleetflash.core.discovery.ScanListener;
import org.fleetflash.core.discovery.ScanOptions;
import org.fleetflash.core.discovery.ScanPlan;
import org.fleetflash.core.discovery.ScanRefusedException;
import org.fleetflash.core.discovery.ScanSummary;
import org.fleetflash.core.text.Sanitize;
import org.fleetflash.ui.support.Background;
import org.fleetflash.ui.support.UiEventPump;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Scan dialog's state: the targets and ports (prefilled, editable), whether a scan runs, its progress and the
 * open ports found so far. A scan starts only from {@link #start()}; its engine threads hand hits and progress to a
 * {@link UiEventPump}, so the FX thread gets them a few times a second, and never waits for the network: starting and
 * cancelling the engine's job run on the window's {@link Background}. What a scan finds goes to a {@link FleetMerge}.
 * Call on the FX thread.
 */
public final class ScanViewModel implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ScanViewModel.class);
    /** The options of the window's scans: a router LAN is near, so a short connect deadline and a small in-flight bound. */
    public static final ScanOptions WINDOW_OPTIONS = ScanOptions.DEFAULTS.withConcurrency(256);

    /** Where a scan is. */
    public enum State { READY, STARTING, RUNNING, CANCELLING, FINISHED, CANCELLED, FAILED;

        /** Whether a scan is under way (Start is off, Cancel stops it). */
        public boolean busy() {
            return this == STARTING || this == RUNNING || this == CANCELLING;
        }
    }

    /**
     * One open port of the hits table.
     *
     * @param address {@code host:port}
     * @param guess   what the identification line suggests ({@code FreeBSD}, {@code OpenSSH}, ...)
     * @param said    the identification line, escaped, or why there was none
     * @param fleet   {@code new} when the fleet did not list it, else {@code listed}
     */
    public record Hit(String address, String guess, String said, String fleet) {
    }

    private final Background background;
    private final FleetMerge merge;
    private final StringProperty targets = new SimpleStringProperty(this, "targets", "");
    private final StringProperty ports = new SimpleStringProperty(this, "ports", "22");
    private final ReadOnlyObjectWrapper<State> state = new ReadOnlyObjectWrapper<>(this, "state", State.READY);
    private final ReadOnlyStringWrapper problem = new ReadOnlyStringWrapper(this, "problem", "");
    private final ReadOnlyStringWrapper progressText = new ReadOnlyStringWrapper(this, "progressText", "");
    private final ReadOnlyObjectWrapper<Double> progress = new ReadOnlyObjectWrapper<>(this, "progress", 0.0);
    private final ObjectProperty<ScanOptions> options = new SimpleObjectProperty<>(this, "options", WINDOW_OPTIONS);
    private final ObservableList<Hit> hits = FXCollections.observableArrayList();
    private final UiEventPump<String, ScanHit> hitPump = new UiEventPump<>((k, hit) -> applyHit(hit));
    private final UiEventPump<String, long[]> progressPump = new UiEventPump<>((k, p) -> applyProgress(p[0], p[1]));
    private final Set<SshTarget> answered = new LinkedHashSet<>();
    private ScanPlan plan;
    private ScanJob job;
    private boolean cancelAsked;
    private int newRouters;

    public ScanViewModel(Background background, FleetMerge merge) {
        this.background = Objects.requireNonNull(background, "background");
        this.merge = Objects.requireNonNull(merge, "merge");
        progressText.set("Finding this laptop's subnets…");
        hitPump.start(UiEventPump.DEFAULT_PERIOD);
        progressPump.start(UiEventPump.DEFAULT_PERIOD);
    }

    /** Fills in the suggested targets and ports, unless the technician typed some already or a scan ran. */
    public void prefill(ScanTargets suggested) {
        if (state.get() != State.READY || plan != null) {
            return;
        }
        if (targets.get().isBlank()) {
            targets.set(String.join(", ", suggested.targets()));
            ports.set(String.join(",", suggested.ports().stream().map(String::valueOf).toList()));
        }
        progressText.set(targets.get().isBlank() ? "Type the addresses to scan, then press Start. Nothing is sent before."
                : "Check the addresses and ports, then press Start. Nothing is sent before.");
    }

    /** The addresses, ranges and blocks to scan, as typed: {@code 192.168.1.0/24, 10.0.0.5-20}. */
    public StringProperty targetsProperty() {
        return targets;
    }

    /** The ports to try, comma separated. */
    public StringProperty portsProperty() {
        return ports;
    }

    public ReadOnlyObjectProperty<State> stateProperty() {
        return state.getReadOnlyProperty();
    }

    /** Why the targets cannot be scanned (the engine's sentence), or empty. */
    public ReadOnlyStringProperty problemProperty() {
        return problem.getReadOnlyProperty();
    }

    /** "Probed 12 of 254 addresses, 3 open" and how the scan ended. */
    public ReadOnlyStringProperty progressTextProperty() {
        return progressText.getReadOnlyProperty();
    }

    /** 0 to 1. */
    public ReadOnlyObjectProperty<Double> progressProperty() {
        return progress.getReadOnlyProperty();
    }

    /** The engine's options for the next scan (the tests shorten or lengthen its deadlines). */
    public ObjectProperty<ScanOptions> optionsProperty() {
        return options;
    }

    /** The open ports found so far, in the order they were found. */
    public ObservableList<Hit> hits() {
        return hits;
    }

    /** Checks the targets and ports and starts the scan in the background; a refusal goes to {@link #problemProperty()}. */
    public void start() {
        if (state.get().busy()) {
            return;
        }
        List<String> typed = new ArrayList<>();
        for (String t : targets.get().split("[,\\s]+")) {
            if (!t.isBlank()) {
                typed.add(t.strip());
            }
        }
        List<Integer> portList = new ArrayList<>();
        for (String p : ports.get().split("[,\\s]+")) {
            if (p.isBlank()) {
                continue;
            }
            if (!p.strip().matches("[0-9]{1,5}")) {
                problem.set("'" + Sanitize.line(p.strip(), 20) + "' is not a port: give numbers from 1 to 65535, e.g. 22 or 22,2222.");
                return;
            }
            portList.add(Integer.parseInt(p.strip()));
        }
        ScanPlan p;
        try {
            p = ScanPlan.of(typed, portList, false);
        } catch (ScanRefusedException e) {
            // the command line's advice to add --force has no button here: the window scans at most a /16
            problem.set(Sanitize.line(e.getMessage(), 400).replace("; if you really mean it, add --force.", ": scan the subnets the"
                    + " routers are in (the command line's scan --force takes more).") + (e.getMessage().endsWith(".") ? "" : "."));
            return;
        }
        problem.set("");
        plan = p;
        hits.clear();
        answered.clear();
        newRouters = 0;
        cancelAsked = false;
        state.set(State.STARTING);
        progress.set(0.0);
        progressText.set("Starting: " + p.addressCount() + " addresses, port " + portsText(p) + "…");
        ScanOptions o = options.get();
        ScanListener listener = new ScanListener() {
            @Override
            public void onHit(ScanHit hit) {
                hitPump.offer(hit.hostPort(), hit);
            }

            @Override
            public void onProgress(long done, long total) {
                progressPump.offer("progress", new long[] {done, total});
            }
        };
        background.supply(() -> ScanJob.start(p, o, listener)).whenCompleteAsync((started, failure) -> {
            if (failure != null) {
                Throwable cause = Background.unwrap(failure);
                LOG.warn("The scan could not start: {}", cause.toString(), cause);
                state.set(State.READY);
                problem.set(cause instanceof ScanRefusedException ? Sanitize.line(cause.getMessage(), 400)
                        : "The scan could not start (" + Sanitize.line(String.valueOf(cause.getMessage()), 200)
                        + "); details are in the log file.");
                return;
            }
            job = started;
            state.set(cancelAsked ? State.CANCELLING : State.RUNNING);
            if (cancelAsked) {
                stopInBackground(started);
            }
            started.completion().whenComplete((summary, err) -> Platform.runLater(() -> ended(started, summary, err)));
        }, Platform::runLater);
    }

    /** Stops a running scan (in the background: the engine joins its threads, at most two seconds). */
    public void cancel() {
        State s = state.get();
        if (s == State.STARTING) {
            cancelAsked = true;
            state.set(State.CANCELLING);
            progressText.set("Cancelling…");
        } else if (s == State.RUNNING) {
            cancelAsked = true;
            state.set(State.CANCELLING);
            progressText.set("Cancelling…");
            stopInBackground(job);
        }
    }

    private void stopInBackground(ScanJob j) {
        background.supply(() -> {
            j.cancel();
            return null;
        });
    }

    private void ended(ScanJob j, ScanSummary summary, Throwable failure) {
        if (j != job) {
            return;
        }
        hitPump.drain();
        progressPump.drain();
        if (failure != null) {
            Throwable cause = Background.unwrap(failure);
            LOG.warn("The scan failed", cause);
            state.set(State.FAILED);
            progressText.set("The scan failed (" + Sanitize.line(String.valueOf(cause.getMessage()), 200) + "); details are in the log"
                    + " file. What it found is listed.");
            return;
        }
        progress.set(summary.complete() ? 1.0 : progress.get());
        String found = hits.size() + " open, " + newRouters + " new to the fleet";
        if (summary.complete()) {
            int missing = merge.missing(plan, answered);
            state.set(State.FINISHED);
            progressText.set("Done: probed " + summary.addressesTried() + " of " + plan.addressCount() + " addresses in "
                    + String.format(java.util.Locale.ROOT, "%.1f", summary.elapsed().toMillis() / 1000.0) + " s, " + found
                    + (missing == 0 ? "." : ", " + missing + " listed router" + (missing == 1 ? "" : "s") + " missing."));
            merge.tell("Scan done: " + found + (missing == 0 ? "." : ", " + missing + " missing (marked in the table)."));
        } else {
            state.set(State.CANCELLED);
            progressText.set((summary.cancelled() ? "Cancelled" : "Stopped at its time limit") + " after " + summary.addressesTried()
                    + " of " + plan.addressCount() + " addresses: " + found + ". Routers are marked missing only by a whole scan.");
            merge.tell("Scan cancelled: " + found + ".");
        }
    }

    private void applyHit(ScanHit hit) {
        SshTarget target = new SshTarget(hit.address().toString(), hit.port());
        answered.add(target);
        boolean isNew = merge.found(target);
        newRouters += isNew ? 1 : 0;
        String said = hit.banner().isEmpty() ? "(" + Sanitize.line(hit.detail(), 120) + ")" : Sanitize.line(hit.banner(), 120);
        hits.add(new Hit(hit.hostPort(), hit.guess().label(), said, isNew ? "new" : "listed"));
        progressText.set(progressLine(job == null ? 0 : job.done()));
    }

    private void applyProgress(long done, long total) {
        if (!state.get().busy() || total <= 0) {
            return;
        }
        progress.set(Math.min(1.0, done / (double) total));
        progressText.set(progressLine(done));
    }

    private String progressLine(long doneProbes) {
        if (plan == null) {
            return "";
        }
        long perAddress = Math.max(1, plan.ports().size());
        return "Probed " + Math.min(plan.addressCount(), doneProbes / perAddress) + " of " + plan.addressCount() + " addresses, "
                + hits.size() + " open";
    }

    private static String portsText(ScanPlan p) {
        return String.join(",", p.ports().stream().map(String::valueOf).toList());
    }

    /** The routers that answered in the last scan. */
    public Set<SshTarget> answered() {
        return new HashSet<>(answered);
    }

    /** Cancels a running scan (closing the dialog does) and stops the pumps. */
    @Override
    public void close() {
        cancel();
        hitPump.close();
        progressPump.close();
    }
}

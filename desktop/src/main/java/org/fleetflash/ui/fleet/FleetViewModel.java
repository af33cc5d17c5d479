package org.fleetflash.ui.fleet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javafx.application.Platform;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;
import org.fleetflash.agent.protocol.DeviceFacts;
import org.fleetflash.core.device.AuthenticationFailedException;
import org.fleetflash.core.device.Credentials;
import org.fleetflash.core.device.HostKeyChangedException;
import org.fleetflash.core.device.HostKeyStore;
import org.fleetflash.core.device.HostKeyUnknownException;
import org.fleetflash.core.device.SshTarget;
import org.fleetflash.core.history.FleetRecords;
import org.fleetflash.core.text.Sanitize;
import org.fleetflash.ui.history.AttemptSource;
import org.fleetflash.ui.support.Background;
import org.fleetflash.ui.support.RouterFailures;
import org.fleetflash.ui.support.UiEventPump;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet screen's state: the routers (from the demo fleet, the history, and added by address), the filter, the
 * row the detail pane follows, the login kept for this session (in memory only), and the probe action. Slow work
 * runs on {@link Background}; what it finds reaches the rows through a {@link UiEventPump}. Call on the FX thread.
 */
public final class FleetViewModel implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FleetViewModel.class);
    /** The partitions an upgrade writes by default (the upgrade's {@code --layout}). */
    public static final List<String> DEFAULT_LAYOUT = List.of("kernel", "rootfs");

    /** One probe's newest state for a row, carried by the pump. Null fields leave the row's value as it is. */
    record RowUpdate(String status, DeviceFacts facts, String hostKey, String problem) {}

    private final RouterProber prober;
    private final HostKeyStore hostKeys;
    private final AttemptSource history;
    private final Background background;
    /**
     * The last work on the history's fleet list (read at the start, then written as routers are added, found, probed,
     * removed): each piece runs after the one before, in the order the technician acted. FX thread.
     */
    private java.util.concurrent.CompletableFuture<?> lastListWork = java.util.concurrent.CompletableFuture.completedFuture(null);
    private final ObservableList<RouterRow> rows = FXCollections.observableArrayList();
    private final FilteredList<RouterRow> visible = new FilteredList<>(rows, r -> true);
    private final StringProperty filter = new SimpleStringProperty(this, "filter", "");
    private final ObjectProperty<RouterRow> current = new SimpleObjectProperty<>(this, "current");
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
    private final Map<SshTarget, RouterRow> byTarget = new HashMap<>();
    private final UiEventPump<RouterRow, RowUpdate> pump = new UiEventPump<>(this::apply);
    private Optional<Credentials> login = Optional.empty();
    /** The refused-trust login to offer again ({@link #askTrustAgain}); empty otherwise. */
    private Optional<Credentials> offerAgain = Optional.empty();
    private boolean trustNewHostKeys;
    /** The probes of the last Probe action: how many, how many ended, how many failed (FX thread). */
    private int probesAsked;
    private int probesEnded;
    private int probesFailed;

    public FleetViewModel(RouterProber prober, HostKeyStore hostKeys, AttemptSource history, Background background) {
        this.prober = prober;
        this.hostKeys = hostKeys;
        this.history = history;
        this.background = background;
        filter.addListener((o, was, now) -> {
            String f = now == null ? "" : now.strip().toLowerCase(Locale.ROOT);
            visible.setPredicate(r -> r.matches(f));
        });
        pump.start(UiEventPump.DEFAULT_PERIOD);
    }

    /** Every row, filtered by {@link #filterProperty()}. */
    public ObservableList<RouterRow> visibleRows() {
        return visible;
    }

    /** Every row, whatever the filter. */
    public List<RouterRow> allRows() {
        return List.copyOf(rows);
    }

    public StringProperty filterProperty() {
        return filter;
    }

    /** The row the detail pane shows (the table's highlighted row). */
    public ObjectProperty<RouterRow> currentProperty() {
        return current;
    }

    /** The last thing the window has to tell: a one-sentence result or problem. */
    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    /** Shows {@code sentence} in the status bar. */
    public void tell(String sentence) {
        message.set(sentence);
    }

    /**
     * Adds the demo fleet's routers now, then those the history lists (every router added, found, probed or upgraded
     * before and not removed, with what it last reported), and each row's host-key state, read in the background.
     */
    public void load(List<KnownRouter> known) {
        for (KnownRouter k : known) {
            RouterRow row = rowFor(k.target());
            row.nameProperty().set(k.name());
            row.noteProperty().set(k.note().orElse(""));
            row.demoCredentials(k.user(), k.password());
        }
        List<SshTarget> targets = rows.stream().map(RouterRow::target).toList();
        afterListWork(() -> readListedAndKeys(targets)).whenCompleteAsync((found, failure) -> {
            if (failure != null) {
                Throwable cause = Background.unwrap(failure);
                LOG.warn("Cannot read the history's routers", cause);
                tell("The history could not be read, so only the demo fleet is listed; details are in the log file.");
                return;
            }
            found.listed().forEach(r -> {
                RouterRow row = rowFor(r.target());
                fillIfEmpty(row.nameProperty(), r.hostname(), 64);
                fillIfEmpty(row.modelProperty(), r.model(), 120);
                fillIfEmpty(row.archProperty(), r.architecture(), 40);
                fillIfEmpty(row.firmwareProperty(), r.firmware(), 120);
                r.lastOutcome().ifPresent(row.lastOutcomeProperty()::set);
            });
            found.pinned().forEach((target, pinned) -> {
                RouterRow row = byTarget.get(target);
                if (row != null && row.hostKeyProperty().get().isEmpty()) {
                    row.hostKeyProperty().set(pinned ? RouterRow.KEY_PINNED : RouterRow.KEY_NOT_PINNED);
                }
            });
        }, Platform::runLater);
    }

    private static void fillIfEmpty(StringProperty property, Optional<String> value, int max) {
        if (property.get().isEmpty() && value.isPresent() && !value.get().isEmpty()) {
            property.set(Sanitize.line(value.get(), max));
        }
    }

    private record Found(List<FleetRecords.Listed> listed, Map<SshTarget, Boolean> pinned) {}

    private Found readListedAndKeys(List<SshTarget> known) throws java.io.IOException {
        List<FleetRecords.Listed> listed = history.fleet().isPresent() ? history.fleet().get().listed() : List.of();
        Map<SshTarget, Boolean> pinned = new LinkedHashMap<>();
        java.util.Set<SshTarget> every = new java.util.LinkedHashSet<>(known);
        listed.forEach(l -> every.add(l.target()));
        for (SshTarget t : every) {
            pinned.put(t, hostKeys.pinned(t).isPresent());
        }
        return new Found(listed, pinned);
    }

    /**
     * Records {@code work} on the history's fleet list, after the list's earlier work (one thread, in order); a failure
     * is logged and told: the fleet as shown is right, only the next start would list it differently.
     */
    private void onList(String what, FleetWork work) {
        history.fleet().ifPresent(records -> afterListWork(() -> {
            work.run(records);
            return null;
        }).whenCompleteAsync((done, failure) -> {
            if (failure != null) {
                LOG.warn("The fleet list could not {}", what, Background.unwrap(failure));
                tell("The history could not " + what + ", so the next start may list the fleet differently; details are in the"
                        + " log file.");
            }
        }, Platform::runLater));
    }

    private <T> java.util.concurrent.CompletableFuture<T> afterListWork(java.util.concurrent.Callable<T> work) {
        java.util.concurrent.CompletableFuture<T> next = lastListWork.handle((r, e) -> null).thenCompose(x -> background.supply(work));
        lastListWork = next;
        return next;
    }

    /** How long closing waits at most for the fleet list's last writes (a few rows). */
    private static final java.time.Duration LIST_WORK_AT_CLOSE = java.time.Duration.ofSeconds(2);

    @FunctionalInterface
    private interface FleetWork {
        void run(FleetRecords records) throws java.io.IOException;
    }

    /**
     * Lists a router a scan found: its row, made if new, and recorded in the history's fleet list (so it is listed at
     * the next start). Returns whether it is new.
     */
    public boolean found(SshTarget target) {
        boolean listed = byTarget.containsKey(target);
        rowFor(target);
        if (!listed) {
            // a scan finds routers a few milliseconds apart: those found while one write waits go in the next one
            boolean first;
            synchronized (foundToRemember) { // the write takes them on its own thread
                first = foundToRemember.isEmpty();
                foundToRemember.add(target);
            }
            if (first) {
                onList("remember the routers found", r -> r.remember(takeFound(), Instant.now()));
            }
        }
        return !listed;
    }

    /** The routers found and not written yet; the write takes them (on its thread) and a later find starts the next. */
    private final List<SshTarget> foundToRemember = new ArrayList<>();

    private List<SshTarget> takeFound() {
        synchronized (foundToRemember) {
            List<SshTarget> taken = List.copyOf(foundToRemember);
            foundToRemember.clear();
            return taken;
        }
    }

    /**
     * Takes {@code gone} off the fleet list, here and in the history (their attempts stay in the history; a router added,
     * found, probed or upgraded again is listed again).
     */
    public void remove(List<RouterRow> gone) {
        if (gone.isEmpty()) {
            return;
        }
        List<SshTarget> targets = gone.stream().map(RouterRow::target).toList();
        gone.forEach(r -> byTarget.remove(r.target()));
        rows.removeAll(gone);
        if (gone.contains(current.get())) {
            current.set(null);
        }
        onList("remove the routers from the fleet list", r -> r.remove(targets, Instant.now()));
        tell(gone.size() == 1 ? "Removed " + gone.get(0).address() + " from the list; its upgrades stay in the history."
                : "Removed " + gone.size() + " routers from the list; their upgrades stay in the history.");
    }

    /** The row of {@code target}, made (and listed) if the fleet has none yet. */
    public RouterRow rowFor(SshTarget target) {
        return byTarget.computeIfAbsent(target, t -> {
            RouterRow row = new RouterRow(t);
            rows.add(row);
            return row;
        });
    }

    /** Adds a router by address; an existing one is only highlighted. Its host-key state is read in the background. */
    public RouterRow add(SshTarget target) {
        boolean existed = byTarget.containsKey(target);
        RouterRow row = rowFor(target);
        current.set(row);
        if (existed) {
            tell("Router " + target.hostPort() + " is in the fleet already.");
            return row;
        }
        tell("Added router " + target.hostPort() + ": probe it (Ctrl+P) to read its model, firmware and flash.");
        onList("remember the router added", r -> r.remember(List.of(target), Instant.now()));
        background.supply(() -> hostKeys.pinned(target).isPresent()).whenCompleteAsync((pinned, failure) -> {
            if (failure == null && row.hostKeyProperty().get().isEmpty()) {
                row.hostKeyProperty().set(pinned ? RouterRow.KEY_PINNED : RouterRow.KEY_NOT_PINNED);
            }
        }, Platform::runLater);
        return row;
    }

    /**
     * Forgets the pinned host keys of {@code rows} (in the background), once the technician has checked the routers' new
     * keys: the next probe or upgrade pins the key each presents then, if the login's Trust a router seen for the first
     * time is ticked. The forgotten keys stay in the history, marked forgotten.
     */
    public void forgetHostKeys(List<RouterRow> rows) {
        List<SshTarget> targets = rows.stream().map(RouterRow::target).toList();
        background.supply(() -> {
            List<String> forgot = new ArrayList<>();
            for (SshTarget t : targets) {
                Optional<java.security.PublicKey> pinned = hostKeys.pinned(t);
                if (pinned.isPresent() && hostKeys.forget(t)) {
                    forgot.add(t.hostPort() + " (" + org.fleetflash.core.device.HostKeys.fingerprint(pinned.get()) + ")");
                }
            }
            return forgot;
        }).whenCompleteAsync((forgot, failure) -> {
            if (failure != null) {
                LOG.warn("Forgetting host keys failed", Background.unwrap(failure));
                tell("The host keys could not be forgotten: " + Sanitize.line(String.valueOf(Background.unwrap(failure).getMessage()), 300));
                return;
            }
            for (RouterRow row : rows) {
                if (RouterRow.KEY_CHANGED.equals(row.hostKeyProperty().get())) {
                    row.problemProperty().set(""); // the refusal it explained is settled
                }
                row.hostKeyProperty().set(RouterRow.KEY_NOT_PINNED);
            }
            forgetLogin(); // the next probe asks again, where Trust a router seen for the first time is ticked or not
            tell(forgot.isEmpty() ? "No host key was pinned for " + (rows.size() == 1 ? rows.get(0).address() : "these routers")
                    + ": nothing to forget."
                    : "Forgot the host key of " + String.join(", ", forgot) + ". Probe to pin the key "
                    + (forgot.size() == 1 ? "it presents" : "each presents") + " now, with Trust a router seen for the first time"
                    + " ticked.");
        }, Platform::runLater);
    }

    /** Whether {@code row} is listed (not removed from the list since it was made). */
    public boolean lists(RouterRow row) {
        return byTarget.get(row.target()) == row;
    }

    /** The rows an action applies to: the checked ones, or else the highlighted one. */
    public List<RouterRow> actionRows() {
        List<RouterRow> checked = rows.stream().filter(r -> r.checkedProperty().get()).toList();
        if (!checked.isEmpty()) {
            return checked;
        }
        return current.get() == null ? List.of() : List.of(current.get());
    }

    /** The login kept for this session, if one was given (and not refused since). */
    public Optional<Credentials> login() {
        return login;
    }

    /** Whether routers seen for the first time are trusted (chosen in the login dialog). */
    public boolean trustNewHostKeys() {
        return trustNewHostKeys;
    }

    /** Keeps {@code credentials} in memory for this session's probes. */
    public void useLogin(Credentials credentials, boolean trustNew) {
        this.login = Optional.of(credentials);
        this.trustNewHostKeys = trustNew;
        this.offerAgain = Optional.empty();
    }

    /**
     * The login to fill the login dialog with when it is asked for again after a router's key was not trusted (the same
     * login: only Trust a router seen for the first time is to be ticked); empty otherwise.
     */
    public Optional<Credentials> loginToOfferAgain() {
        return offerAgain;
    }

    /**
     * A router's key was refused as unknown because the login did not trust new keys: the next action asks for the login
     * again, filled in with this one, so that the technician can tick Trust a router seen for the first time (the login
     * dialog is the only place to tick it). Without this, every later probe refused the same router again.
     */
    public void askTrustAgain() {
        if (login.isPresent() && !trustNewHostKeys) {
            offerAgain = login;
            login = Optional.empty();
        }
    }

    /**
     * The login for {@code row}: the session's (one login per session; the one place to change when routers get logins
     * of their own).
     *
     * @throws IllegalStateException when no login was given yet
     */
    public Credentials credentialsFor(RouterRow row) {
        return login.orElseThrow(() -> new IllegalStateException("No login given yet"));
    }

    /** Probes {@code targets} in the background with the session's login; each row shows its progress and result. */
    public void probe(List<RouterRow> targets) {
        login.orElseThrow(() -> new IllegalStateException("No login given yet"));
        boolean trust = trustNewHostKeys;
        if (targets.isEmpty()) {
            tell("Check the routers to probe, or highlight one, then press Probe.");
            return;
        }
        tell(targets.size() == 1 ? "Probing " + targets.get(0).address() + "…" : "Probing " + targets.size() + " routers…");
        probesAsked = targets.size();
        probesEnded = 0;
        probesFailed = 0;
        for (RouterRow row : targets) {
            SshTarget target = row.target();
            Credentials credentials = credentialsFor(row);
            row.statusProperty().set("probing…");
            row.problemProperty().set("");
            background.supply(() -> prober.probe(target, credentials, trust)).whenComplete((facts, failure) -> {
                if (failure == null) {
                    pump.offer(row, new RowUpdate("probed", facts, RouterRow.KEY_PINNED, ""));
                    return;
                }
                Throwable cause = Background.unwrap(failure);
                String sentence = RouterFailures.sentence(RouterFailures.Action.PROBE, target, cause);
                LOG.warn("Probe of {} failed: {}", target, cause.toString(), cause);
                String key = cause instanceof HostKeyChangedException ? RouterRow.KEY_CHANGED
                        : cause instanceof HostKeyUnknownException ? RouterRow.KEY_NOT_PINNED : null;
                pump.offer(row, new RowUpdate("probe failed", null, key, sentence));
                if (cause instanceof AuthenticationFailedException) {
                    Platform.runLater(this::forgetLogin);
                } else if (cause instanceof HostKeyUnknownException) {
                    Platform.runLater(this::askTrustAgain);
                }
            });
        }
    }

    /** Forgets the session's login (after a refusal): the next probe asks again. */
    public void forgetLogin() {
        login = Optional.empty();
        offerAgain = Optional.empty();
    }

    private void apply(RouterRow row, RowUpdate u) {
        row.statusProperty().set(u.status());
        boolean failed = u.problem() != null && !u.problem().isEmpty();
        probesEnded++;
        probesFailed += failed ? 1 : 0;
        if (probesAsked > 1) {
            tell((probesEnded < probesAsked ? "Probing: " + probesEnded + " of " + probesAsked + " done" : "Probed " + probesAsked
                    + " routers: " + (probesAsked - probesFailed) + " read") + (probesFailed == 0 ? "." : ", " + probesFailed
                    + " failed (point at a failed status to see what to do)."));
        } else if (failed) {
            tell(u.problem());
        } else if (u.facts() != null) {
            tell("Probed " + row.address() + ": " + Sanitize.line(u.facts().model(), 120) + ", firmware "
                    + Sanitize.line(u.facts().firmwareVersion().orElse("unknown"), 120) + ".");
        }
        if (u.facts() != null) {
            showFacts(row, u.facts());
            if (lists(row)) { // not removed while it was probed
                DeviceFacts facts = u.facts();
                onList("record what the probe read", r -> r.probed(row.target(), facts, Instant.now()));
            }
        }
        if (u.hostKey() != null) {
            row.hostKeyProperty().set(u.hostKey());
        }
        if (u.problem() != null) {
            row.problemProperty().set(u.problem());
        }
    }

    /** Fills {@code row} with what a probe (the window's, or an upgrade's own) read of its router. Call on the FX thread. */
    public void showFacts(RouterRow row, DeviceFacts f) {
        row.modelProperty().set(Sanitize.line(f.model(), 120));
        row.archProperty().set(Sanitize.line(FleetRecords.architectureOf(f), 40));
        row.firmwareProperty().set(Sanitize.line(f.firmwareVersion().orElse("unknown"), 120));
        if (row.nameProperty().get().isEmpty()) {
            row.nameProperty().set(Sanitize.line(f.hostname(), 64));
        }
        row.factsProperty().set(f);
    }

    @Override
    public void close() {
        pump.close();
        try { // before the background threads stop: a router added just before closing is listed at the next start
            lastListWork.handle((r, e) -> null).get(LIST_WORK_AT_CLOSE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("The fleet list was still being written when the window closed: the last change may not be kept");
        }
    }
}

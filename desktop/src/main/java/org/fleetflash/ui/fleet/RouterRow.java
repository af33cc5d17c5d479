package org.fleetflash.ui.fleet;

import java.util.Optional;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.fleetflash.agent.protocol.DeviceFacts;
import org.fleetflash.core.device.SshTarget;

/** One router of the fleet table, as observable properties. Changed on the FX thread only. */
public final class RouterRow {

    /** The host-key words of the key column. */
    public static final String KEY_PINNED = "pinned";
    /** No key pinned yet: the first probe must trust it. */
    public static final String KEY_NOT_PINNED = "not pinned";
    /** The router showed another key than the pinned one. */
    public static final String KEY_CHANGED = "CHANGED";
    /** The progress value of a row without an upgrade bar. */
    public static final double NO_PROGRESS = -1;

    private final SshTarget target;
    private final BooleanProperty checked = new SimpleBooleanProperty(this, "checked", false);
    private final StringProperty name = new SimpleStringProperty(this, "name", "");
    private final StringProperty model = new SimpleStringProperty(this, "model", "");
    private final StringProperty arch = new SimpleStringProperty(this, "arch", "");
    private final StringProperty firmware = new SimpleStringProperty(this, "firmware", "");
    private final StringProperty hostKey = new SimpleStringProperty(this, "hostKey", "");
    private final StringProperty lastOutcome = new SimpleStringProperty(this, "lastOutcome", "");
    private final StringProperty status = new SimpleStringProperty(this, "status", "not probed");
    private final StringProperty problem = new SimpleStringProperty(this, "problem", "");
    private final StringProperty note = new SimpleStringProperty(this, "note", "");
    private final ObjectProperty<DeviceFacts> facts = new SimpleObjectProperty<>(this, "facts");
    private final DoubleProperty progress = new SimpleDoubleProperty(this, "progress", NO_PROGRESS);
    private final StringProperty safety = new SimpleStringProperty(this, "safety", "");
    private Optional<String> demoUser = Optional.empty();
    private Optional<String> demoPassword = Optional.empty();

    public RouterRow(SshTarget target) {
        this.target = target;
    }

    public SshTarget target() {
        return target;
    }

    /** The address as the table shows it: {@code host:port}. */
    public String address() {
        return target.hostPort();
    }

    public BooleanProperty checkedProperty() {
        return checked;
    }

    public StringProperty nameProperty() {
        return name;
    }

    public StringProperty modelProperty() {
        return model;
    }

    public StringProperty archProperty() {
        return arch;
    }

    public StringProperty firmwareProperty() {
        return firmware;
    }

    public StringProperty hostKeyProperty() {
        return hostKey;
    }

    public StringProperty lastOutcomeProperty() {
        return lastOutcome;
    }

    /** What the router is doing or how its last action ended: {@code not probed}, {@code probing…}, {@code probed}, ... */
    public StringProperty statusProperty() {
        return status;
    }

    /** The sentence that says what went wrong last and what to do; empty when nothing did. */
    public StringProperty problemProperty() {
        return problem;
    }

    /** What is special about the router (a demo fault), shown beside its status. */
    public StringProperty noteProperty() {
        return note;
    }

    /** The facts of the last successful probe, or null. */
    public ObjectProperty<DeviceFacts> factsProperty() {
        return facts;
    }

    /** The upgrade's bar, 0..1, or {@link #NO_PROGRESS} when no upgrade of this router ran in this session. */
    public DoubleProperty progressProperty() {
        return progress;
    }

    /**
     * While an upgrade runs: {@code safe to cancel} before the point of no return, {@code flashing on its own — do not
     * power off} after it; empty otherwise.
     */
    public StringProperty safetyProperty() {
        return safety;
    }

    /** The demo's credentials of this router, if it is a demo router. */
    public Optional<String> demoUser() {
        return demoUser;
    }

    public Optional<String> demoPassword() {
        return demoPassword;
    }

    void demoCredentials(Optional<String> user, Optional<String> password) {
        this.demoUser = user;
        this.demoPassword = password;
    }

    // ---------------------------------------------------------------- what the last scan said (Scan dialog)

    /** The scan word of a router the fleet did not list before a scan found it. */
    public static final String SCAN_NEW = "new";
    /** The scan word of a listed router inside a finished scan's range that did not answer. */
    public static final String SCAN_MISSING = "missing";

    private final StringProperty scanMark = new SimpleStringProperty(this, "scanMark", "");

    /** {@link #SCAN_NEW}, {@link #SCAN_MISSING} or empty; shown first in the note (the status column). */
    public javafx.beans.property.ReadOnlyStringProperty scanMarkProperty() {
        return scanMark;
    }

    /** Sets the scan's word for this router ({@code ""} clears it) and shows it at the front of the note. */
    public void markScan(String mark) {
        String old = scanMark.get();
        String rest = note.get();
        if (!old.isEmpty() && rest.startsWith(old)) {
            rest = rest.substring(old.length());
            rest = rest.startsWith(" · ") ? rest.substring(3) : rest;
        }
        scanMark.set(mark);
        note.set(mark.isEmpty() ? rest : rest.isEmpty() ? mark : mark + " · " + rest);
    }

    /** True if {@code text} (lower case) occurs in any column the table shows. */
    boolean matches(String lowerText) {
        if (lowerText.isEmpty()) {
            return true;
        }
        for (String s : new String[] {address(), name.get(), model.get(), arch.get(), firmware.get(), hostKey.get(), lastOutcome.get(),
            status.get(), note.get(), safety.get()}) {
            if (s != null && s.toLowerCase(java.util.Locale.ROOT).contains(lowerText)) {
                return true;
            }
        }
        return false;
    }
}

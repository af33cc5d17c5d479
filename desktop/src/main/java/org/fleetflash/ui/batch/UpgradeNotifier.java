package org.fleetflash.ui.batch;

import java.util.Objects;
import javafx.application.Platform;
import javafx.geometry.Pos;
import javafx.stage.Window;
import javafx.util.Duration;
import org.controlsfx.control.Notifications;
import org.fleetflash.core.text.Sanitize;

/**
 * Tells the technician, in a small notification in the window's corner, that a router was upgraded or needs
 * attention: {@code tl-wdr3600-01 upgraded to 1.2}, {@code tl-wdr3600-03 needs attention: <what to do>}. The
 * notification belongs to the window (ControlsFX {@link Notifications} with the window as owner), never takes the
 * keyboard focus, and disappears by itself. Nothing happens while the window is not showing (a closed window, a test
 * that never opened one), so the engine's listeners may call it at any time from any thread.
 */
public final class UpgradeNotifier {

    /** How long a success stays; one that needs attention stays until closed. */
    public static final Duration SUCCESS_SHOWN_FOR = Duration.seconds(6);

    private static final String STYLESHEET = Objects.requireNonNull(UpgradeNotifier.class.getResource("/org/fleetflash/ui/progress.css"))
            .toExternalForm();

    /** Notifications of routers that end together are gathered for this long and shown as one. */
    public static final Duration GATHER = Duration.seconds(1);

    private final Window owner;
    private long shown;
    /** What ended since the last notification (FX thread): each a router's line, with whether it needs attention. */
    private final java.util.List<String> upgraded = new java.util.ArrayList<>();
    private final java.util.List<String> attention = new java.util.ArrayList<>();
    private javafx.animation.PauseTransition gathering;

    /**
     * Puts the notifications' style sheets on {@code scene} (ControlsFX's first, ours after it, as ControlsFX itself would
     * on the first notification). Call while the window is built: added later, they make JavaFX restyle the whole window
     * at the first notification, which stalled it for seconds when a batch's first routers ended.
     */
    public static void styleFor(javafx.scene.Scene scene) {
        String controls = org.controlsfx.control.Notifications.class.getResource("notificationpopup.css").toExternalForm();
        if (!scene.getStylesheets().contains(controls)) {
            scene.getStylesheets().add(0, controls);
        }
        if (!scene.getStylesheets().contains(STYLESHEET)) {
            scene.getStylesheets().add(STYLESHEET);
        }
    }

    /** Notifications in {@code owner}'s corner. */
    public UpgradeNotifier(Window owner) {
        this.owner = Objects.requireNonNull(owner, "owner");
    }

    /** Says {@code router upgraded to version}; {@code version} may be empty when the router did not report one. */
    public void upgraded(String router, String version) {
        String v = version == null || version.isBlank() ? "" : " to " + Sanitize.line(version, 64);
        post(Sanitize.line(router, 96) + " upgraded" + v, false);
    }

    /** Says {@code router needs attention: whatToDo}; stays until the technician closes it. */
    public void needsAttention(String router, String whatToDo) {
        post(Sanitize.line(router, 96) + " needs attention: " + Sanitize.line(whatToDo, 400), true);
    }

    /** How many notifications were shown (on the FX thread), for a test that checks a headless run shows none. */
    public long shown() {
        return shown;
    }

    private void post(String line, boolean needsAttention) {
        if (Platform.isFxApplicationThread()) {
            gather(line, needsAttention);
            return;
        }
        try {
            Platform.runLater(() -> gather(line, needsAttention));
        } catch (IllegalStateException toolkitNotRunning) {
            // no JavaFX toolkit (a command-line run or a unit test): nothing to show, nothing to do
        }
    }

    /**
     * Keeps {@code line} for the next notification: routers that end within {@link #GATHER} of each other share one (a
     * wave of a batch ends together, and one pop-up per router would stall the window while each is laid out).
     */
    private void gather(String line, boolean needsAttention) {
        (needsAttention ? attention : upgraded).add(line);
        if (gathering == null) {
            gathering = new javafx.animation.PauseTransition(GATHER);
            gathering.setOnFinished(e -> flush());
        }
        if (gathering.getStatus() != javafx.animation.Animation.Status.RUNNING) {
            gathering.playFromStart();
        }
    }

    /** Shows what was gathered: one notification for the successes, one for the routers that need attention. */
    void flush() {
        if (!attention.isEmpty()) {
            show("Needs attention", attention.size() == 1 ? attention.get(0) : attention.size() + " routers need attention (point at"
                    + " their status for what to do): " + names(attention), true);
        }
        if (!upgraded.isEmpty()) {
            show("Upgraded", upgraded.size() == 1 ? upgraded.get(0) : upgraded.size() + " routers upgraded: " + names(upgraded), false);
        }
        attention.clear();
        upgraded.clear();
    }

    /** The routers of {@code lines} (the words before " upgraded" or " needs"), at most a few, then how many more. */
    private static String names(java.util.List<String> lines) {
        java.util.List<String> names = lines.stream().map(l -> l.replaceFirst(" (upgraded|needs attention).*$", "")).toList();
        int shownNames = Math.min(4, names.size());
        return String.join(", ", names.subList(0, shownNames)) + (names.size() > shownNames ? " and " + (names.size() - shownNames)
                + " more" : "") + ".";
    }

    private void show(String title, String text, boolean attention) {
        if (!owner.isShowing() || owner.getScene() == null) {
            return;
        }
        styleFor(owner.getScene()); // nothing to do when the window was built with them
        Notifications n = Notifications.create().owner(owner).title(title).text(text).position(Pos.BOTTOM_RIGHT)
                .hideAfter(attention ? Duration.INDEFINITE : SUCCESS_SHOWN_FOR);
        if (attention) {
            n.styleClass("needs-attention");
        }
        if (attention) {
            n.showError();
        } else {
            n.showInformation();
        }
        shown++;
    }
}

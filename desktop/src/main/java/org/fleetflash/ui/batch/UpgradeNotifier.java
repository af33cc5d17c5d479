package org.fleetflash.ui.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javafx.animation.Animation;
import javafx.animation.PauseTransition;
import javafx.application.Platform;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.Window;
import javafx.util.Duration;
import org.fleetflash.core.text.Sanitize;

/**
 * Tells the technician, in a strip inside the window (above its status bar), that routers were upgraded or need
 * attention: {@code tl-wdr3600-01 upgraded to 1.2}, {@code tl-wdr3600-03 needs attention: <what to do>}. The strip is
 * part of the window (no pop-up window per notification: each one used to be laid out and drawn as a window of its own
 * on the FX thread, which stalled the window for seconds during a batch); it pushes the tabs up instead of covering
 * them, and never takes the keyboard focus.
 *
 * <p>It has two lines at most. "Needs attention" gathers every router that needs attention until the technician
 * dismisses it; "Upgraded" says what the last routers to end did and goes away by itself after
 * {@link #SUCCESS_SHOWN_FOR}. Each line has a Dismiss button; Escape dismisses both (see {@link #dismissOnEscape}).
 * Nothing is shown while the strip is not in a showing window (a closed window, a test that never opened one), so the
 * engine's listeners may call it at any time from any thread.
 */
public final class UpgradeNotifier {

    /** How long the line of upgraded routers stays after its last change; the one that needs attention stays until dismissed. */
    public static final Duration SUCCESS_SHOWN_FOR = Duration.seconds(8);

    /** Notifications of routers that end together are gathered for this long and shown as one. */
    public static final Duration GATHER = Duration.seconds(1);

    private static final String STYLESHEET = Objects.requireNonNull(UpgradeNotifier.class.getResource("/org/fleetflash/ui/progress.css"))
            .toExternalForm();

    private final VBox root = new VBox();
    private final Line attentionLine = new Line("Needs attention", true);
    private final Line upgradedLine = new Line("Upgraded", false);
    private final PauseTransition upgradedTimer = new PauseTransition(SUCCESS_SHOWN_FOR);
    private long shown;
    /** What ended since the last notification (FX thread): each a router's line. */
    private final List<String> upgraded = new ArrayList<>();
    private final List<String> attention = new ArrayList<>();
    /** The routers that need attention since the technician last dismissed that line (FX thread). */
    private final List<String> attentionShown = new ArrayList<>();
    private PauseTransition gathering;

    /** A strip with nothing to say yet (hidden); put {@link #root()} in the window. Call on the FX thread. */
    public UpgradeNotifier() {
        root.getStyleClass().add("upgrade-notices");
        root.getChildren().setAll(attentionLine.box, upgradedLine.box);
        upgradedTimer.setOnFinished(e -> upgradedLine.hide());
        updateStrip();
    }

    /**
     * Puts the strip's style sheet on {@code scene}. Call while the window is built: a style sheet added to the scene
     * later makes JavaFX restyle the whole window.
     */
    public static void styleFor(Scene scene) {
        if (!scene.getStylesheets().contains(STYLESHEET)) {
            scene.getStylesheets().add(STYLESHEET);
        }
    }

    /** The strip, to place in the window (it takes no room while it has nothing to say). */
    public Node root() {
        return root;
    }

    /**
     * Lets Escape dismiss the notifications shown in {@code scene}. A field being typed in gets Escape first (it may
     * undo an edit with it); anywhere else, Escape goes to the notifications while one shows (the fleet table would
     * otherwise take it to cancel an edit it does not have).
     */
    public void dismissOnEscape(Scene scene) {
        scene.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() == KeyCode.ESCAPE && !(scene.getFocusOwner() instanceof javafx.scene.control.TextInputControl) && dismiss()) {
                e.consume();
            }
        });
        scene.addEventHandler(KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() == KeyCode.ESCAPE && dismiss()) {
                e.consume();
            }
        });
    }

    /** Says {@code router upgraded to version}; {@code version} may be empty when the router did not report one. */
    public void upgraded(String router, String version) {
        String v = version == null || version.isBlank() ? "" : " to " + Sanitize.line(version, 64);
        post(Sanitize.line(router, 96) + " upgraded" + v, false);
    }

    /** Says {@code router needs attention: whatToDo}; stays until the technician dismisses it. */
    public void needsAttention(String router, String whatToDo) {
        post(Sanitize.line(router, 96) + " needs attention: " + Sanitize.line(whatToDo, 400), true);
    }

    /** How many notifications were shown (on the FX thread), for a test that checks a headless run shows none. */
    public long shown() {
        return shown;
    }

    /** Hides what the strip shows (FX thread); false when it showed nothing. */
    public boolean dismiss() {
        boolean any = attentionLine.showing() || upgradedLine.showing();
        attentionLine.hide();
        upgradedLine.hide();
        return any;
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
     * wave of a batch ends together; the strip then changes once, not once per router).
     */
    private void gather(String line, boolean needsAttention) {
        (needsAttention ? attention : upgraded).add(line);
        if (gathering == null) {
            gathering = new PauseTransition(GATHER);
            gathering.setOnFinished(e -> flush());
        }
        if (gathering.getStatus() != Animation.Status.RUNNING) {
            gathering.playFromStart();
        }
    }

    /** Shows what was gathered: routers that need attention join those still shown; upgraded ones replace the last ones. */
    void flush() {
        Window window = root.getScene() == null ? null : root.getScene().getWindow();
        if (window != null && window.isShowing()) {
            if (!attention.isEmpty()) {
                if (!attentionLine.showing()) {
                    attentionShown.clear();
                }
                attentionShown.addAll(attention);
                attentionLine.show(attentionShown.size() == 1 ? attentionShown.get(0) : attentionShown.size() + " routers need"
                        + " attention (point at their status for what to do): " + names(attentionShown));
                shown++;
            }
            if (!upgraded.isEmpty()) {
                upgradedLine.show(upgraded.size() == 1 ? upgraded.get(0) : upgraded.size() + " routers upgraded: " + names(upgraded));
                upgradedTimer.playFromStart();
                shown++;
            }
        }
        attention.clear();
        upgraded.clear();
    }

    /** The routers of {@code lines} (the words before " upgraded" or " needs"), at most a few, then how many more. */
    private static String names(List<String> lines) {
        List<String> names = lines.stream().map(l -> l.replaceFirst(" (upgraded|needs attention).*$", "")).toList();
        int shownNames = Math.min(4, names.size());
        return String.join(", ", names.subList(0, shownNames)) + (names.size() > shownNames ? " and " + (names.size() - shownNames)
                + " more" : "") + ".";
    }

    /** The strip takes room only while one of its lines shows. */
    private void updateStrip() {
        boolean any = attentionLine.showing() || upgradedLine.showing();
        root.setVisible(any);
        root.setManaged(any);
    }

    /** One line of the strip: its title, its words (wrapped when long), and a Dismiss button. */
    private final class Line {
        private final HBox box = new HBox(10);
        private final Label text = new Label();

        Line(String title, boolean needsAttention) {
            Label heading = new Label(title);
            heading.getStyleClass().add("notice-title");
            heading.setMinWidth(Label.USE_PREF_SIZE);
            text.getStyleClass().add("notice-text");
            text.setWrapText(true);
            text.setMaxWidth(Double.MAX_VALUE);
            HBox.setHgrow(text, Priority.ALWAYS);
            Button close = new Button("Dismiss");
            close.getStyleClass().add("notice-dismiss");
            close.setMinWidth(Button.USE_PREF_SIZE);
            close.setOnAction(e -> hide());
            box.getStyleClass().addAll("upgrade-notice", needsAttention ? "needs-attention" : "upgraded");
            box.setAlignment(Pos.CENTER_LEFT);
            box.getChildren().setAll(heading, text, close);
            box.setVisible(false);
            box.setManaged(false);
        }

        boolean showing() {
            return box.isVisible();
        }

        void show(String words) {
            text.setText(words);
            box.setVisible(true);
            box.setManaged(true);
            updateStrip();
        }

        void hide() {
            if (this == upgradedLine) {
                upgradedTimer.stop();
            }
            box.setVisible(false);
            box.setManaged(false);
            updateStrip();
        }
    }
}

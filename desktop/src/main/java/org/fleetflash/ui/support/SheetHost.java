package org.fleetflash.ui.support;

import atlantafx.base.controls.ModalPane;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.Mnemonic;
import javafx.scene.layout.StackPane;

/**
 * Where a window shows its {@link Sheet}s: a layer over the window's content (AtlantaFX's {@link ModalPane}) that dims
 * it, takes its clicks, and holds the sheet in the middle, scrollable when the window is smaller than the sheet. One
 * sheet is open at a time.
 *
 * <p>A sheet is in the window's scene only while it is open (or for a step of its preparation): a sheet, shown again,
 * keeps its skins, cells and layout, and JavaFX keeps the styles it matched in the window's scene, so it opens without
 * being made or styled anew. And it needs no second window, whose pixels a headless screen (Monocle) composes over the
 * first on the FX thread at every frame (decision 0030).
 */
public final class SheetHost {

    private final ModalPane modal = new ModalPane() {
        {
            // the skin at once: a skin made later, at the first style pass, would start hidden and without its content
            setSkin(createDefaultSkin());
        }
    };
    /** The open sheet's pane (or the one being prepared). */
    private final StackPane sheets = new StackPane();
    private Sheet<?> open;
    /** Where the focus was when the open sheet opened, to give it back. */
    private Node focusBefore;
    /** Whether the last Tab pressed was a Shift+Tab: where focus that leaves the sheet goes back to. */
    private boolean backwards;
    /**
     * The window's mnemonics, taken out of its scene while a sheet is open: JavaFX fires a mnemonic as the key is
     * pressed, before any control or filter sees it, so only the sheet's own may stay.
     */
    private final List<Mnemonic> parked = new ArrayList<>();

    /** A host over {@code layer}'s content: the layer is the window's root, with its content as first child. */
    public SheetHost(StackPane layer) {
        modal.setId("sheetLayer");
        modal.setPersistent(true); // only the sheet's own buttons, Esc and Enter close it
        modal.setInTransitionFactory(null); // at once: an animation would draw the whole window at every frame
        modal.setOutTransitionFactory(null);
        modal.visibleProperty().bind(modal.displayProperty()); // hidden, it takes neither clicks nor drawing
        modal.setContent(sheets);
        sheets.getStyleClass().add("sheets");
        sheets.setMaxSize(javafx.scene.layout.Region.USE_PREF_SIZE, javafx.scene.layout.Region.USE_PREF_SIZE);
        layer.getChildren().add(modal);
        layer.sceneProperty().addListener((o, was, now) -> {
            if (now != null && was == null) {
                watch(now);
            }
        });
        if (layer.getScene() != null) {
            watch(layer.getScene());
        }
    }

    /**
     * The window's keys while a sheet is open: a filter on the window itself, so that it runs before any of the scene's
     * (the notifications take Esc there): Esc cancels the sheet; a key meant for the window behind it does nothing.
     */
    private void watch(Scene scene) {
        javafx.event.EventHandler<KeyEvent> keys = e -> {
            if (open == null) {
                return;
            }
            if (e.getCode() == KeyCode.TAB) {
                backwards = e.isShiftDown();
            }
            if (e.getCode() == KeyCode.ESCAPE) {
                e.consume();
                open.cancelButton().filter(b -> !b.isDisabled()).ifPresentOrElse(Button::fire, open::close);
            } else if (!(e.getTarget() instanceof Node n) || !open.contains(n)) {
                e.consume();
                SheetKeys.focusFirst(open);
            }
        };
        scene.windowProperty().addListener((o, was, now) -> {
            if (was != null) {
                was.removeEventFilter(KeyEvent.KEY_PRESSED, keys);
            }
            if (now != null) {
                now.addEventFilter(KeyEvent.KEY_PRESSED, keys);
            }
        });
        if (scene.getWindow() != null) {
            scene.getWindow().addEventFilter(KeyEvent.KEY_PRESSED, keys);
        }
        scene.focusOwnerProperty().addListener((o, was, now) -> {
            if (open != null && now != null && !open.contains(now)) {
                // Tab went past the sheet's last (or first) control, or a click fell on the dimmed window
                if (backwards) {
                    SheetKeys.focusLast(open);
                } else {
                    SheetKeys.focusFirst(open);
                }
            }
        });
    }

    /** Closes the open sheet without an answer, if one is open (the window closes). */
    public void cancelOpen() {
        if (open != null) {
            open.close();
        }
    }

    void open(Sheet<?> sheet) {
        if (open != null) {
            throw new IllegalStateException("Another sheet is open");
        }
        Scene scene = modal.getScene();
        focusBefore = scene == null ? null : scene.getFocusOwner();
        backwards = false;
        sheets.getChildren().setAll(sheet.getDialogPane());
        uncacheViewport();
        open = sheet;
        if (scene != null) {
            parkMnemonics(scene, sheet);
        }
        modal.setDisplay(true);
        SheetKeys.focusFirst(sheet);
    }

    void closed(Sheet<?> sheet) {
        if (open != sheet) {
            return;
        }
        open = null;
        modal.setDisplay(false);
        sheets.getChildren().clear();
        if (modal.getScene() != null) {
            restoreMnemonics(modal.getScene());
        }
        if (focusBefore != null && focusBefore.getScene() == modal.getScene()) {
            focusBefore.requestFocus();
        }
        focusBefore = null;
    }

    /**
     * The layer's scroll pane keeps what it shows as one cached image (JavaFX's {@code ScrollPaneSkin} caches its
     * viewport): over the whole window, every change in the sheet (a pre-flight answer) then drew the window-sized
     * image anew, on the FX thread under software rendering (ui-bench: 110 to 120 ms as the sheet opened). Drawn
     * directly instead. The viewport exists once the scroll pane has been styled.
     */
    private void uncacheViewport() {
        Node viewport = modal.lookup(".viewport");
        if (viewport == null && modal.getScene() != null) {
            modal.applyCss(); // its scroll pane's skin, made now
            viewport = modal.lookup(".viewport");
        }
        if (viewport != null && viewport.isCache()) {
            viewport.setCache(false);
        }
    }

    private void parkMnemonics(Scene scene, Sheet<?> sheet) {
        for (List<Mnemonic> list : scene.getMnemonics().values()) {
            for (Mnemonic m : List.copyOf(list)) {
                if (m.getNode() == null || !sheet.contains(m.getNode())) {
                    parked.add(m);
                }
            }
        }
        parked.forEach(scene::removeMnemonic);
    }

    /** Gives the window its mnemonics back: those of nodes still in it, and not registered again meanwhile. */
    private void restoreMnemonics(Scene scene) {
        for (Mnemonic m : parked) {
            List<Mnemonic> now = scene.getMnemonics().get(m.getKeyCombination());
            boolean again = now != null && now.stream().anyMatch(x -> x.getNode() == m.getNode());
            if (m.getNode() != null && m.getNode().getScene() == scene && !again) {
                scene.addMnemonic(m);
            }
        }
        parked.clear();
    }

    /**
     * Runs a preparation step on {@code sheet}'s pane in the window's scene, unseen (the layer is hidden); does nothing
     * while a sheet is open. The pane stays in the scene for the steps after it (each step taking it in anew would
     * style it anew) until {@link #prepared} or another sheet's preparation or opening takes it out.
     */
    void prepare(Sheet<?> sheet, Consumer<Parent> step) {
        if (open != null || modal.getScene() == null) {
            return;
        }
        if (sheets.getChildren().size() != 1 || sheets.getChildren().get(0) != sheet.getDialogPane()) {
            sheets.getChildren().setAll(sheet.getDialogPane());
        }
        step.accept(sheet.getDialogPane());
        uncacheViewport();
    }

    /** Ends {@code sheet}'s preparation: its pane leaves the window until it opens. */
    void prepared(Sheet<?> sheet) {
        if (open == null) {
            sheets.getChildren().remove(sheet.getDialogPane());
        }
    }
}

package org.fleetflash.ui.support;

import java.util.ArrayList;
import java.util.List;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Control;
import javafx.scene.control.DialogPane;
import javafx.scene.input.KeyEvent;

/**
 * The keyboard of an open {@link Sheet}, which a window of its own would have given it: none of the window's shortcuts
 * (nor its mnemonics, taken out while the sheet is open by {@link SheetHost}; the sheet's own stay JavaFX's), its own
 * controls in the Tab order, Enter on its default button (JavaFX's own default-button shortcut, there while the sheet
 * is in the window).
 */
final class SheetKeys {

    private SheetKeys() {
    }

    /** Takes the keys that reach the sheet's pane without a control of the sheet taking them: none reaches the window. */
    static void install(Sheet<?> sheet) {
        DialogPane pane = sheet.getDialogPane();
        pane.addEventHandler(KeyEvent.KEY_PRESSED, e -> {
            if (e.isConsumed() || e.getCode().isModifierKey()) {
                return; // Alt alone still shows the mnemonics' underlines
            }
            if (e.isShortcutDown() || e.isControlDown() || e.isAltDown() || e.isMetaDown() || e.getCode().isFunctionKey()) {
                e.consume(); // a shortcut of the window behind the sheet: not while the sheet is open
            }
        });
    }

    static void focusFirst(Sheet<?> sheet) {
        List<Node> order = focusOrder(sheet);
        if (!order.isEmpty()) {
            order.get(0).requestFocus();
        }
    }

    static void focusLast(Sheet<?> sheet) {
        List<Node> order = focusOrder(sheet);
        if (!order.isEmpty()) {
            order.get(order.size() - 1).requestFocus();
        }
    }

    /** The sheet's controls that Tab stops at, in the order of its pane (header, content, buttons). */
    static List<Node> focusOrder(Sheet<?> sheet) {
        List<Node> out = new ArrayList<>();
        collect(sheet, sheet.getDialogPane(), out);
        return out;
    }

    private static void collect(Sheet<?> sheet, Node node, List<Node> out) {
        if (!node.isVisible() || node.isDisabled()) {
            return;
        }
        if (node instanceof Control && node.isFocusTraversable()) {
            out.add(node); // its skin's own parts are the control's business
            return;
        }
        if (node instanceof Parent p) {
            for (Node child : p.getChildrenUnmodifiable()) {
                collect(sheet, child, out);
            }
        }
    }
}

package org.fleetflash.ui.support;

import java.util.Locale;
import javafx.css.PseudoClass;
import javafx.scene.Node;

/**
 * The one coloured state of a table cell (an outcome, a status, a host-key state), held as a CSS pseudo-class.
 *
 * <p>A cell is updated every time its row changes, several times a second per router during a batch. Swapping style
 * classes ({@code getStyleClass().removeAll(...)} then {@code add(...)}) makes JavaFX look up the node's styles again
 * on each change, even when the class ends up the same; a pseudo-class is switched only when it really changes, and
 * then only its own styles are re-applied. The style sheets match the state as {@code .table-cell:outcome-succeeded}.
 */
public final class CellState {

    private PseudoClass current;

    /**
     * Shows {@code state} on {@code node} in place of the previous one; null shows none. A state is a CSS name
     * ({@code outcome-succeeded}); other characters of a word become hyphens, see {@link #name}.
     */
    public void show(Node node, String state) {
        PseudoClass next = state == null ? null : PseudoClass.getPseudoClass(state);
        if (next == current) {
            return;
        }
        if (current != null) {
            node.pseudoClassStateChanged(current, false);
        }
        if (next != null) {
            node.pseudoClassStateChanged(next, true);
        }
        current = next;
    }

    /** {@code prefix} followed by {@code word} in lower case with every run of other characters a hyphen. */
    public static String name(String prefix, String word) {
        return prefix + word.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }
}

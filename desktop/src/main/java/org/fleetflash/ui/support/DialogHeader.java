package org.fleetflash.ui.support;

import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

/**
 * The header of a dialog that is shown again with other words (the confirmation sheet, the login): its label's text
 * changes in place. A {@code DialogPane}'s own header text makes new header nodes at every change of its words, and
 * JavaFX then styles and measures them anew while the dialog opens. It looks the same: the theme styles a dialog pane's
 * {@code header-panel} and its label.
 */
public final class DialogHeader extends HBox {

    private final Label words = new Label();

    private DialogHeader(String text) {
        getStyleClass().add("header-panel");
        words.setText(text);
        words.setWrapText(true);
        words.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(words, Priority.ALWAYS);
        getChildren().add(words);
    }

    /** Puts a header with {@code text} on {@code dialog}, and returns it to change its words later. */
    public static DialogHeader on(Dialog<?> dialog, String text) {
        DialogHeader header = new DialogHeader(text);
        dialog.getDialogPane().setHeader(header);
        return header;
    }

    /** The words the header shows. */
    public String getText() {
        return words.getText();
    }

    public void setText(String text) {
        words.setText(text);
    }
}

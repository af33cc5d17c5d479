package org.fleetflash.ui.support;

import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;

/**
 * The header of a sheet that is shown again with other words (the confirmation sheet, the login): its title, and words
 * that change in place. A {@code DialogPane}'s own header text makes new header nodes at every change of its words, and
 * JavaFX then styles and measures them anew while the sheet opens. It looks like a dialog's header: the theme styles a
 * dialog pane's {@code header-panel} and its labels.
 */
public final class DialogHeader extends VBox {

    private final Label title = new Label();
    private final Label words = new Label();

    private DialogHeader(String title, String text) {
        super(4);
        getStyleClass().add("header-panel");
        this.title.setText(title);
        this.title.getStyleClass().add("sheet-title");
        words.setText(text);
        words.setWrapText(true);
        words.setMaxWidth(Double.MAX_VALUE);
        getChildren().addAll(this.title, words);
    }

    /** Puts a header with {@code title} and {@code text} on {@code pane}, and returns it to change its words later. */
    public static DialogHeader on(DialogPane pane, String title, String text) {
        DialogHeader header = new DialogHeader(title, text);
        pane.setHeader(header);
        return header;
    }

    /** The title above the words. */
    public String getTitle() {
        return title.getText();
    }

    /** The words the header shows. */
    public String getText() {
        return words.getText();
    }

    public void setText(String text) {
        words.setText(text);
    }
}

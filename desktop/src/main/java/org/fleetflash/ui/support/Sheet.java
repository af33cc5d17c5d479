package org.fleetflash.ui.support;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import javafx.application.Platform;
import javafx.event.ActionEvent;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.DialogPane;

/**
 * A dialog shown inside the window it belongs to, over a dimmed window ({@link SheetHost}): a header, a content and a
 * row of buttons in a {@link DialogPane}, as a {@code Dialog} lays them out, without a window of its own. A window keeps
 * its sheets and shows them again, each time filled anew.
 *
 * <p>While it is open, the keyboard stays in it: Tab and Shift+Tab go round its controls, Enter presses its default
 * button (or the button that has the focus), Esc its cancel button, Alt with a letter its own mnemonics, and the
 * window's shortcuts and mnemonics do nothing (decision 0030). Call its methods on the FX thread.
 *
 * @param <R> what the sheet answers
 */
public class Sheet<R> {

    private final SheetHost host;
    private final DialogPane pane = new DialogPane();
    private final DialogHeader header;
    private Function<ButtonType, R> resultConverter = b -> null;
    private R result;
    private volatile boolean showing;
    /** Whether {@link #showAndWait} waits in a nested event loop for this sheet to close. */
    private boolean waiting;
    private Runnable onShown = () -> { };
    private Runnable onHidden = () -> { };

    /**
     * A sheet of {@code host}'s window.
     *
     * @param title what it asks, above its header's words
     */
    protected Sheet(SheetHost host, String title) {
        this.host = Objects.requireNonNull(host, "host");
        pane.getStyleClass().add("sheet");
        pane.setMaxSize(javafx.scene.layout.Region.USE_PREF_SIZE, javafx.scene.layout.Region.USE_PREF_SIZE); // not the window's size
        header = DialogHeader.on(pane, title, "");
        SheetKeys.install(this);
    }

    /** The sheet's pane: its header, content and buttons. */
    public final DialogPane getDialogPane() {
        return pane;
    }

    /** The header, whose words change for each use. */
    protected final DialogHeader header() {
        return header;
    }

    /** Sets the buttons, in {@link ButtonBar}'s order; each one closes the sheet with the answer of its type. */
    protected final void setButtons(ButtonType... types) {
        pane.getButtonTypes().setAll(types);
        for (ButtonType t : types) {
            pane.lookupButton(t).addEventHandler(ActionEvent.ACTION, e -> close(t));
        }
    }

    /** What each button answers (null for none). */
    protected final void setResultConverter(Function<ButtonType, R> converter) {
        this.resultConverter = Objects.requireNonNull(converter, "converter");
    }

    /** The answer of the last use: empty until a button closed the sheet with one. */
    public final R getResult() {
        return result;
    }

    /** Clears the answer for the next use. */
    protected final void setResult(R r) {
        this.result = r;
    }

    public final boolean isShowing() {
        return showing;
    }

    /** Runs each time the sheet has opened in its window, before its first frame is drawn. */
    public final void setOnShown(Runnable r) {
        this.onShown = Objects.requireNonNull(r, "r");
    }

    /** Runs when the sheet has left its window. */
    public final void setOnHidden(Runnable r) {
        this.onHidden = Objects.requireNonNull(r, "r");
    }

    /** Shows the sheet in its window and returns at once. */
    public final void show() {
        if (showing) {
            return;
        }
        result = null;
        showing = true;
        host.open(this);
        onShown.run();
    }

    /**
     * Shows the sheet and returns its answer when it closes, the window going on meanwhile (a nested event loop, as
     * {@code Dialog.showAndWait} has one): empty when it was cancelled.
     */
    public final Optional<R> showAndWait() {
        if (showing) {
            throw new IllegalStateException("The sheet is already showing");
        }
        show();
        waiting = true;
        Platform.enterNestedEventLoop(this);
        return Optional.ofNullable(result);
    }

    /** Closes the sheet without an answer, as its cancel button or Esc does. */
    public final void close() {
        close(null);
    }

    private void close(ButtonType pressed) {
        if (!showing) {
            return;
        }
        result = pressed == null ? null : resultConverter.apply(pressed);
        showing = false;
        host.closed(this);
        onHidden.run();
        if (waiting) {
            waiting = false;
            Platform.exitNestedEventLoop(this, null);
        }
    }

    /** The button that cancels the sheet on Esc, if its bar has one. */
    Optional<Button> cancelButton() {
        return pane.getButtonTypes().stream().filter(t -> t.getButtonData().isCancelButton()).map(pane::lookupButton)
                .filter(Button.class::isInstance).map(Button.class::cast).findFirst();
    }

    /** Whether {@code node} is the sheet's pane or inside it. */
    final boolean contains(Node node) {
        for (Node n = node; n != null; n = n.getParent()) {
            if (n == pane) {
                return true;
            }
        }
        return false;
    }

    /**
     * A step of the sheet's preparation ahead of its first show (for {@link Frames#onePerFrame}): runs {@code step} on
     * the sheet's pane in its window, unseen, while the sheet is not showing; does nothing while it is. The last step of
     * a preparation is {@link #preparedFully}.
     */
    protected final Runnable beforeShow(Consumer<Parent> step) {
        return () -> {
            if (!showing) {
                host.prepare(this, step);
            }
        };
    }

    /** The last step of the sheet's preparation: its pane leaves the window (nothing while it is showing). */
    protected final Runnable preparedFully() {
        return () -> {
            if (!showing) {
                host.prepared(this);
            }
        };
    }
}

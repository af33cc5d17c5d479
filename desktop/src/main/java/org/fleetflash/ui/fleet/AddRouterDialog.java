package org.fleetflash.ui.fleet;

import java.util.Optional;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.VBox;
import javafx.stage.Window;
import org.fleetflash.core.device.SshTarget;

/** Asks for a router's address ({@code HOST[:PORT]}, port 22 unless given) and says what is wrong with a bad one before OK. */
public final class AddRouterDialog extends Dialog<SshTarget> {

    private final TextField address = new TextField();
    private final Label problem = new Label();

    public AddRouterDialog(Window owner) {
        initOwner(owner);
        setTitle("Add router");
        setHeaderText("Add a router by its address");
        address.setId("addressField");
        address.setPromptText("192.0.2.1 or 192.0.2.1:2222");
        problem.setId("addressProblem");
        problem.getStyleClass().add("field-problem");
        problem.setWrapText(true);
        Label hint = new Label("HOST[:PORT] — an IPv4 address, a host name or a [bracketed] IPv6 address; port 22 unless given.");
        hint.setWrapText(true);
        VBox box = new VBox(8, hint, address, problem);
        box.setPadding(new Insets(8, 0, 0, 0));
        box.setPrefWidth(460);
        getDialogPane().setContent(box);
        getDialogPane().getButtonTypes().setAll(ButtonType.OK, ButtonType.CANCEL);
        Node ok = getDialogPane().lookupButton(ButtonType.OK);
        ok.setId("addOk");
        ok.setDisable(true);
        address.textProperty().addListener((o, was, now) -> {
            Optional<String> why = problemWith(now);
            ok.setDisable(why.isPresent());
            problem.setText(now.isBlank() ? "" : why.orElse(""));
        });
        setResultConverter(b -> b == ButtonType.OK ? SshTarget.parse(address.getText().strip()) : null);
        setOnShown(e -> address.requestFocus());
    }

    /** Why {@code text} is not a router address, or empty if it is one. Never looks a name up. */
    static Optional<String> problemWith(String text) {
        if (text == null || text.isBlank()) {
            return Optional.of("Type the router's address.");
        }
        try {
            SshTarget.parse(text.strip());
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(org.fleetflash.ui.support.RouterFailures.firstSentence(e.getMessage()) + ".");
        }
    }
}

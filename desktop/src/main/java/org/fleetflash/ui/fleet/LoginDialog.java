package org.fleetflash.ui.fleet;

import java.nio.file.Path;
import java.util.Optional;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.stage.Window;
import org.fleetflash.core.app.EngineSettings;
import org.fleetflash.core.device.Credentials;

/**
 * Asks once per session for the routers' SSH login (user and password, kept in memory only) and whether a router
 * seen for the first time may be trusted (its host key pinned). The demo pre-fills the demo fleet's login. When the
 * settings name a key file, it logs in with that key and asks only for the key's passphrase, if it has one.
 */
public final class LoginDialog extends Dialog<LoginDialog.Answer> {

    /** What the technician gave. */
    public record Answer(Credentials credentials, boolean trustNewHostKeys) {}

    private final TextField user = new TextField();
    private final PasswordField password = new PasswordField();
    private final CheckBox trust = new CheckBox("_Trust a router seen for the first time (pin its host key)");

    /**
     * @param user     pre-filled user ("root" when nothing better is known)
     * @param password pre-filled password (the demo's), or empty
     * @param trustNew pre-ticked trust (the demo's routers are on this computer)
     */
    public LoginDialog(Window owner, String user, String password, boolean trustNew) {
        this(owner, user, password, trustNew, Optional.empty());
    }

    /**
     * @param user     pre-filled user (the settings' user, or the demo router's)
     * @param password pre-filled password (the demo's), or empty
     * @param trustNew pre-ticked trust (the demo's routers are on this computer)
     * @param keyFile  the key file of the settings: the login uses it, and the secret asked for is its passphrase
     */
    public LoginDialog(Window owner, String user, String password, boolean trustNew, Optional<Path> keyFile) {
        initOwner(owner);
        setTitle("Router login");
        setHeaderText(keyFile.isPresent() ? "SSH login for the routers with the key " + keyFile.get().getFileName()
                + " (the passphrase is kept in memory until FleetFlash closes)"
                : "SSH login for the routers (kept in memory until FleetFlash closes)");
        this.user.setId("userField");
        this.user.setText(user);
        this.password.setId("passwordField");
        this.password.setText(password);
        trust.setId("trustNewHostKeys");
        trust.setSelected(trustNew);
        GridPane grid = new GridPane();
        grid.setHgap(10);
        grid.setVgap(8);
        grid.setPadding(new Insets(8, 0, 0, 0));
        Label u = new Label("_User:");
        u.setLabelFor(this.user);
        u.setMnemonicParsing(true);
        Label p = new Label(keyFile.isPresent() ? "Key pass_phrase:" : "Pass_word:");
        p.setLabelFor(this.password);
        p.setMnemonicParsing(true);
        grid.addRow(0, u, this.user);
        grid.addRow(1, p, this.password);
        int row = 2;
        if (keyFile.isPresent()) {
            this.password.setPromptText("empty if the key has none");
            Label key = new Label("Key file (Settings tab): " + keyFile.get());
            key.setId("loginKeyFile");
            key.getStyleClass().add("hint");
            grid.add(key, 0, row++, 2, 1);
        }
        grid.add(trust, 0, row++, 2, 1);
        Label changed = new Label("A router whose key CHANGED is always refused.");
        changed.getStyleClass().add("hint");
        grid.add(changed, 0, row, 2, 1);
        getDialogPane().setContent(grid);
        getDialogPane().getButtonTypes().setAll(ButtonType.OK, ButtonType.CANCEL);
        Node ok = getDialogPane().lookupButton(ButtonType.OK);
        ok.setId("loginOk");
        ok.disableProperty().bind(keyFile.isPresent() ? this.user.textProperty().isEmpty()
                : this.user.textProperty().isEmpty().or(this.password.textProperty().isEmpty()));
        setResultConverter(b -> b == ButtonType.OK ? new Answer(EngineSettings.login(this.user.getText().strip(), keyFile,
                this.password.getText().toCharArray()), trust.isSelected()) : null);
        setOnShown(e -> (password.isEmpty() ? this.password : this.user).requestFocus());
        setOnHidden(e -> this.password.clear());
    }
}

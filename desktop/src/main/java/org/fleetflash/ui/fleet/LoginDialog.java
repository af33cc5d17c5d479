package org.fleetflash.ui.fleet;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import org.fleetflash.core.app.EngineSettings;
import org.fleetflash.core.device.Credentials;
import org.fleetflash.ui.support.Sheet;
import org.fleetflash.ui.support.SheetHost;

/**
 * Asks once per session for the routers' SSH login (user and password, kept in memory only) and whether a router
 * seen for the first time may be trusted (its host key pinned). The demo pre-fills the demo fleet's login. When the
 * settings name a key file, it logs in with that key and asks only for the key's passphrase, if it has one.
 */
public final class LoginDialog extends Sheet<LoginDialog.Answer> {

    /** What the technician gave. */
    public record Answer(Credentials credentials, boolean trustNewHostKeys) {}

    private final TextField user = new TextField();
    private final PasswordField password = new PasswordField();
    private final CheckBox trust = new CheckBox("_Trust a router seen for the first time (pin its host key)");
    private final Label secretLabel = new Label("Pass_word:");
    private final Label keyLabel = new Label();
    private final Label changed = new Label("A router whose key CHANGED is always refused.");
    private final GridPane grid = new GridPane();
    /** The key file of the settings for this use, when there is one: the login uses it, the secret is its passphrase. */
    private Optional<Path> keyFile = Optional.empty();

    /**
     * An empty login dialog, filled by {@link #fill} before each show. A window keeps one and shows it again: it stays
     * styled in the window, so a dialog shown again, or prepared ahead by {@link #preparation()}, opens without styling
     * it anew while the technician waits (ui-bench: a new one held the window for about 100 ms).
     */
    public LoginDialog(SheetHost host) {
        super(host, "Router login");
        this.user.setId("userField");
        this.password.setId("passwordField");
        trust.setId("trustNewHostKeys");
        grid.setHgap(10);
        grid.setVgap(8);
        grid.setPadding(new Insets(8, 0, 0, 0));
        Label u = new Label("_User:");
        u.setLabelFor(this.user);
        u.setMnemonicParsing(true);
        secretLabel.setLabelFor(this.password);
        secretLabel.setMnemonicParsing(true);
        keyLabel.setId("loginKeyFile");
        keyLabel.getStyleClass().add("hint");
        grid.addRow(0, u, this.user);
        grid.addRow(1, secretLabel, this.password);
        grid.add(trust, 0, 2, 2, 1);
        changed.getStyleClass().add("hint");
        grid.add(changed, 0, 3, 2, 1);
        getDialogPane().setContent(grid);
        setButtons(ButtonType.OK, ButtonType.CANCEL);
        getDialogPane().lookupButton(ButtonType.OK).setId("loginOk");
        setResultConverter(b -> b == ButtonType.OK ? new Answer(EngineSettings.login(this.user.getText().strip(), keyFile,
                this.password.getText().toCharArray()), trust.isSelected()) : null);
        setOnShown(() -> (this.password.getText().isEmpty() ? this.password : this.user).requestFocus());
        setOnHidden(this.password::clear);
        fill("root", "", false, Optional.empty());
    }

    /**
     * Fills the dialog for its next show.
     *
     * @param user     pre-filled user (the settings' user, or the demo router's)
     * @param password pre-filled password (the demo's), or empty
     * @param trustNew pre-ticked trust (the demo's routers are on this computer)
     * @param keyFile  the key file of the settings: the login uses it, and the secret asked for is its passphrase
     * @return this dialog
     */
    public LoginDialog fill(String user, String password, boolean trustNew, Optional<Path> keyFile) {
        this.keyFile = keyFile;
        setResult(null);
        header().setText(keyFile.isPresent() ? "SSH login for the routers with the key " + keyFile.get().getFileName()
                + " (the passphrase is kept in memory until FleetFlash closes)"
                : "SSH login for the routers (kept in memory until FleetFlash closes)");
        this.user.setText(user);
        this.password.setText(password);
        this.password.setPromptText(keyFile.isPresent() ? "empty if the key has none" : null);
        secretLabel.setText(keyFile.isPresent() ? "Key pass_phrase:" : "Pass_word:");
        keyLabel.setText(keyFile.map(k -> "Key file (Settings tab): " + k).orElse(""));
        // the key's row only with a key: a hidden row would still leave its gap
        grid.getChildren().remove(keyLabel);
        int row = 2;
        if (keyFile.isPresent()) {
            grid.add(keyLabel, 0, row++, 2, 1);
        }
        GridPane.setRowIndex(trust, row++);
        GridPane.setRowIndex(changed, row);
        trust.setSelected(trustNew);
        Node ok = getDialogPane().lookupButton(ButtonType.OK);
        ok.disableProperty().unbind();
        ok.disableProperty().bind(keyFile.isPresent() ? this.user.textProperty().isEmpty()
                : this.user.textProperty().isEmpty().or(this.password.textProperty().isEmpty()));
        return this;
    }

    /**
     * The work of the dialog's first show, in steps to run one per frame before it is needed (styles, then a layout),
     * so that the first login asked for does not hold the window. A step does nothing while the dialog is showing.
     */
    public List<Runnable> preparation() {
        return List.of(beforeShow(javafx.scene.Parent::applyCss), beforeShow(root -> {
            root.resize(root.prefWidth(-1), root.prefHeight(-1));
            root.layout();
        }), preparedFully());
    }
}

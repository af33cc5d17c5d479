package org.fleetflash.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.fleetflash.core.device.Credentials;
import org.fleetflash.ui.fleet.LoginDialog;
import org.fleetflash.ui.support.SheetHost;
import org.fleetflash.ui.support.Frames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The login dialog as a window keeps it (shown inside the window): prepared ahead of its first show, then filled for each use. What must never
 * happen: a key file, a password or an answer of the use before showing up in the next one.
 */
@ExtendWith(ApplicationExtension.class)
class LoginDialogIT {

    private SheetHost host;

    @Start
    void start(Stage stage) {
        Theme.LIGHT.apply();
        StackPane layer = new StackPane(new javafx.scene.control.Label("the window"));
        host = new SheetHost(layer);
        Scene scene = new Scene(layer, 800, 600);
        scene.getStylesheets().add(Theme.APP_STYLESHEET);
        stage.setScene(scene);
        stage.show();
    }

    @Test
    void aDialogPreparedAheadAsksEachTimeWithThatTimesKeyFileAndNothingOfTheTimeBefore(FxRobot robot) throws Exception {
        LoginDialog dialog = onFx(() -> new LoginDialog(host));
        AtomicBoolean prepared = new AtomicBoolean();
        robot.interact(() -> {
            Queue<Runnable> steps = new ArrayDeque<>(dialog.preparation());
            steps.add(() -> prepared.set(true));
            Frames.onePerFrame(steps);
        });
        FleetWindowIT.waitFor(10, prepared::get);
        assertThat(onFx(dialog::isShowing)).as("prepared, not shown").isFalse();
        TextField user = (TextField) dialog.getDialogPane().lookup("#userField");
        assertThat(onFx(user::getSkin)).as("styled ahead (its fields' skins made)").isNotNull();

        // first use: a key file from the settings; the passphrase may be empty
        Path key = Path.of("/home/tech/.ssh/id_ed25519");
        robot.interact(() -> {
            dialog.fill("admin", "", false, Optional.of(key));
            dialog.show();
        });
        WaitForAsyncUtils.waitForFxEvents();
        Label keyLabel = (Label) dialog.getDialogPane().lookup("#loginKeyFile");
        assertThat(keyLabel).as("the key file named").isNotNull();
        Node ok = dialog.getDialogPane().lookupButton(ButtonType.OK);
        assertThat(onFx(keyLabel::isVisible)).isTrue();
        assertThat(onFx(() -> keyLabel.getText())).endsWith(key.toString());
        assertThat(onFx(() -> shownHeader(dialog))).contains("with the key id_ed25519");
        assertThat(onFx(ok::isDisabled)).as("a key without passphrase logs in").isFalse();
        robot.clickOn("#passwordField").write("secret-1");
        robot.interact(() -> ((javafx.scene.control.Button) ok).fire());
        WaitForAsyncUtils.waitForFxEvents();
        LoginDialog.Answer first = onFx(dialog::getResult);
        assertThat(first.credentials().user()).isEqualTo("admin");
        assertThat(first.credentials()).isInstanceOf(Credentials.PrivateKey.class);
        assertThat(((Credentials.PrivateKey) first.credentials()).keyFile()).isEqualTo(key);
        assertThat(onFx(dialog::isShowing)).isFalse();
        assertThat(onFx(() -> ((PasswordField) dialog.getDialogPane().lookup("#passwordField")).getText()))
                .as("the secret leaves the dialog once it closes").isEmpty();

        // the preparation, when its steps come after a first use (a login asked for within a second of opening the
        // window): nothing fails, and it leaves nothing of the dialog in the window
        robot.interact(() -> dialog.preparation().forEach(Runnable::run));
        assertThat(robot.lookup("#loginOk").tryQuery()).as("nothing of a closed login in the window").isEmpty();

        // second use: no key file; the key and the answer of the first use are gone, and a password is required
        robot.interact(() -> {
            dialog.fill("root", "", true, Optional.empty());
            dialog.show();
        });
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(onFx(dialog::getResult)).as("no answer before this use's").isNull();
        assertThat(onFx(() -> dialog.getDialogPane().lookup("#loginKeyFile"))).as("no key row, and no gap where it was").isNull();
        assertThat(onFx(() -> shownHeader(dialog))).doesNotContain("key");
        assertThat(onFx(() -> user.getText())).isEqualTo("root");
        assertThat(onFx(ok::isDisabled)).as("no password, no login").isTrue();
        robot.clickOn("#passwordField").write("pw-2");
        assertThat(onFx(ok::isDisabled)).isFalse();
        robot.interact(() -> ((javafx.scene.control.Button) ok).fire());
        WaitForAsyncUtils.waitForFxEvents();
        LoginDialog.Answer second = onFx(dialog::getResult);
        assertThat(second.credentials()).isEqualTo(Credentials.Password.of("root", "pw-2"));
        assertThat(second.trustNewHostKeys()).isTrue();
    }

    /** The words of the dialog's header, as shown. */
    private static String shownHeader(LoginDialog dialog) {
        return ((org.fleetflash.ui.support.DialogHeader) dialog.getDialogPane().getHeader()).getText();
    }

    private static <T> T onFx(Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get();
    }
}

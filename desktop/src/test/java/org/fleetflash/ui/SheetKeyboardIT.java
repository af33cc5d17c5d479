package org.fleetflash.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import org.fleetflash.core.device.Credentials;
import org.fleetflash.ui.fleet.LoginDialog;
import org.fleetflash.ui.support.SheetHost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * A sheet inside the window keeps the keyboard as a dialog window of its own would: Tab goes round its controls and
 * never reaches the window behind it, Enter answers with its default button, Esc cancels it even where the window
 * takes Esc for itself, Alt with a letter reaches its own controls only, and the window's shortcuts and mnemonics do
 * nothing until it closes. Then the focus is back where it was.
 */
@ExtendWith(ApplicationExtension.class)
class SheetKeyboardIT {

    private final AtomicInteger scans = new AtomicInteger();
    private final AtomicInteger probes = new AtomicInteger();
    private final AtomicInteger windowEscapes = new AtomicInteger();
    private SheetHost host;
    private TextField filter;
    private Button probe;

    @Start
    void start(Stage stage) {
        Theme.LIGHT.apply();
        filter = new TextField();
        filter.setId("windowFilter");
        probe = new Button("_Probe");
        probe.setId("windowProbe");
        probe.setMnemonicParsing(true);
        probe.setOnAction(e -> probes.incrementAndGet());
        StackPane layer = new StackPane(new VBox(8, filter, probe));
        host = new SheetHost(layer);
        Scene scene = new Scene(layer, 900, 600);
        scene.getStylesheets().add(Theme.APP_STYLESHEET);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F, KeyCombination.SHORTCUT_DOWN), scans::incrementAndGet);
        // as the window's notifications take Esc: a filter on the scene, made after the host
        scene.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() == KeyCode.ESCAPE) {
                windowEscapes.incrementAndGet();
                e.consume();
            }
        });
        stage.setScene(scene);
        stage.show();
    }

    @Test
    void tabGoesRoundTheSheetAndEnterAnswersWithItsDefaultButton(FxRobot robot) throws Exception {
        LoginDialog login = onFx(() -> new LoginDialog(host));
        robot.interact(filter::requestFocus);
        AtomicReference<Optional<LoginDialog.Answer>> answer = new AtomicReference<>();
        Platform.runLater(() -> answer.set(login.fill("admin", "", false, Optional.empty()).showAndWait()));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(onFx(login::isShowing)).isTrue();
        assertThat(focused()).as("the password is asked for first").isEqualTo(robot.lookup("#passwordField").query());

        for (int i = 0; i < 12; i++) {
            robot.type(KeyCode.TAB);
            assertThat(onFx(() -> inside(login, focused()))).as("Tab %d stays in the sheet", i + 1).isTrue();
        }
        for (int i = 0; i < 12; i++) {
            robot.press(KeyCode.SHIFT).type(KeyCode.TAB).release(KeyCode.SHIFT);
            assertThat(onFx(() -> inside(login, focused()))).as("Shift+Tab %d stays in the sheet", i + 1).isTrue();
        }

        robot.clickOn("#passwordField").write("pw");
        robot.type(KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();

        assertThat(answer.get()).hasValueSatisfying(a -> assertThat(a.credentials()).isEqualTo(Credentials.Password.of("admin", "pw")));
        assertThat(onFx(login::isShowing)).isFalse();
        assertThat(focused()).as("the focus back where it was").isSameAs(filter);
        assertThat(robot.lookup("#loginOk").tryQuery()).as("nothing of the sheet left in the window").isEmpty();
    }

    @Test
    void escapeCancelsTheSheetAndTheWindowsShortcutsWaitUntilItCloses(FxRobot robot) throws Exception {
        LoginDialog login = onFx(() -> new LoginDialog(host));
        AtomicReference<Optional<LoginDialog.Answer>> answer = new AtomicReference<>();
        Platform.runLater(() -> answer.set(login.fill("root", "secret", false, Optional.empty()).showAndWait()));
        WaitForAsyncUtils.waitForFxEvents();
        CheckBox trust = robot.lookup("#trustNewHostKeys").queryAs(CheckBox.class);

        robot.press(KeyCode.CONTROL).type(KeyCode.F).release(KeyCode.CONTROL);
        robot.press(KeyCode.ALT).type(KeyCode.P).release(KeyCode.ALT);
        robot.press(KeyCode.ALT).type(KeyCode.T).release(KeyCode.ALT);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(scans.get()).as("the window's shortcut, behind the sheet").isZero();
        assertThat(probes.get()).as("the window's mnemonic, behind the sheet").isZero();
        assertThat(focused()).as("the sheet's own mnemonic (_Trust) takes the focus there").isSameAs(trust);
        robot.clickOn(probe, org.testfx.robot.Motion.DIRECT);
        assertThat(probes.get()).as("a click on the dimmed window").isZero();

        robot.type(KeyCode.ESCAPE);
        WaitForAsyncUtils.waitForFxEvents();

        assertThat(answer.get()).as("cancelled").isEmpty();
        assertThat(onFx(login::isShowing)).isFalse();
        assertThat(windowEscapes.get()).as("the sheet's Esc, not the window's").isZero();
        assertThat(onFx(() -> ((javafx.scene.control.PasswordField) login.getDialogPane().lookup("#passwordField")).getText()))
                .as("the secret leaves with the sheet").isEmpty();
        robot.press(KeyCode.CONTROL).type(KeyCode.F).release(KeyCode.CONTROL);
        robot.press(KeyCode.ALT).type(KeyCode.P).release(KeyCode.ALT);
        robot.type(KeyCode.ESCAPE);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(scans.get()).as("the window's shortcut, once the sheet closed").isEqualTo(1);
        assertThat(probes.get()).as("the window's mnemonic, once the sheet closed").isEqualTo(1);
        assertThat(windowEscapes.get()).isEqualTo(1);
    }

    private static Node focused() throws Exception {
        return onFx(() -> javafx.stage.Window.getWindows().stream().filter(javafx.stage.Window::isShowing).findFirst().orElseThrow()
                .getScene().getFocusOwner());
    }

    private static boolean inside(LoginDialog sheet, Node n) {
        for (Node p = n; p != null; p = p.getParent()) {
            if (p == sheet.getDialogPane()) {
                return true;
            }
        }
        return false;
    }

    private static <T> T onFx(Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get();
    }
}

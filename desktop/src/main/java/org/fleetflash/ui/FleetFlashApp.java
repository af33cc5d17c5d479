package org.fleetflash.ui;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import javafx.application.Platform;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;

/**
 * The JavaFX application. Until the GUI issue lands it shows a placeholder window that lists the
 * demo fleet's routers (when started by {@code fleetflash demo}) and points to the command line. It keeps no
 * static state: what the window shows is handed to it when it opens.
 */
public final class FleetFlashApp {

    private FleetFlashApp() {
    }

    /** No window can be opened here: no graphical session, or no GTK 3 on Linux. */
    public static final class NoDisplayException extends Exception {
        private static final long serialVersionUID = 1L;

        NoDisplayException(Throwable cause) {
            super("No window can be opened on this computer: JavaFX found no usable display (" + cause.getMessage()
                    + "). On Linux it needs a graphical session and GTK 3 (Debian/Ubuntu: apt-get install libgtk-3-0); the"
                    + " command line works without them.", cause);
        }
    }

    /**
     * Starts JavaFX, opens the window listing these routers (one {@code name address:port user password} line
     * each) and returns when the technician closed it.
     */
    public static void showAndWait(List<String> routers) throws InterruptedException, NoDisplayException {
        CountDownLatch closed = new CountDownLatch(1);
        List<String> fleet = List.copyOf(routers);
        try {
            Platform.startup(() -> {
                Stage stage = new Stage();
                stage.setOnHidden(e -> closed.countDown());
                show(stage, fleet);
            });
        } catch (UnsupportedOperationException | IllegalStateException e) {
            throw new NoDisplayException(e);
        }
        closed.await();
        Platform.exit();
    }

    /** Builds and shows the window on {@code stage}. */
    public static void show(Stage stage, List<String> routers) {
        Label title = new Label("FleetFlash");
        title.setId("title");
        title.setStyle("-fx-font-size: 22px; -fx-font-weight: bold;");
        Label hint = new Label("The fleet view arrives with the GUI issue. Meanwhile use the command line:\n"
                + "  java -jar desktop/target/fleetflash.jar --help");
        hint.setId("hint");
        hint.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        VBox root = new VBox(12, title, hint);
        if (!routers.isEmpty()) {
            Label fleetTitle = new Label("Simulated demo routers (name, address:port, user, password). Try:\n"
                    + "  echo fleetflash > pw\n  java -jar desktop/target/fleetflash.jar probe ADDRESS:PORT --user root"
                    + " --password-file pw --accept-new-host-key");
            fleetTitle.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
            ListView<String> fleet = new ListView<>(FXCollections.observableArrayList(routers));
            fleet.setId("demoFleet");
            root.getChildren().addAll(fleetTitle, fleet);
        }
        root.setPadding(new Insets(24));
        stage.setTitle("FleetFlash");
        stage.setScene(new Scene(root, 900, routers.isEmpty() ? 240 : 480));
        stage.show();
    }
}

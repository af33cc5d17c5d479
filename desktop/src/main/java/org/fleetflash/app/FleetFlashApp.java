package org.fleetflash.app;

import java.util.List;
import javafx.application.Application;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;

/**
 * The JavaFX application. Until the GUI issue lands it shows a placeholder window that lists the
 * demo fleet's routers (when started by {@code fleetflash demo}) and points to the command line.
 */
public class FleetFlashApp extends Application {

    private static volatile List<String> demoRouters = List.of();

    static void launchWindow(String[] args) {
        Application.launch(FleetFlashApp.class, args);
    }

    /** Opens the window listing these routers (one {@code name address:port user password} line each). */
    public static void launchWithDemoFleet(List<String> routers) {
        demoRouters = List.copyOf(routers);
        Application.launch(FleetFlashApp.class);
    }

    @Override
    public void start(Stage stage) {
        show(stage, demoRouters);
    }

    /** Builds and shows the window on {@code stage}. */
    static void show(Stage stage, List<String> routers) {
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

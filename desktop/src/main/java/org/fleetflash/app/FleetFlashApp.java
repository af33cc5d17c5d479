package org.fleetflash.app;

import javafx.application.Application;
import javafx.geometry.Insets;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;

/** The JavaFX application. Until the GUI issue lands it shows a placeholder window. */
public class FleetFlashApp extends Application {

    static void launchWindow(String[] args) {
        Application.launch(FleetFlashApp.class, args);
    }

    @Override
    public void start(Stage stage) {
        Label title = new Label("FleetFlash");
        title.setId("title");
        title.setStyle("-fx-font-size: 22px; -fx-font-weight: bold;");
        Label hint = new Label("The fleet view arrives with the GUI issue. Meanwhile use the command line:\n"
                + "  java -jar fleetflash.jar --help");
        hint.setId("hint");
        VBox root = new VBox(12, title, hint);
        root.setPadding(new Insets(24));
        stage.setTitle("FleetFlash");
        stage.setScene(new Scene(root, 640, 240));
        stage.show();
    }
}

package org.fleetflash.ui.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Objects;
import javafx.fxml.FXMLLoader;
import javafx.scene.Parent;

/** Loads a screen's FXML with the controller it was built for: any other controller type named in the file is an error. */
public final class Views {

    private Views() {
    }

    /** Loads {@code fxml} (a resource next to {@code controller}'s class) and wires it to {@code controller}. */
    public static Parent load(Object controller, String fxml) {
        Objects.requireNonNull(controller, "controller");
        URL url = controller.getClass().getResource(fxml);
        if (url == null) {
            throw new IllegalStateException("No " + fxml + " beside " + controller.getClass().getName());
        }
        FXMLLoader loader = new FXMLLoader(url);
        loader.setControllerFactory(type -> {
            if (type.isInstance(controller)) {
                return controller;
            }
            throw new IllegalStateException(fxml + " asks for controller " + type.getName() + ", not " + controller.getClass().getName());
        });
        try {
            return loader.load();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot load " + url, e);
        }
    }
}

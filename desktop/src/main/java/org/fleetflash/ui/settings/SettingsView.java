package org.fleetflash.ui.settings;

import java.io.File;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import javafx.collections.FXCollections;
import javafx.fxml.FXML;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import org.fleetflash.core.settings.SettingKey;
import org.fleetflash.ui.support.Views;

/**
 * The Settings tab's controls: binds each field to its text in {@link SettingsViewModel} and shows what is wrong
 * under it; Apply and Revert delegate to the view model. The fields are found by the setting they hold
 * ({@code userData} in the FXML), so a new setting is one FXML element.
 */
public final class SettingsView {

    private final SettingsViewModel model;
    private final Parent root;
    private final Map<SettingKey, Node> fields = new EnumMap<>(SettingKey.class);
    private final Map<String, Node> byId = new java.util.HashMap<>();

    @FXML
    private javafx.scene.control.ScrollPane settingsScroll;
    @FXML
    private Button settingsApply;
    @FXML
    private Button settingsRevert;
    @FXML
    private Label settingsMessage;
    @FXML
    private TextField settingsIdentity;
    @FXML
    private TextField settingsDataDirectory;

    public SettingsView(SettingsViewModel model) {
        this.model = model;
        this.root = Views.load(this, "SettingsView.fxml");
    }

    /** The tab's content. */
    public Parent root() {
        return root;
    }

    /** The control of a setting (for the tests). */
    public Node field(SettingKey key) {
        return fields.get(key);
    }

    @FXML
    private void initialize() {
        collect(settingsScroll);
        fields.forEach(this::bind);
        settingsMessage.textProperty().bind(model.message());
        settingsApply.disableProperty().bind(model.changed().not().or(model.saving()));
        settingsRevert.disableProperty().bind(model.changed().not());
    }

    private void collect(Node node) {
        if (node.getId() != null) {
            byId.put(node.getId(), node);
        }
        if (node.getUserData() instanceof String name && !name.isEmpty()) {
            fields.put(SettingKey.valueOf(name), node);
        }
        if (node instanceof GridPane grid) {
            labelRows(grid);
        }
        if (node instanceof javafx.scene.control.ScrollPane scroll && scroll.getContent() != null) {
            collect(scroll.getContent());
        }
        if (node instanceof Parent p && !(node instanceof javafx.scene.control.ScrollPane)) {
            p.getChildrenUnmodifiable().forEach(this::collect);
        }
    }

    /** A row's label names the control beside it, so its mnemonic focuses that control and a screen reader reads it. */
    private static void labelRows(GridPane grid) {
        for (Node n : grid.getChildren()) {
            if (n instanceof Label label && GridPane.getColumnIndex(n) != null && GridPane.getColumnIndex(n) == 0) {
                Integer row = GridPane.getRowIndex(n);
                grid.getChildren().stream().filter(c -> c.getUserData() != null && java.util.Objects.equals(GridPane.getRowIndex(c), row))
                        .findFirst().ifPresent(label::setLabelFor);
            }
        }
    }

    private void bind(SettingKey key, Node node) {
        if (node instanceof TextField t) {
            t.textProperty().bindBidirectional(model.text(key));
        } else if (node instanceof CheckBox c) {
            c.setSelected(Boolean.parseBoolean(model.text(key).get()));
            c.selectedProperty().addListener((o, was, now) -> model.text(key).set(Boolean.toString(now)));
            model.text(key).addListener((o, was, now) -> c.setSelected(Boolean.parseBoolean(now)));
        } else if (node instanceof ComboBox<?> raw) {
            @SuppressWarnings("unchecked")
            ComboBox<String> box = (ComboBox<String>) raw;
            box.setItems(FXCollections.observableArrayList("light", "dark"));
            box.setValue(model.text(key).get());
            box.valueProperty().addListener((o, was, now) -> {
                if (now != null) {
                    model.text(key).set(now);
                }
            });
            model.text(key).addListener((o, was, now) -> box.setValue(now == null ? null : now.toLowerCase(Locale.ROOT)));
        }
        Label problem = (Label) byId.get(node.getId() + "Problem");
        if (problem != null) {
            problem.textProperty().bind(model.problem(key));
            problem.visibleProperty().bind(model.problem(key).isNotEmpty());
            problem.managedProperty().bind(problem.visibleProperty());
            model.problem(key).addListener((o, was, now) -> node.pseudoClassStateChanged(ERROR, !now.isEmpty()));
        }
    }

    private static final javafx.css.PseudoClass ERROR = javafx.css.PseudoClass.getPseudoClass("danger");

    @FXML
    void onApply() {
        model.apply();
    }

    @FXML
    void onRevert() {
        model.revert();
    }

    @FXML
    void chooseIdentity() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Private key to log in to the routers");
        File home = new File(System.getProperty("user.home"), ".ssh");
        if (home.isDirectory()) {
            chooser.setInitialDirectory(home);
        }
        File f = chooser.showOpenDialog(settingsApply.getScene().getWindow());
        if (f != null) {
            settingsIdentity.setText(f.getAbsolutePath());
        }
    }

    @FXML
    void chooseDataDirectory() {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("FleetFlash's data directory");
        Path now = model.applied().get().dataDirectory();
        if (now.toFile().isDirectory()) {
            chooser.setInitialDirectory(now.toFile());
        }
        File f = chooser.showDialog(settingsApply.getScene().getWindow());
        if (f != null) {
            settingsDataDirectory.setText(f.getAbsolutePath());
        }
    }
}

package org.fleetflash.ui.history;

import java.nio.file.Path;
import java.util.Optional;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import org.fleetflash.core.history.report.ReportFile;

/**
 * Asks where an export goes and whether an existing file may be replaced: the system's dialogs in the window, a
 * fixed answer in the tests. Called on the FX thread.
 */
public interface ExportChooser {

    /** The file to write a {@code format} export to, or empty when the user cancels. */
    Optional<Path> choose(Window owner, ReportFile.Format format, String suggestedName);

    /** Whether the user agrees to replace {@code existing}; no means nothing is written. */
    boolean replace(Window owner, Path existing);

    /** The system's save dialog, and a question before replacing a file. */
    static ExportChooser dialogs() {
        return new ExportChooser() {
            @Override
            public Optional<Path> choose(Window owner, ReportFile.Format format, String suggestedName) {
                FileChooser chooser = new FileChooser();
                chooser.setTitle("Export the shown attempts as " + format.name());
                chooser.setInitialFileName(suggestedName);
                chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter(format.name() + " files", "*." + format.extension()));
                return Optional.ofNullable(chooser.showSaveDialog(owner)).map(java.io.File::toPath);
            }

            @Override
            public boolean replace(Window owner, Path existing) {
                ButtonType replace = new ButtonType("Replace", ButtonBar.ButtonData.OK_DONE);
                ButtonType keep = new ButtonType("Keep it", ButtonBar.ButtonData.CANCEL_CLOSE);
                Alert ask = new Alert(Alert.AlertType.CONFIRMATION, existing + " exists already. Replace it with this export?", replace, keep);
                ask.initOwner(owner);
                ask.setHeaderText("Replace " + existing.getFileName() + "?");
                return ask.showAndWait().filter(b -> b == replace).isPresent();
            }
        };
    }
}

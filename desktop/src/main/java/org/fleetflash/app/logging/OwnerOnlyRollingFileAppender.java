package org.fleetflash.app.logging;

import ch.qos.logback.core.rolling.RollingFileAppender;
import java.io.IOException;
import java.nio.file.Path;
import org.fleetflash.core.settings.DataDirectory;

/** A rolling log file that only its owner can read: the file is created with mode 600 before logback opens it. */
public final class OwnerOnlyRollingFileAppender<E> extends RollingFileAppender<E> {

    @Override
    public void openFile(String fileName) throws IOException {
        DataDirectory.ownerOnlyFile(Path.of(fileName));
        super.openFile(fileName);
    }
}

package org.fleetflash.app.logging;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Optional;
import org.fleetflash.core.settings.DataDirectory;
import org.fleetflash.server.ftp.ImageServer;
import org.fleetflash.server.ftp.ImageServerConfig;

/**
 * A process like the application while it serves an image: its log file started exactly as {@code Main} does, the
 * real FTP server on 127.0.0.1. Prints {@code port N}, then runs until its standard input closes (at most 60 s).
 * Arguments: the data directory.
 */
public final class FtpServerWithLogFile {

    private FtpServerWithLogFile() {
    }

    public static void main(String[] args) throws Exception {
        LogFile.start(DataDirectory.forThisUser(Optional.of(Path.of(args[0]))));
        try (ImageServer server = ImageServer.start(ImageServerConfig.on(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))
                .withWorkDirectory(Path.of(args[0], "ftp")))) {
            System.out.println("port " + server.port());
            System.out.flush();
            Thread stdin = new Thread(() -> {
                try {
                    System.in.transferTo(java.io.OutputStream.nullOutputStream());
                } catch (java.io.IOException gone) {
                    // stdin closed: stop
                }
            });
            stdin.setDaemon(true);
            stdin.start();
            stdin.join(60_000);
        }
    }
}

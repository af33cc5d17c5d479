package org.fleetflash.core.history;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.fleetflash.core.settings.DataDirectory;

/**
 * A second FleetFlash process for {@link InstanceLockIT}: opens the history of the data directory given as its
 * argument, records one attempt, prints {@code OPEN} and holds the history until its standard input closes.
 */
public final class HistoryHolderMain {

    private HistoryHolderMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        DataDirectory data = DataDirectory.resolve(Optional.of(dir), Map.of(), "Linux", dir);
        try (History history = History.open(data)) {
            Path image = Files.write(dir.resolve("holder-fw.bin"), "image".getBytes(StandardCharsets.US_ASCII));
            AttemptEvents.succeeded(AttemptEvents.ref("held-1", "held-batch", "192.0.2.77", 22), Instant.now(), image, dir)
                    .forEach(history.writer()::on);
            if (!history.writer().awaitWritten(Duration.ofSeconds(30))) {
                throw new IllegalStateException("the attempt was not written in time");
            }
            System.out.println("OPEN");
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the history until the test closes our standard input
            }
        }
        System.out.println("CLOSED");
    }
}

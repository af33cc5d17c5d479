package org.fleetflash.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class FailuresTest {

    @Test
    void fleetFlashsOwnSentenceIsShownAsItIsOnceAndEndsWithOnePeriod() {
        String told = "The data directory /tmp/x is a file, not a directory: choose another with --data-dir or FLEETFLASH_DATA_DIR,"
                + " or move that file away.";

        String shown = Failures.unexpected(new IOException(told));

        assertThat(shown).startsWith(told + " ").doesNotContain("..", "input/output error", "FLEETFLASH_LOG)")
                .containsAnyOf("Details are in ", "No log file was written.");
    }

    @Test
    void aLibrarysTerseMessageIsIntroducedAsAnInputOutputError() {
        assertThat(Failures.describe(new IOException("connection reset"))).isEqualTo("an input/output error stopped it: connection reset");
        assertThat(Failures.unexpected(new IOException("connection reset"))).startsWith("an input/output error stopped it: connection reset. ");
    }
}

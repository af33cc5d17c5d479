package org.fleetflash.app.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

class ToolkitStderrTest {

    private final ByteArrayOutputStream terminal = new ByteArrayOutputStream();
    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final PrintStream err = new PrintStream(new ToolkitStderr(terminal, StandardCharsets.UTF_8, ToolkitStderr::isJavaFxThread,
            logged::add), true, StandardCharsets.UTF_8);

    @Test
    void aStackTraceJavaFxPrintsAsTheJvmStopsGoesToTheLogNotToTheTerminal() throws Exception {
        // what the FX thread prints when Ctrl+C stops the renderer under it
        runAs("JavaFX Application Thread", () -> new RejectedExecutionException("Task PaintRenderJob rejected from QuantumRenderer")
                .printStackTrace(err));
        runAs("QuantumRenderer-0", () -> err.println("a renderer's complaint"));

        assertThat(terminal.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(logged.get(0)).isEqualTo("java.util.concurrent.RejectedExecutionException: Task PaintRenderJob rejected from QuantumRenderer");
        assertThat(logged).anyMatch(l -> l.startsWith("\tat org.fleetflash.app.logging.ToolkitStderrTest"))
                .contains("a renderer's complaint");
    }

    @Test
    void whatTheRealFxThreadPrintsGoesToTheLog() throws Exception {
        try {
            javafx.application.Platform.startup(() -> { });
        } catch (IllegalStateException alreadyStarted) {
            // another test of this JVM started JavaFX
        }
        java.util.concurrent.CompletableFuture<String> name = new java.util.concurrent.CompletableFuture<>();
        javafx.application.Platform.runLater(() -> {
            err.println("printed on the FX thread");
            name.complete(Thread.currentThread().getName());
        });
        name.get(30, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(terminal.toString(StandardCharsets.UTF_8)).as("printed on %s", name.get()).isEmpty();
        assertThat(logged).containsExactly("printed on the FX thread");
    }

    @Test
    void fleetFlashsOwnMessagesStillReachTheTerminalByteForByte() throws Exception {
        runAs("main", () -> err.println("fleetflash: The data directory is in use by FleetFlash (process 42) — close it first."));
        runAs("fleetflash-log-file", () -> err.print("no newline"));

        assertThat(terminal.toString(StandardCharsets.UTF_8))
                .isEqualTo("fleetflash: The data directory is in use by FleetFlash (process 42) — close it first.\nno newline");
        assertThat(logged).isEmpty();
    }

    @Test
    void aRunawayLineIsCutInsteadOfFillingTheMemory() throws Exception {
        runAs("JavaFX Application Thread", () -> err.println("x".repeat(100_000)));
        assertThat(logged).singleElement().satisfies(l -> assertThat(l).hasSizeLessThanOrEqualTo(4096));
    }

    private static void runAs(String threadName, Runnable print) throws InterruptedException {
        Thread t = new Thread(print, threadName);
        t.start();
        t.join(10_000);
        assertThat(t.isAlive()).isFalse();
    }
}

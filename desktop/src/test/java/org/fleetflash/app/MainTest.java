package org.fleetflash.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A thread that dies of something nobody planned for leaves one sentence on stderr, not a stack trace. */
class MainTest {

    @Test
    void anUncaughtFailureIsOneSentenceWithoutAStackTrace() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            Thread t = new Thread(() -> {
                throw new IllegalStateException("boom \u001b[2J in a worker");
            }, "worker-1");
            t.setUncaughtExceptionHandler(Main::uncaught);
            t.start();
            t.join(10_000);
        } finally {
            System.setErr(original);
        }

        String err = captured.toString(StandardCharsets.UTF_8);
        assertThat(err.lines()).hasSize(1);
        assertThat(err).startsWith("fleetflash: an unexpected internal error stopped it.")
                .doesNotContain("Exception").doesNotContain("at org.").doesNotContain("\u001b");
    }
}

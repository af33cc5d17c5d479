package org.fleetflash.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The demo's flash speed: real by default, unthrottled on request; anything else is refused before a router starts. */
class DemoCommandOptionsTest {

    @TempDir
    Path dir;

    @Test
    void theFlashWritesAtARealChipsSpeedUnlessAskedOtherwise() {
        assertThat(parse().flash).isEqualTo("real");
        assertThat(parse("--flash", "unthrottled").flash).isEqualTo("unthrottled");
    }

    @Test
    void anUnknownSpeedIsRefusedWithTheValuesItTakesAndNoRouterStarts() {
        StringWriter err = new StringWriter();
        Path data = dir.resolve("data");

        // bounded: a speed that slipped through would start a demo that runs until stopped
        int status = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> FleetFlashCommand.commandLine(
                new PrintWriter(new StringWriter()), new PrintWriter(err)).execute("demo", "--no-window", "--data-dir",
                data.toString(), "--port", "2297", "--flash", "fast\u001b[2J"));

        assertThat(status).as(err.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--flash (or FLEETFLASH_DEMO_FLASH) must be real or unthrottled, not 'fast")
                .doesNotContain("\u001b", "Exception", "\tat ");
        assertThat(data.resolve("demo-fleet")).as("no router was started").doesNotExist();
    }

    private DemoCommand parse(String... args) {
        CommandLine cl = FleetFlashCommand.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        String[] all = new String[args.length + 1];
        all[0] = "demo";
        System.arraycopy(args, 0, all, 1, args.length);
        return cl.parseArgs(all).subcommand().commandSpec().commandLine().getCommand();
    }
}

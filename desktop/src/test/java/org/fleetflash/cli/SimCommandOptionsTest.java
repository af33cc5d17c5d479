package org.fleetflash.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * The simulated-time options of {@code fleetflash sim}: seconds, fractions allowed, 0 allowed; a negative or
 * non-number time is refused with the option's name before any router (or its state directory) is made.
 */
class SimCommandOptionsTest {

    @TempDir
    Path dir;

    @Test
    void theRebootDelayAndTheShutdownGraceAreReadAsSeconds() {
        CommandLine cl = FleetFlashCommand.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));

        CommandLine.ParseResult parsed = cl.parseArgs("sim", "--profile", "tl-wdr3600", "--state-dir", dir.toString(),
                "--reboot-delay", "0", "--shutdown-grace", "0.25");

        SimCommand sim = parsed.subcommand().commandSpec().commandLine().getCommand();
        assertThat(sim.rebootDelaySeconds).isZero();
        assertThat(sim.shutdownGraceSeconds).isEqualTo(0.25);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "--shutdown-grace|-1|--shutdown-grace must be 0 or more seconds",
        "--shutdown-grace|NaN|--shutdown-grace must be 0 or more seconds",
        "--shutdown-grace|soon|--shutdown-grace",
        "--reboot-delay|-0.5|--reboot-delay must be 0 or more seconds",
        "--reboot-delay|Infinity|--reboot-delay must be 0 or more seconds"})
    void aNegativeOrUnreadableTimeIsRefusedBeforeAnyRouterStarts(String option, String value, String expected) {
        Path state = dir.resolve("state");
        StringWriter err = new StringWriter();

        // bounded: a time that slipped through would start a router that runs until stopped
        int status = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> FleetFlashCommand.commandLine(
                new PrintWriter(new StringWriter()), new PrintWriter(err)).execute("sim", "--profile", "tl-wdr3600",
                "--address", "127.0.6.20", "--port", "0", "--state-dir", state.toString(), option + "=" + value));

        assertThat(status).as(err.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains(expected).doesNotContain("Exception", "\tat ");
        assertThat(state).as("no router was started").doesNotExist();
    }

    @Test
    void anImageSizeTheModelCannotTakeIsABadCommandLineSayingTheRange() {
        StringWriter err = new StringWriter();
        Path image = dir.resolve("img.bin");

        int status = FleetFlashCommand.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(err)).execute("sim", "image",
                "--profile", "tl-wdr3600", "--version", "12.0-x", "--size", "100", "--out", image.toString());

        assertThat(status).as(err.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("must be between").doesNotContain("internal error", "Exception");
        assertThat(image).doesNotExist();
    }
}

package org.fleetflash.server.ftp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a real client program (curl, wget) with a deadline; output goes to files in a test directory. */
final class ExternalCommand {
    /** What a finished command left behind. */
    record Result(int exitCode, String stderr) {
    }

    private final Process process;
    private final Path stderr;
    private final List<String> command;

    private ExternalCommand(List<String> command, Process process, Path stderr) {
        this.command = command;
        this.process = process;
        this.stderr = stderr;
    }

    /** Starts {@code command} in {@code directory}; its stdout goes to {@code stdout}. */
    static ExternalCommand start(Path directory, Path stdout, List<String> command) throws IOException {
        Path stderr = Files.createTempFile(directory, "stderr", ".txt");
        Process process = new ProcessBuilder(command).directory(directory.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        process.getOutputStream().close();
        return new ExternalCommand(command, process, stderr);
    }

    /** Waits for the command; kills it and fails if it runs past the deadline. */
    Result await(Duration deadline) throws IOException, InterruptedException {
        if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("Timed out after " + deadline + ": " + command);
        }
        return new Result(process.exitValue(), Files.readString(stderr, StandardCharsets.UTF_8));
    }

    static Result run(Path directory, Path stdout, Duration deadline, List<String> command)
            throws IOException, InterruptedException {
        return start(directory, stdout, command).await(deadline);
    }
}

package org.fleetflash.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs one command line in a sandbox the way the SSH server will: its shell, environment and home. */
final class SandboxShell {

    /** What a command printed and how it exited. */
    record Result(int exit, String out, String err) {}

    private final Sandbox sandbox;

    SandboxShell(Sandbox sandbox) {
        this.sandbox = sandbox;
    }

    Result run(String command) throws IOException, InterruptedException {
        return run(command, new byte[0]);
    }

    /** Runs {@code command} with {@code input} on its standard input (then EOF). */
    Result run(String command, byte[] input) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(sandbox.shellBinary().toString(), "-c", command)
                .directory(sandbox.workingDirectory().toFile());
        pb.environment().clear();
        pb.environment().putAll(sandbox.environment());
        pb.environment().put("FF_SIM_JVM", Long.toString(ProcessHandle.current().pid()));
        Process p = pb.start();
        try (java.io.OutputStream stdin = p.getOutputStream()) {
            stdin.write(input);
        }
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        boolean done = p.waitFor(60, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        assertThat(done).as("command finished within 60 s: %s", command).isTrue();
        return new Result(p.exitValue(), out.join(), err.join());
    }

    /** Deletes every router directory under dir (JUnit's TempDir cleanup warns about each host-tool symlink). */
    static void deleteAll(java.nio.file.Path dir) throws IOException {
        try (java.util.stream.Stream<java.nio.file.Path> s = java.nio.file.Files.list(dir)) {
            for (java.nio.file.Path p : s.toList()) {
                Sandbox.delete(p);
            }
        }
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }
}

package org.fleetflash.app.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a hostile FTP client can make the application print: nothing on the terminal, and an escaped line in the log.
 * Runs a separate JVM so that its real stderr can be checked.
 */
class LogFileIT {

    @TempDir
    Path dir;

    @Test
    void anFtpLoginWithTerminalEscapesReachesOnlyTheLogFileEscaped() throws Exception {
        Path data = dir.resolve("data");
        Path stderr = dir.resolve("stderr.txt");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-cp", System.getProperty("java.class.path"),
                FtpServerWithLogFile.class.getName(), data.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(stderr.toFile());
        pb.environment().remove(LogFile.LEVEL_ENV);
        Process server = pb.start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String first = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).get(60, TimeUnit.SECONDS);
            assertThat(first).as("server started; stderr: %s", Files.readString(stderr)).startsWith("port ");
            int port = Integer.parseInt(first.substring(5));

            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                s.setSoTimeout(10_000);
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                OutputStream o = s.getOutputStream();
                assertThat(in.readLine()).startsWith("220");
                o.write("USER \u001b[2J\u001b]0;pwned\u0007evil\r\n".getBytes(StandardCharsets.UTF_8));
                o.flush();
                assertThat(in.readLine()).startsWith("331");
                o.write("PASS wrong\r\n".getBytes(StandardCharsets.UTF_8));
                o.flush();
                assertThat(in.readLine()).startsWith("530");
            }
            Path log = data.resolve("logs/fleetflash.log");
            Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> Files.exists(log) && Files.readString(log).contains("Login failure"));

            String logged = Files.readString(log);
            assertThat(logged).contains("Login failure - \\x1b[2J\\x1b]0;pwned\\x07evil");
            assertThat(logged).doesNotContain("\u001b").doesNotContain("\u0007");
            assertThat(Files.getPosixFilePermissions(log)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        } finally {
            server.getOutputStream().close();
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(Files.readString(stderr)).as("nothing reaches the terminal").isEmpty();
    }
}

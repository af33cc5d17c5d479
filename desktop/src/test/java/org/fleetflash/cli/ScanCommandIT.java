package org.fleetflash.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fleetflash.agent.sim.ExecSpec;
import org.fleetflash.agent.sim.SimSshServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleetflash scan} end to end, in process, against a simulated router and a plain TCP listener. */
class ScanCommandIT {

    @TempDir
    Path dir;

    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = FleetFlashCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void printsOneJsonObjectPerOpenPortThenTheSummary() throws Exception {
        try (SimSshServer router = SimSshServer.start(new SimSshServer.Config("cli-r1", "127.0.5.7", 0, dir.resolve("k"), "root", "pw",
                Optional.empty(), () -> new ExecSpec(Path.of("/bin/sh"), dir, Map.of("PATH", "/usr/bin:/bin"))));
                ServerSocket plain = new ServerSocket()) {
            plain.bind(new InetSocketAddress(InetAddress.getByName("127.0.5.9"), router.port()));
            Thread greeter = new Thread(() -> {
                for (int i = 0; i < 10; i++) {
                    try (Socket s = plain.accept()) {
                        s.getOutputStream().write("hello, not ssh\n".getBytes(StandardCharsets.US_ASCII));
                        s.getInputStream().read();
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            greeter.setDaemon(true);
            greeter.start();

            Run r = run("scan", "127.0.5.0/24", "--port", String.valueOf(router.port()), "--json", "--timeout-ms", "500",
                    "--banner-timeout-ms", "1000");

            assertThat(r.status()).as(r.err()).isZero();
            ObjectMapper m = new ObjectMapper();
            List<JsonNode> lines = new ArrayList<>();
            for (String l : r.out().strip().split("\n")) {
                lines.add(m.readTree(l));
            }
            assertThat(lines).hasSize(3);
            JsonNode summary = lines.get(2);
            assertThat(summary.get("summary").asBoolean()).isTrue();
            assertThat(summary.get("addressesTried").asLong()).isEqualTo(254);
            assertThat(summary.get("open").asLong()).isEqualTo(2);
            assertThat(summary.has("elapsedMs")).isTrue();
            JsonNode sim = lines.stream().filter(l -> "127.0.5.7".equals(l.path("address").asText())).findFirst().orElseThrow();
            assertThat(sim.get("port").asInt()).isEqualTo(router.port());
            assertThat(sim.get("guess").asText()).isEqualTo("freebsd");
            assertThat(sim.get("banner").asText()).isEqualTo("SSH-2.0-OpenSSH_7.2 FreeBSD-20160310");
            JsonNode other = lines.stream().filter(l -> "127.0.5.9".equals(l.path("address").asText())).findFirst().orElseThrow();
            assertThat(other.get("guess").asText()).isEqualTo("not-ssh");
            assertThat(other.get("banner").asText()).isEqualTo("hello, not ssh");
            assertThat(other.get("name").isNull()).as("no reverse lookup unless --resolve").isTrue();
        }
    }

    @Test
    void printsAHumanLinePerOpenPortAndTheSummary() throws Exception {
        try (SimSshServer router = SimSshServer.start(new SimSshServer.Config("cli-r2", "127.0.6.3", 0, dir.resolve("k2"), "root", "pw",
                Optional.empty(), () -> new ExecSpec(Path.of("/bin/sh"), dir, Map.of("PATH", "/usr/bin:/bin"))))) {
            Run r = run("scan", "127.0.6.1-10", "--port", String.valueOf(router.port()));

            assertThat(r.status()).as(r.err()).isZero();
            assertThat(r.out()).containsPattern("127\\.0\\.6\\.3:" + router.port() + "\\s+freebsd\\s+SSH-2\\.0-OpenSSH_7\\.2 FreeBSD-20160310");
            assertThat(r.out()).containsPattern("Tried 10 of 10 addresses \\(10 connects, port \\d+\\): 1 open, 0 timed out, in \\d+\\.\\d{3} s");
        }
    }

    @Test
    void refusesMoreThanASlash16WithoutForceAndSaysHow() {
        Run r = run("scan", "127.0.0.0/15");

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--force");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void refusesMulticastAndNames() {
        assertThat(run("scan", "224.0.0.251").err()).contains("multicast");
        Run named = run("scan", "router.lan");
        assertThat(named.status()).isEqualTo(2);
        assertThat(named.err()).contains("Names are not resolved");
    }
}

package org.fleetflash.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.fleetflash.agent.sim.Profile;
import org.fleetflash.agent.sim.SimImage;
import org.fleetflash.core.device.SshTarget;
import org.fleetflash.core.history.History;
import org.fleetflash.core.settings.DataDirectory;
import org.fleetflash.testsupport.ssh.TestProcesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a technician types: start simulated routers with {@code sim}, read one with {@code probe --json}. */
class SimAndProbeCommandsIT {

    @TempDir
    Path dir;

    @Test
    void simStartsRoutersThatProbeReads() throws Exception {
        Path state = dir.resolve("state");
        List<String> cmd = CommandLineJarIT.javaJar(
                "sim", "--profile", "generic-16m", "--count", "2", "--address", "127.0.6.1", "--port", "0",
                "--state-dir", state.toString(), "--shell", "posh");
        ProcessBuilder simBuilder = new ProcessBuilder(cmd).redirectError(dir.resolve("sim.err").toFile());
        simBuilder.environment().put(DataDirectory.ENV, dir.resolve("sim-data").toString());
        Process sim = simBuilder.start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(sim.getInputStream(), StandardCharsets.UTF_8));
            List<String> lines = CompletableFuture.supplyAsync(() -> {
                List<String> l = new ArrayList<>();
                try {
                    for (int i = 0; i < 2; i++) {
                        l.add(out.readLine());
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return l;
            }).get(60, TimeUnit.SECONDS);

            assertThat(lines.get(0)).matches("generic-16m-01 127\\.0\\.6\\.1:[0-9]+ admin fleetflash");
            assertThat(lines.get(1)).matches("generic-16m-02 127\\.0\\.6\\.2:[0-9]+ admin fleetflash");

            String[] first = lines.get(0).split(" ");
            Path pw = Files.writeString(DataDirectory.createOwnerOnlyFile(dir.resolve("pw")), first[3] + "\n");
            CommandLineJarIT.Run probe = CommandLineJarIT.runJar("probe", first[1], "--user", first[2], "--password-file",
                    pw.toString(), "--accept-new-host-key", "--data-dir", dir.resolve("data").toString(), "--json");
            assertThat(probe.exit()).as(probe.err()).isZero();
            JsonNode json = new ObjectMapper().readTree(probe.out());
            Profile p = Profile.load("generic-16m");
            assertThat(json.get("osRelease").asText()).isEqualTo(p.osRelease());
            assertThat(json.get("physMemory").asLong()).isEqualTo(p.physmem());
            assertThat(json.get("eraseBlock").asLong()).isEqualTo(p.eraseBlock());
            assertThat(json.get("tmpfs").asBoolean()).isEqualTo(p.tmpfs());
            assertThat(json.get("freeMemory").asLong()).isPositive();
            assertThat(json.get("tools").get("fetch").asBoolean()).isTrue();
            List<String> names = new ArrayList<>();
            json.get("partitions").forEach(n -> names.add(n.get("name").asText()));
            assertThat(names).containsExactlyElementsOf(p.partitions().stream()
                    .sorted(java.util.Comparator.comparingLong(x -> ((Profile.Fixed) x.start()).offset()))
                    .map(Profile.Partition::name).toList());
            try (History history = History.open(DataDirectory.forThisUser(java.util.Optional.of(dir.resolve("data"))))) {
                assertThat(history.hostKeys().pinned(SshTarget.parse(first[1]))).as("pinned in the history").isPresent();
                // and in the window's fleet list at its next start, with what the probe read
                assertThat(history.fleet().listed()).extracting(l -> l.target().hostPort() + " " + l.model().orElse("") + " "
                        + l.firmware().orElse("")).containsExactly(first[1] + " " + json.get("model").asText() + " "
                        + json.get("firmwareVersion").asText());
            }

            // The second router is pinned separately: probing it without accepting its key is refused (exit 5).
            CommandLineJarIT.Run unknown = CommandLineJarIT.runJar("probe", lines.get(1).split(" ")[1], "--user", "admin",
                    "--password-file", pw.toString(), "--data-dir", dir.resolve("data").toString());
            assertThat(unknown.exit()).isEqualTo(5);
            assertThat(unknown.err()).contains("--accept-new-host-key").contains("SHA256:");
        } finally {
            sim.destroy();
            assertThat(sim.waitFor(30, TimeUnit.SECONDS)).as("sim stops on SIGTERM").isTrue();
        }
    }

    @Test
    void simImageWritesABootableImageOfTheAskedVersion() throws Exception {
        Path out = dir.resolve("fw.bin");
        CommandLineJarIT.Run run = CommandLineJarIT.runJar("sim", "image", "--profile", "tl-wdr3600", "--version", "12.1-test",
                "--out", out.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        Profile p = Profile.load("tl-wdr3600");
        byte[] image = Files.readAllBytes(out);
        assertThat(image.length).isEqualTo(p.imageSize());
        // Written over the span of a blank flash, the simulator would boot exactly this version.
        byte[] flash = new byte[(int) p.flashSize()];
        System.arraycopy(image, 0, flash, (int) p.spanStart(), image.length);
        assertThat(SimImage.bootableVersion(p, flash)).contains("12.1-test");
    }

    @Test
    void anUnknownProfileSaysWhichExist() throws Exception {
        CommandLineJarIT.Run run = CommandLineJarIT.runJar("sim", "--profile", "no-such-router", "--state-dir",
                dir.resolve("s").toString());
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("no-such-router").contains("tl-wdr3600");
    }

    @Test
    void probeLogsInWithAPassphraseProtectedEd25519KeyWhosePassphraseComesFromTheEnvironment() throws Exception {
        Path key = dir.resolve("id_ed25519");
        TestProcesses.sshKeygen(key, "correct horse", "ed25519", "");
        Path state = dir.resolve("state");
        List<String> cmd = CommandLineJarIT.javaJar(
                "sim", "--profile", "generic-16m", "--address", "127.0.6.9", "--port", "0", "--state-dir", state.toString(),
                "--authorized-keys", key.resolveSibling("id_ed25519.pub").toString());
        ProcessBuilder simBuilder = new ProcessBuilder(cmd).redirectError(dir.resolve("sim.err").toFile());
        simBuilder.environment().put(DataDirectory.ENV, dir.resolve("sim-data").toString());
        Process sim = simBuilder.start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(sim.getInputStream(), StandardCharsets.UTF_8));
            String line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).get(60, TimeUnit.SECONDS);
            String[] router = line.split(" ");
            String data = dir.resolve("data").toString();

            CommandLineJarIT.Run ok = CommandLineJarIT.runJar(java.util.Map.of("FF_KEY_PASS", "correct horse", DataDirectory.ENV, data),
                    "probe", router[1], "--user", router[2], "--identity", key.toString(), "--key-passphrase-env", "FF_KEY_PASS",
                    "--accept-new-host-key", "--json");
            assertThat(ok.exit()).as(ok.err()).isZero();
            assertThat(new ObjectMapper().readTree(ok.out()).get("osRelease").asText()).isNotEmpty();

            CommandLineJarIT.Run wrong = CommandLineJarIT.runJar(java.util.Map.of("FF_KEY_PASS", "battery staple", DataDirectory.ENV, data),
                    "probe", router[1], "--user", router[2], "--identity", key.toString(), "--key-passphrase-env", "FF_KEY_PASS");
            assertThat(wrong.exit()).isEqualTo(1);
            assertThat(wrong.err()).startsWith("fleetflash probe: The key " + key + " is protected by a passphrase that does not match: "
                    + "the one from the environment variable FF_KEY_PASS does not open it.");

            CommandLineJarIT.Run none = CommandLineJarIT.runJar(java.util.Map.of(DataDirectory.ENV, data),
                    "probe", router[1], "--user", router[2], "--identity", key.toString());
            assertThat(none.exit()).isEqualTo(1);
            assertThat(none.err()).contains("is protected by a passphrase, and none was given").contains("--key-passphrase-env VAR");

            CommandLineJarIT.Run unset = CommandLineJarIT.runJar(java.util.Map.of(DataDirectory.ENV, data),
                    "probe", router[1], "--user", router[2], "--identity", key.toString(), "--key-passphrase-env", "FF_NOT_SET");
            assertThat(unset.exit()).isEqualTo(2);
            assertThat(unset.err()).startsWith("fleetflash probe: The environment variable FF_NOT_SET is not set: export it with the key's "
                    + "passphrase first");
        } finally {
            sim.destroy();
            assertThat(sim.waitFor(30, TimeUnit.SECONDS)).as("sim stops on SIGTERM").isTrue();
        }
    }
}

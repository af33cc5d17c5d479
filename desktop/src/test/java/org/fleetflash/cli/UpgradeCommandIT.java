package org.fleetflash.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.fleetflash.agent.sim.Profile;
import org.fleetflash.agent.sim.Shell;
import org.fleetflash.agent.sim.SimImage;
import org.fleetflash.agent.sim.SimRouter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleetflash upgrade --json-events} as a script sees it: one JSON object per line, the outcome last. */
class UpgradeCommandIT {

    @TempDir
    Path dir;

    @Test
    void upgradesASimulatedRouterAndReportsEveryEventAsJson() throws Exception {
        try (SimRouter router = SimRouter.start(dir.resolve("state"), new SimRouter.Options("cli-1",
                Profile.load("tl-wdr3600").unthrottled(), Shell.DASH, "127.0.6.31", 0, Optional.empty(), Optional.empty()))) {
            router.setRebootDelay(Duration.ofMillis(500));
            Path image = dir.resolve("fw.bin");
            SimImage.write(router.sandbox().profile(), "12.0-cli", 0, image);
            Path pw = Files.writeString(org.fleetflash.core.settings.DataDirectory.createOwnerOnlyFile(dir.resolve("pw")), router.password() + "\n");

            CommandLineJarIT.Run run = CommandLineJarIT.runJar("upgrade", router.address() + ":" + router.port(),
                    "--user", router.user(), "--password-file", pw.toString(), "--accept-new-host-key",
                    "--data-dir", dir.resolve("data").toString(), "--image", image.toString(),
                    "--layout", "kernel rootfs", "--json-events", "--operator", "Dana Novak", "--site", "Depot 4");

            assertThat(run.exit()).as(run.out() + run.err()).isZero();
            ObjectMapper json = new ObjectMapper();
            List<JsonNode> events = new ArrayList<>();
            for (String line : run.out().strip().split("\n")) {
                events.add(json.readTree(line));
            }
            // every object names its event, router, attempt and batch; one attempt, one batch of one
            assertThat(events).allSatisfy(e -> assertThat(e.has("event") && e.has("router") && e.has("attempt") && e.has("batch"))
                    .as(e.toString()).isTrue());
            assertThat(events).extracting(e -> e.get("attempt").asText()).containsOnly(events.get(0).get("attempt").asText());
            assertThat(events.get(0).get("event").asText()).isEqualTo("started");
            assertThat(events).filteredOn(e -> e.get("event").asText().equals("phase") && e.get("phase").asText().equals("VERIFIED"))
                    .singleElement().satisfies(e -> assertThat(e.get("hostKey").asText()).contains("SHA256:"));
            JsonNode last = events.get(events.size() - 1);
            assertThat(last.get("outcome").asText()).isEqualTo("SUCCEEDED");
            assertThat(last.get("blocksWritten").asLong()).isPositive();
            assertThat(events).filteredOn(e -> e.get("event").asText().equals("phase"))
                    .extracting(e -> e.get("phase").asText()).contains("BACKUP", "COMMIT", "VERIFIED");
            assertThat(router.runningVersion()).contains("12.0-cli");

            // the attempt is in the history, as the events told it
            CommandLineJarIT.Run listed = CommandLineJarIT.runJar("history", "list", "--json", "--data-dir",
                    dir.resolve("data").toString());
            assertThat(listed.exit()).as(listed.err()).isZero();
            JsonNode attempt = json.readTree(listed.out()).get("attempts").get(0);
            assertThat(attempt.get("attempt").asText()).isEqualTo(last.get("attempt").asText());
            assertThat(attempt.get("outcome").asText()).isEqualTo("SUCCEEDED");
            assertThat(attempt.get("newVersion").asText()).isEqualTo("12.0-cli");
            assertThat(attempt.get("blocksWritten").asLong()).isEqualTo(last.get("blocksWritten").asLong());

            // who ran it and where reach the report
            Path report = dir.resolve("report.json");
            CommandLineJarIT.Run exported = CommandLineJarIT.runJar("history", "export", "--format", "json", "--out", report.toString(),
                    "--data-dir", dir.resolve("data").toString());
            assertThat(exported.exit()).as(exported.err()).isZero();
            JsonNode batch = json.readTree(report.toFile()).get("batches").get(0);
            assertThat(batch.get("batch").asText()).isEqualTo(last.get("batch").asText());
            assertThat(batch.get("operator").asText()).isEqualTo("Dana Novak");
            assertThat(batch.get("site").asText()).isEqualTo("Depot 4");
        }
    }

    @Test
    void theRouterDownloadsThroughTheFtpPortsGivenForAFirewall() throws Exception {
        int controlPort;
        int dataPort;
        try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
                ServerSocket b = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            controlPort = a.getLocalPort();
            dataPort = b.getLocalPort();
        }
        try (SimRouter router = SimRouter.start(dir.resolve("state"), new SimRouter.Options("cli-ports",
                Profile.load("tl-wdr3600").unthrottled(), Shell.DASH, "127.0.6.32", 0, Optional.empty(), Optional.empty()))) {
            router.setRebootDelay(Duration.ofMillis(500));
            Path image = dir.resolve("fw.bin");
            SimImage.write(router.sandbox().profile(), "12.0-ports", 0, image);
            Path pw = Files.writeString(org.fleetflash.core.settings.DataDirectory.createOwnerOnlyFile(dir.resolve("pw")), router.password() + "\n");
            Path data = dir.resolve("data");

            CommandLineJarIT.Run run = CommandLineJarIT.runJar("upgrade", router.address() + ":" + router.port(),
                    "--user", router.user(), "--password-file", pw.toString(), "--accept-new-host-key",
                    "--data-dir", data.toString(), "--image", image.toString(), "--layout", "kernel rootfs",
                    "--transport", "ftp", "--ftp-port", Integer.toString(controlPort),
                    "--ftp-passive-ports", dataPort + "-" + dataPort, "--json-events");

            assertThat(run.exit()).as(run.out() + run.err()).isZero();
            assertThat(run.out()).contains("\"phase\":\"DOWNLOAD\"");
            assertThat(Files.readString(data.resolve("logs").resolve("fleetflash.log")))
                    .contains("Image server listening on 127.0.0.1:" + controlPort + " (passive ports " + dataPort + "-" + dataPort);
            assertThat(router.runningVersion()).contains("12.0-ports");
        }
    }

    @Test
    void aLaterRunLinksTheBackupsAnEarlierRunKeptOfTheSameBytes() throws Exception {
        Profile wdr = Profile.load("tl-wdr3600").unthrottled();
        try (SimRouter first = SimRouter.start(dir.resolve("state1"), new SimRouter.Options("cli-3", wdr, Shell.DASH, "127.0.6.33", 0,
                Optional.empty(), Optional.empty()));
                SimRouter second = SimRouter.start(dir.resolve("state2"), new SimRouter.Options("cli-4", wdr, Shell.DASH, "127.0.6.34",
                        0, Optional.empty(), Optional.empty()))) {
            Path image = dir.resolve("fw.bin");
            SimImage.write(wdr, "12.0-later", 0, image);
            Path data = dir.resolve("data");
            for (SimRouter router : List.of(first, second)) { // two runs of the command, one router each
                router.setRebootDelay(Duration.ofMillis(500));
                Path pw = dir.resolve("pw-" + router.port());
                Files.writeString(org.fleetflash.core.settings.DataDirectory.createOwnerOnlyFile(pw), router.password() + "\n");
                CommandLineJarIT.Run run = CommandLineJarIT.runJar("upgrade", router.address() + ":" + router.port(), "--user",
                        router.user(), "--password-file", pw.toString(), "--accept-new-host-key", "--data-dir", data.toString(),
                        "--image", image.toString(), "--layout", "kernel rootfs");
                assertThat(run.exit()).as(run.out() + run.err()).isZero();
            }

            List<Path> backups;
            try (var dirs = Files.list(data.resolve("backups"))) {
                backups = dirs.sorted(java.util.Comparator.comparing(d -> d.getFileName().toString().contains("127.0.6.33") ? 0 : 1))
                        .toList();
            }
            assertThat(backups).hasSize(2);
            // the firmware's partitions: one copy on disk, the second run's linked to the first run's
            for (String part : List.of("kernel.bin", "rootfs.bin")) {
                assertThat(Files.isSameFile(backups.get(0).resolve(part), backups.get(1).resolve(part))).as(part).isTrue();
            }
            assertThat(Files.isSameFile(backups.get(0).resolve("ART.bin"), backups.get(1).resolve("ART.bin"))).isFalse();
        }
    }

    @Test
    void anImageTooLargeExitsAsFailedSafe() throws Exception {
        try (SimRouter router = SimRouter.start(dir.resolve("state"), new SimRouter.Options("cli-2",
                Profile.load("tl-wdr3600").unthrottled(), Shell.DASH, "127.0.6.32", 0, Optional.empty(), Optional.empty()))) {
            Path image = dir.resolve("big.bin");
            Files.write(image, new byte[0x7d0000 - 0x020000 + 1]);
            Path pw = Files.writeString(org.fleetflash.core.settings.DataDirectory.createOwnerOnlyFile(dir.resolve("pw")), router.password() + "\n");

            CommandLineJarIT.Run run = CommandLineJarIT.runJar("upgrade", router.address() + ":" + router.port(),
                    "--user", router.user(), "--password-file", pw.toString(), "--accept-new-host-key",
                    "--data-dir", dir.resolve("data").toString(), "--image", image.toString(), "--layout", "kernel rootfs");

            assertThat(run.exit()).isEqualTo(UpgradeCommand.EXIT_FAILED_SAFE);
            assertThat(run.out()).contains("FAILED_SAFE (IMAGE_TOO_LARGE)").contains("too large by 1 bytes");
            assertThat(run.err()).doesNotContain("misses");

            // the history's file refuses writes from now on (a trigger stands for a full disk): the outcome is still told,
            // and so is what the history misses and what to do
            Path history = dir.resolve("data").resolve("history.db");
            try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + history);
                    java.sql.Statement st = c.createStatement()) {
                st.execute("CREATE TRIGGER full BEFORE INSERT ON phase_events BEGIN SELECT RAISE(ABORT, 'refused'); END");
            }
            CommandLineJarIT.Run again = CommandLineJarIT.runJar("upgrade", router.address() + ":" + router.port(),
                    "--user", router.user(), "--password-file", pw.toString(), "--data-dir", dir.resolve("data").toString(),
                    "--image", image.toString(), "--layout", "kernel rootfs");

            assertThat(again.exit()).isEqualTo(UpgradeCommand.EXIT_FAILED_SAFE);
            assertThat(again.out()).contains("FAILED_SAFE (IMAGE_TOO_LARGE)");
            assertThat(again.err()).containsPattern("the history \\S+history\\.db misses [0-9]+ record\\(s\\) of this run because")
                    .contains("Free disk space", "fleetflash resume").doesNotContain("Exception", "SQLITE");
        }
    }

    @Test
    void aSecondFleetFlashOnTheSameDataDirectoryIsToldWhoHoldsItAndChangesNothing() throws Exception {
        Path data = dir.resolve("held");
        Path image = dir.resolve("fw.bin");
        Files.write(image, new byte[] {1, 2, 3});
        Path pw = Files.writeString(org.fleetflash.core.settings.DataDirectory.createOwnerOnlyFile(dir.resolve("pw-held")), "x\n");
        org.fleetflash.core.settings.DataDirectory dd = org.fleetflash.core.settings.DataDirectory.forThisUser(Optional.of(data));
        dd.ensureExists();
        try (org.fleetflash.core.history.InstanceLock held = org.fleetflash.core.history.InstanceLock.acquire(dd)) {
            CommandLineJarIT.Run run = CommandLineJarIT.runJar("upgrade", "127.0.6.99:22", "--user", "root", "--password-file",
                    pw.toString(), "--data-dir", data.toString(), "--image", image.toString(), "--layout", "kernel rootfs");

            assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
            assertThat(run.err()).contains("in use by another FleetFlash (process " + ProcessHandle.current().pid(),
                    "Nothing was changed");
            assertThat(data.resolve("backups")).doesNotExist();
        }
    }
}

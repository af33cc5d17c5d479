package org.fleetflash.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.fleetflash.agent.sim.Profile;
import org.fleetflash.agent.sim.Shell;
import org.fleetflash.agent.sim.SimImage;
import org.fleetflash.agent.sim.SimRouter;
import org.fleetflash.core.settings.DataDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A site's batch through the jar, as a technician and a script run it: three simulated routers named in a targets
 * file, once with {@code --json-events} into a pipe, once on a terminal (a pseudo-terminal made by util-linux
 * {@code script}) where the live table is drawn. The routers live on 127.0.23.x, used by no other test.
 */
class BatchUpgradeJarIT {

    private static final String NETWORK = "127.0.23.";

    @TempDir
    Path dir;

    private final List<SimRouter> routers = new ArrayList<>();

    @AfterEach
    void stopRouters() throws Exception {
        for (SimRouter r : routers) {
            r.close();
        }
    }

    /** Three routers of one profile from {@code first} on, the image for them, the password file and the targets file. */
    private List<String> site(int first, String version) throws Exception {
        return site(first, version, Profile.load("tl-wdr3600").unthrottled());
    }

    private List<String> site(int first, String version, Profile profile) throws Exception {
        for (int i = 0; i < 3; i++) {
            SimRouter r = SimRouter.start(dir.resolve("state"), new SimRouter.Options("batch-" + (first + i),
                    profile, Shell.DASH, NETWORK + (first + i), 0, Optional.empty(), Optional.empty()));
            r.setRebootDelay(Duration.ofMillis(500));
            routers.add(r);
        }
        SimImage.write(routers.get(0).sandbox().profile(), version, 0, dir.resolve("fw.bin"));
        Files.writeString(DataDirectory.createOwnerOnlyFile(dir.resolve("pw")), routers.get(0).password() + "\n");
        SimRouter a = routers.get(0);
        SimRouter b = routers.get(1);
        SimRouter c = routers.get(2);
        Files.writeString(dir.resolve("site.txt"), "# the site, one router per line\n"
                + a.address() + ":" + a.port() + "\n"
                + "\n"
                + b.user() + "@" + b.address() + ":" + b.port() + "   # its own user\n"
                + c.address() + ":" + c.port() + "\n");
        return List.of("upgrade", "--targets", dir.resolve("site.txt").toString(), "--user", a.user(), "--password-file",
                dir.resolve("pw").toString(), "--accept-new-host-key", "--data-dir", dir.resolve("data").toString(),
                "--image", dir.resolve("fw.bin").toString(), "--layout", "kernel rootfs", "--concurrency", "2");
    }

    @Test
    void aTargetsFileBatchPrintsOneJsonObjectPerLineAndEndsWithTheBatchsResults() throws Exception {
        List<String> args = new ArrayList<>(site(1, "12.0-site"));
        args.add("--json-events");

        CommandLineJarIT.Run run = CommandLineJarIT.runJar(args.toArray(String[]::new));

        assertThat(run.exit()).as(run.err()).isZero();
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> events = new ArrayList<>();
        for (String line : run.out().split("\n", -1)) {
            if (!line.isEmpty()) {
                JsonNode e = json.readTree(line);
                assertThat(e.isObject()).as(line).isTrue();
                events.add(e);
            }
        }
        assertThat(run.out()).endsWith("}\n");
        JsonNode first = events.get(0);
        assertThat(first.get("event").asText()).isEqualTo("batchStarted");
        assertThat(first.get("routers")).hasSize(3);
        assertThat(first.get("concurrency").asInt()).isEqualTo(2);
        JsonNode last = events.get(events.size() - 1);
        assertThat(last.get("event").asText()).isEqualTo("batchFinished");
        assertThat(last.get("results")).hasSize(3).allSatisfy(r -> {
            assertThat(r.get("outcome").asText()).isEqualTo("SUCCEEDED");
            assertThat(r.get("code").asText()).isEqualTo("OK");
        });
        assertThat(last.get("succeeded").asInt()).isEqualTo(3);
        assertThat(last.get("blocksWritten").asLong()).isPositive();
        assertThat(events).filteredOn(e -> e.get("event").asText().equals("finished")).hasSize(3);
        assertThat(events).filteredOn(e -> e.get("event").asText().equals("batchTotals")).isNotEmpty();
        for (SimRouter r : routers) {
            assertThat(r.runningVersion()).contains("12.0-site");
        }
    }

    /** The jar on a new pseudo-terminal (80 x 40 here), through util-linux script; its stdin goes to the terminal's keyboard. */
    private Process onTerminal(List<String> args, Path out) throws Exception {
        List<String> java = CommandLineJarIT.javaJar(args.toArray(String[]::new));
        // a login shell starts its foreground commands with every signal at its default action, whatever this JVM
        // inherited (a build run as a background job ignores SIGINT, some CI runners SIGHUP): env does that here
        StringBuilder command = new StringBuilder("stty cols 150 rows 40; exec env --default-signal");
        for (String a : java) {
            command.append(" '").append(a.replace("'", "'\\''")).append('\'');
        }
        // script runs the command on a new pseudo-terminal and copies what it prints; -e: its exit status is the command's
        ProcessBuilder pb = new ProcessBuilder("script", "-qfec", command.toString(), "/dev/null").redirectOutput(out.toFile())
                .redirectErrorStream(true);
        pb.environment().put("TERM", "xterm-256color");
        pb.environment().put(DataDirectory.ENV, dir.resolve("data").toString());
        return pb.start();
    }

    @Test
    void onATerminalTheBatchIsALiveTableRedrawnInPlaceThenTheSummary() throws Exception {
        Path out = dir.resolve("terminal.txt");
        Process p = onTerminal(site(11, "12.0-table"), out);
        // script's input stays open: at its end script closes the terminal, which hangs up (SIGHUP) the command on it
        try {
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("the batch on a terminal did not finish in 300 s: " + Files.readString(out));
            }
        } finally {
            p.getOutputStream().close();
        }
        String screen = Files.readString(out, StandardCharsets.UTF_8);

        assertThat(p.exitValue()).as(screen).isZero();
        // the table: its header and totals line, drawn once and then changed in place (the cursor moved back up)
        int table = screen.indexOf("ROUTER");
        assertThat(table).as(screen).isNotNegative();
        assertThat(screen.indexOf("ROUTER", table + 1)).as("the header is drawn once").isNegative();
        // JLine redraws only the characters that changed, so a line's words need not stand together in the stream
        assertThat(screen).contains("PHASE", "router(s)", "succeeded").containsPattern("\u001b\\[\\d*A");
        for (SimRouter r : routers) {
            assertThat(screen).contains(r.address() + ":" + r.port());
        }
        // the summary, below the table's last state
        int summary = screen.indexOf("\nBatch ");
        assertThat(summary).as(screen).isGreaterThan(table);
        assertThat(screen.substring(table, summary)).as("the totals line is part of the table, above the summary").contains("router(s)");
        assertThat(screen.substring(summary)).contains("3 router(s) in", "3 succeeded (0 already up to date), 0 failed safe, 0 need"
                + " attention");
        assertThat(screen.substring(0, summary)).as("no line-by-line output on a terminal").doesNotContain("  COMMIT\r\n");
        for (SimRouter r : routers) {
            assertThat(r.runningVersion()).contains("12.0-table");
        }
    }

    @Test
    void ctrlCOnTheTableCancelsAndUndoesTheRoutersBeforeTheirReroot() throws Exception {
        // a flash that reads at 500 KB/s: the backups take long enough to press Ctrl+C in the middle of them
        List<String> args = new ArrayList<>(site(21, "12.0-ctrl-c", Profile.load("tl-wdr3600").withFlashSpeed(500_000, 0)));
        List<byte[]> before = new ArrayList<>();
        for (SimRouter r : routers) {
            before.add(Files.readAllBytes(r.sandbox().flashFile()));
        }
        Path out = dir.resolve("terminal.txt");
        Process p = onTerminal(args, out);
        Path backups = dir.resolve("data").resolve("backups");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!backupStarted(backups) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50); // polling the data directory; the backups last several seconds
        }
        assertThat(backupStarted(backups)).as(Files.readString(out)).isTrue();

        p.getOutputStream().write(3); // Ctrl+C typed on the terminal: its line discipline sends SIGINT
        p.getOutputStream().flush();

        assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
        String screen = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(screen).isEqualTo(UpgradeCommand.EXIT_CANCELLED);
        assertThat(screen).contains("ROUTER", "before the reroot; undoing what was made on them", "CANCELLED")
                .doesNotContain("Exception");
        for (int i = 0; i < routers.size(); i++) {
            SimRouter r = routers.get(i);
            assertThat(Files.readAllBytes(r.sandbox().flashFile())).as("the flash of %s", r.address()).isEqualTo(before.get(i));
            assertThat(r.sandbox().root().resolve("tmp/fleetflash/claim")).doesNotExist();
        }
    }

    private static boolean backupStarted(Path backups) throws java.io.IOException {
        if (!Files.isDirectory(backups)) {
            return false;
        }
        try (var list = Files.list(backups)) {
            return list.findAny().isPresent();
        }
    }
}

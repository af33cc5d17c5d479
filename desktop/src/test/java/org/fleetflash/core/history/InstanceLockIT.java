package org.fleetflash.core.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.fleetflash.core.settings.DataDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One FleetFlash per data directory, across real processes: a second JVM holds the history; this one is refused,
 * told which process holds it, and changes nothing; once the holder ends (even killed) the directory is free.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class InstanceLockIT {

    @TempDir
    Path dir;

    private Process holder;

    @AfterEach
    void stopHolder() throws InterruptedException {
        if (holder != null && holder.isAlive()) {
            holder.destroyForcibly();
            holder.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private DataDirectory data() {
        return DataDirectory.resolve(Optional.of(dir.resolve("data")), Map.of(), "Linux", dir);
    }

    private BufferedReader startHolder() throws Exception {
        Files.createDirectories(data().path());
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-cp", System.getProperty("java.class.path"),
                HistoryHolderMain.class.getName(), data().path().toString());
        holder = new ProcessBuilder(cmd).redirectError(dir.resolve("holder.err").toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return "failed: " + e;
            }
        }).get(60, TimeUnit.SECONDS);
        assertThat(line).as("holder said (stderr: %s)", dir.resolve("holder.err")).isEqualTo("OPEN");
        return out;
    }

    @Test
    void aSecondProcessIsToldWhichProcessHoldsTheDirectoryAndChangesNothing() throws Exception {
        Instant before = Instant.now();
        BufferedReader out = startHolder();
        Map<String, String> filesBefore = snapshot(data().path());

        assertThatThrownBy(() -> History.open(data())).isInstanceOfSatisfying(InstanceLockedException.class, e -> {
            assertThat(e.pid()).hasValue(holder.pid());
            assertThat(e.since()).hasValueSatisfying(s -> assertThat(s).isBetween(before.minusSeconds(1), Instant.now()));
            assertThat(e.getMessage()).contains("in use by another FleetFlash (process " + holder.pid() + ", since ")
                    .contains("Nothing was changed");
        });
        assertThat(snapshot(data().path())).as("every file of the data directory as it was").isEqualTo(filesBefore);

        assertThat(History.readAttempts(data(), AttemptFilter.all())).as("the history can be read beside its holder")
                .extracting(AttemptRecord::attemptId).containsExactly("held-1");

        holder.getOutputStream().close();
        assertThat(holder.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out.readLine()).isEqualTo("CLOSED");
        assertThat(holder.exitValue()).isZero();
        try (History history = History.open(data())) {
            assertThat(history.attempts(AttemptFilter.all())).extracting(AttemptRecord::outcomeOrRunning).containsExactly("SUCCEEDED");
        }
    }

    @Test
    void aHolderKilledWithSigkillLeavesTheDirectoryFreeAndItsHistoryIntact() throws Exception {
        startHolder();
        holder.destroyForcibly(); // SIGKILL: no close, no cleanup
        assertThat(holder.waitFor(60, TimeUnit.SECONDS)).isTrue();
        try (History history = History.open(data())) {
            assertThat(history.attempts(AttemptFilter.all())).extracting(AttemptRecord::attemptId).containsExactly("held-1");
        }
    }

    /** Each file's SHA-256 and modification time. */
    private static Map<String, String> snapshot(Path dir) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                if (Files.isRegularFile(f)) {
                    byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f));
                    m.put(f.getFileName().toString(), HexFormat.of().formatHex(digest) + " " + Files.getLastModifiedTime(f).toMillis());
                }
            }
        }
        return m;
    }
}

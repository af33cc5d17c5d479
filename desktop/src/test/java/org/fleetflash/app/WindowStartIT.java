package org.fleetflash.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.fleetflash.core.history.InstanceLock;
import org.fleetflash.core.settings.DataDirectory;
import org.fleetflash.core.settings.SettingKey;
import org.fleetflash.core.settings.SettingsStore;
import org.fleetflash.ui.FleetFlashApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleetflash} without arguments, as a technician starts it, in a JVM of its own (headless, Monocle): the window
 * shows before the history is open and then becomes the full window, with what was logged meanwhile in the log file
 * and nothing on the terminal; a data directory another FleetFlash holds is refused with one sentence and no window.
 */
class WindowStartIT {

    @TempDir
    Path dir;

    @Test
    void theWindowShowsFirstThenTheFullWindowAndWhatWasLoggedMeanwhileIsInTheLogFile() throws Exception {
        Path data = dir.resolve("data");
        Process app = start(data);
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8));
            List<String> lines = CompletableFuture.supplyAsync(() -> {
                List<String> read = new ArrayList<>();
                try {
                    for (String line = out.readLine(); line != null && read.size() < 10; line = out.readLine()) {
                        read.add(line);
                        if (line.startsWith("fleetflash-window-ready ")) {
                            break;
                        }
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return read;
            }).get(120, TimeUnit.SECONDS);
            assertThat(lines).as("stderr: %s", Files.readString(dir.resolve("stderr.txt"))).hasSize(2);
            assertThat(lines.get(0)).startsWith("fleetflash-window-shown ");
            assertThat(lines.get(1)).startsWith("fleetflash-window-ready ");
            long shown = Long.parseLong(lines.get(0).substring(lines.get(0).indexOf(' ') + 1));
            long ready = Long.parseLong(lines.get(1).substring(lines.get(1).indexOf(' ') + 1));
            assertThat(shown).as("the window shows before its history and services are attached").isLessThanOrEqualTo(ready);

            Path log = data.resolve("logs/fleetflash.log");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                    Files.exists(log) ? Files.readString(log) : "(no log file)")
                    .as("logged while the log file was being set up, written once it was; stderr: %s",
                            Files.readString(dir.resolve("stderr.txt")))
                    .contains("Took the lock of data directory " + data).contains("Opened the history"));
        } finally {
            app.destroy();
            assertThat(app.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(Files.readString(dir.resolve("stderr.txt"))).as("nothing reaches the terminal").isEmpty();
    }

    @Test
    void aDataDirectoryInUseByAnotherFleetFlashIsRefusedWithOneSentenceAndNoWindow() throws Exception {
        Path data = dir.resolve("held");
        DataDirectory dd = DataDirectory.forThisUser(Optional.of(data));
        dd.ensureExists();
        try (InstanceLock held = InstanceLock.acquire(dd)) {
            refusedWithoutAWindow(start(data));
        }
        String err = Files.readString(dir.resolve("stderr.txt"));
        assertThat(err.lines()).hasSize(1);
        assertThat(err).startsWith("fleetflash: The data directory " + data)
                .contains("is in use by another FleetFlash (process " + ProcessHandle.current().pid())
                .contains("or give this one another data directory by starting FleetFlash with FLEETFLASH_DATA_DIR set to it.")
                .doesNotContain("--data-dir").doesNotContain("Exception");
    }

    @Test
    void theLogFileIsInTheDataDirectoryChosenInTheSettingsTab() throws Exception {
        Path chosen = Files.createDirectories(dir.resolve("chosen")); // made when it was chosen, as the Settings tab does
        Path config = Files.createDirectories(dir.resolve("config/fleetflash"));
        Files.writeString(config.resolve(SettingsStore.CHOICE_FILE), SettingKey.DATA_DIRECTORY.fileKey() + "=" + chosen + "\n");
        Path xdgData = dir.resolve("xdg-data");
        Process app = start(null, Map.of("XDG_DATA_HOME", xdgData.toString()));
        try {
            Path log = chosen.resolve("logs/fleetflash.log");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(120)).untilAsserted(() -> assertThat(
                    Files.exists(log) ? Files.readString(log) : "(no log file)")
                    .as("stderr: %s", Files.readString(dir.resolve("stderr.txt")))
                    .contains("Took the lock of data directory " + chosen).contains("Opened the history"));
        } finally {
            app.destroy();
            assertThat(app.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(xdgData.resolve("fleetflash/logs")).as("the platform's data directory, which the window did not use").doesNotExist();
    }

    @Test
    void aChosenDataDirectoryThatIsGoneIsNotMadeAgainEmpty() throws Exception {
        Path chosen = dir.resolve("usb-stick/fleetflash"); // a disk that is not connected today
        Path config = Files.createDirectories(dir.resolve("config/fleetflash"));
        Path choice = Files.writeString(config.resolve(SettingsStore.CHOICE_FILE), SettingKey.DATA_DIRECTORY.fileKey() + "=" + chosen + "\n");
        Path xdgData = dir.resolve("xdg-data");

        refusedWithoutAWindow(start(null, Map.of("XDG_DATA_HOME", xdgData.toString())));

        String err = Files.readString(dir.resolve("stderr.txt"));
        assertThat(err.lines()).as(err).containsExactly("fleetflash: The data directory " + chosen + ", chosen in the Settings tab, is"
                + " not there (a disk that is not connected, or a folder moved?). FleetFlash does not make it again empty, which would"
                + " hide its history: connect it and start again, or delete " + choice + " to open " + xdgData.resolve("fleetflash")
                + " instead.");
        assertThat(chosen).as("not made again, by the window nor by its log file").doesNotExist();
    }

    @Test
    void aDataDirectoryThatIsAFileIsNamedOnceWithWhatToDo() throws Exception {
        Path file = Files.writeString(dir.resolve("data"), "not a directory");
        refusedWithoutAWindow(start(file));
        String err = Files.readString(dir.resolve("stderr.txt"));
        // the window takes no --data-dir: the sentence names what works for it
        assertThat(err.lines()).as(err).containsExactly("fleetflash: The data directory " + file + " is a file, not a directory: choose"
                + " another by starting FleetFlash with FLEETFLASH_DATA_DIR set to it, or move that file away.");
    }

    /** The start stops by itself with status 1 and shows no window. */
    private static void refusedWithoutAWindow(Process app) throws Exception {
        boolean ended = app.waitFor(120, TimeUnit.SECONDS);
        if (!ended) {
            app.destroyForcibly();
        }
        assertThat(ended).as("it stops by itself").isTrue();
        assertThat(app.exitValue()).isEqualTo(1);
        String out = new String(app.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(out).as("no window was shown").doesNotContain("fleetflash-window-shown");
    }

    /** {@code fleetflash} on {@code data}, with a configuration folder of its own, printing when its window shows. */
    private Process start(Path data) throws java.io.IOException {
        return start(data, Map.of());
    }

    /** The same, {@code data} null: the data directory is not named (the platform's, or the one chosen in Settings). */
    private Process start(Path data, Map<String, String> env) throws java.io.IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dtestfx.headless=true", "-Dprism.order=sw", "-Dglass.platform=Monocle", "-Dmonocle.platform=Headless",
                "-Djava.awt.headless=true", "-Dheadless.geometry=1366x768-32",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-D" + FleetFlashApp.PRINT_SHOWN_PROPERTY + "=true",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(dir.resolve("stderr.txt").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        if (data == null) {
            pb.environment().remove(DataDirectory.ENV);
        } else {
            pb.environment().put(DataDirectory.ENV, data.toString());
        }
        pb.environment().put("XDG_CONFIG_HOME", dir.resolve("config").toString());
        pb.environment().putAll(env);
        pb.environment().remove("FLEETFLASH_LOG");
        return pb.start();
    }
}

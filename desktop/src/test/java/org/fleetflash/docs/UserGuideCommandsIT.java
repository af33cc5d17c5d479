package org.fleetflash.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.fleetflash.testsupport.BuiltJar;
import org.fleetflash.testsupport.DemoPortLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the command-line examples of docs/user-guide.md as printed, in order, against the demo fleet the guide starts
 * ({@code ./run-demo.sh --no-window}, on its fixed addresses 127.0.3.1 and up, port 2222), and checks that each exits
 * as the guide implies and prints what the guide shows; so a guide that no longer matches the product fails the build.
 * The convention that marks the examples is {@link GuideExamples}'s.
 *
 * <p>The commands run through {@code /bin/sh} in a folder laid out like a checkout ({@code ./run-demo.sh}, the
 * {@code ./fleetflash} launcher with {@code desktop/jvm.options}, and {@code desktop/target/fleetflash.jar}, the jar this
 * build made, with its class data sharing archive), and a home of their own: {@code FLEETFLASH_DATA_DIR} is that home's
 * {@code ~/.local/share/fleetflash}, where the data directory is on Linux, so the guide's paths into it work as printed
 * and nothing touches the user's own data.
 *
 * <p>The demo fleet's port cannot be moved, so this test and {@code UserGuideScreenshotsIT} (and any other test on port
 * 2222) take turns through {@link DemoPortLock}.
 */
class UserGuideCommandsIT {

    static final Path GUIDE = Path.of("..", "docs", "user-guide.md");
    static final Path RUN_DEMO = Path.of("..", "run-demo.sh");
    static final Path LAUNCHER = Path.of("..", "fleetflash");
    static final Path JVM_OPTIONS = Path.of("jvm.options");
    static final Path JAR = BuiltJar.JAR;

    /** How long one command may take: an upgrade waits out the demo routers' reboots (20 to 30 s each, a real one's). */
    static final Duration UPGRADE_LIMIT = Duration.ofMinutes(10);
    static final Duration COMMAND_LIMIT = Duration.ofMinutes(2);
    /** How long the demo fleet may take to start, and to stop. */
    static final Duration DEMO_LIMIT = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    private Path checkout;
    private Map<String, String> env;

    @Test
    void everyCommandOfTheGuideRunsAsPrinted() throws Exception {
        List<GuideExamples.Fence> fences = GuideExamples.fences(Files.readAllLines(GUIDE, StandardCharsets.UTF_8));
        assertThat(GuideExamples.unmarkedCommands(fences)).as("blocks of %s that look like commands but are not marked console"
                + " (mark them 'console', or 'console not-run' for one a test cannot run)", GUIDE)
                .extracting(GuideExamples.Fence::line).isEmpty();
        List<GuideExamples.Command> commands = GuideExamples.commands(fences);
        assertThat(commands).as("the guide's runnable commands").isNotEmpty();
        assertThat(commands.get(0).keepsRunning()).as("the guide starts the demo fleet before its first command").isTrue();
        prepare();

        // the lock first, so that the fleet stops (and its failure to stop is reported) before the port's turn passes on
        try (DemoPortLock turn = DemoPortLock.acquire(Duration.ofMinutes(20)); Background running = new Background()) {
            int lastStatus = 0;
            GuideExamples.Command last = null;
            for (int i = 0; i < commands.size(); i++) {
                GuideExamples.Command c = commands.get(i);
                if (c.keepsRunning()) {
                    running.processes.add(start(c));
                    continue;
                }
                if (c.isExitStatus()) {
                    assertThat(last).as("%s has no command before it", c).isNotNull();
                    assertThat(c.required()).as("%s must show one exit status", c).hasSize(1);
                    assertThat(String.valueOf(lastStatus)).as("the exit status of %s", last).isEqualTo(c.required().get(0).strip());
                    continue;
                }
                Run run = run(c);
                boolean statusShown = i + 1 < commands.size() && commands.get(i + 1).isExitStatus();
                if (!statusShown) {
                    assertThat(run.status()).as("the exit status of %s, which printed:%n%s", c, run.text()).isZero();
                }
                assertThat(GuideExamples.differences(c, run.lines())).as("what %s printed, as the guide shows it; it printed:%n%s",
                        c, run.text()).isEmpty();
                last = c;
                lastStatus = run.status();
            }
        }
    }

    /** The commands that run until stopped; closing stops them (a failure to stop is added to the test's own failure). */
    private static final class Background implements AutoCloseable {
        final List<Process> processes = new ArrayList<>();

        @Override
        public void close() throws InterruptedException {
            for (Process p : processes) {
                stop(p);
            }
        }
    }

    /** The checkout-like folder, the {@code fleetflash} and {@code java} commands, and the environment of every command. */
    private void prepare() throws IOException {
        assertThat(JAR).as("the build must produce %s first (mvn package)", JAR).exists();
        checkout = Files.createDirectories(dir.resolve("checkout"));
        Files.createDirectories(checkout.resolve("desktop/target"));
        Files.createSymbolicLink(checkout.resolve("desktop/target/fleetflash.jar"), JAR.toAbsolutePath());
        if (Files.isRegularFile(BuiltJar.ARCHIVE)) {
            Files.createSymbolicLink(checkout.resolve("desktop/target/fleetflash.jsa"), BuiltJar.ARCHIVE.toAbsolutePath());
        }
        Files.copy(RUN_DEMO, checkout.resolve("run-demo.sh"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(LAUNCHER, checkout.resolve("fleetflash"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(JVM_OPTIONS, checkout.resolve("desktop/jvm.options"));
        Files.copy(Path.of("jvm-commands.options"), checkout.resolve("desktop/jvm-commands.options"));
        // the launcher's java ($JAVA_HOME/bin/java) keeps its temporary files where the build keeps the tests'
        // (java.io.tmpdir), and collects as the other jar tests' JVMs do (CommandLineJarIT.javaJar: short lives on a busy
        // build machine)
        Path javaHome = Files.createDirectories(dir.resolve("java"));
        script(Files.createDirectories(javaHome.resolve("bin")).resolve("java"), "exec '" + Path.of(System.getProperty("java.home"), "bin",
                "java")
                + "' -XX:+UseSerialGC -Djava.io.tmpdir='" + System.getProperty("java.io.tmpdir") + "' \"$@\"");
        Path home = Files.createDirectories(dir.resolve("home"));
        env = Map.of("JAVA_HOME", javaHome.toString(), "HOME", home.toString(),
                "FLEETFLASH_DATA_DIR", home.resolve(".local/share/fleetflash").toString(),
                "XDG_DATA_HOME", home.resolve(".local/share").toString(), "XDG_CONFIG_HOME", home.resolve(".config").toString(),
                // the demo's flash unthrottled (the guide's commands unchanged): its upgrades then take seconds, not minutes
                "FLEETFLASH_DEMO_FLASH", "unthrottled");
    }

    private static void script(Path file, String line) throws IOException {
        Files.writeString(file, "#!/bin/sh\n" + line + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    }

    private ProcessBuilder shell(GuideExamples.Command c) {
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", c.text()).directory(checkout.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().remove("FLEETFLASH_LOG");
        pb.environment().putAll(env);
        return pb;
    }

    /** What a command printed (stdout and stderr, as a terminal shows them) and its exit status. */
    record Run(int status, List<String> lines) {
        String text() {
            return String.join("\n", lines);
        }
    }

    private Run run(GuideExamples.Command c) throws Exception {
        Duration limit = c.text().contains(" upgrade ") ? UPGRADE_LIMIT : COMMAND_LIMIT;
        Path out = Files.createTempFile(dir, "out", ".txt");
        Process p = shell(c).redirectOutput(out.toFile()).start();
        if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
            kill(p);
            throw new AssertionError(c + " did not finish within " + limit.toSeconds() + " s; it printed:\n"
                    + Files.readString(out, StandardCharsets.UTF_8));
        }
        return new Run(p.exitValue(), Files.readAllLines(out, StandardCharsets.UTF_8));
    }

    /** Starts a command that runs until stopped, and waits until it printed every line the guide shows. */
    private Process start(GuideExamples.Command c) throws Exception {
        Process p = shell(c).start();
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    lines.add(line);
                    if (GuideExamples.allShown(c, List.copyOf(lines))) {
                        ready.complete(null);
                    }
                }
                ready.completeExceptionally(new IllegalStateException("it ended"));
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
        }, "guide-" + c.line());
        reader.setDaemon(true);
        reader.start();
        try {
            ready.get(DEMO_LIMIT.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
            kill(p);
            String printed = String.join("\n", List.copyOf(lines));
            String why = printed.contains("is taken") ? "Port 2222 on 127.0.3.x is taken, so the guide's demo fleet cannot start:"
                    + " stop what holds it (ss -tlnp 'sport = :2222': a demo still running, or another checkout's tests) and run"
                    + " this test again. " : "";
            throw new AssertionError(why + c + (e instanceof TimeoutException ? " did not print what the guide shows within "
                    + DEMO_LIMIT.toSeconds() + " s" : " ended before it printed what the guide shows") + "; it printed:\n" + printed);
        }
        return p;
    }

    /** Stops a command that runs until stopped, as Ctrl+C does, and checks that it ends. */
    private static void stop(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        if (!p.waitFor(DEMO_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            kill(p);
            throw new AssertionError("The demo fleet did not stop within " + DEMO_LIMIT.toSeconds() + " s of SIGTERM");
        }
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }
}

package org.fleetflash.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.fleetflash.core.settings.DataDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the jar is started: the class data sharing archive that the build makes beside it (decision 0020), from which the
 * start-up maps the window's classes instead of loading them one by one (a stale archive never stops the application),
 * and the launcher's JVM options (decision 0023).
 */
class ClassDataSharingIT {

    private static final Path TARGET = Path.of("target").toAbsolutePath();
    private static final Path JAR = org.fleetflash.testsupport.BuiltJar.JAR.toAbsolutePath();
    private static final Path ARCHIVE = org.fleetflash.testsupport.BuiltJar.ARCHIVE.toAbsolutePath();
    private static final Path REPO = TARGET.getParent().getParent();

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    private Run run(Path workDir, Map<String, String> env, List<String> command) throws IOException, InterruptedException {
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put(DataDirectory.ENV, dir.resolve("data").toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 120 s");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Test
    void theArchiveHoldsTheClassesOfTheWindowAndOfItsServices() throws Exception {
        assertThat(ARCHIVE).as("the build must make %s beside the jar", ARCHIVE).exists();

        // -Xshare:on: the JVM refuses to start when it cannot use the archive with this jar
        Run run = run(REPO, Map.of(), List.of(java(), "-Xshare:on", "-XX:SharedArchiveFile=" + REPO.relativize(ARCHIVE),
                "-XX:+PrintSharedArchiveAndExit", "-cp", REPO.relativize(JAR).toString()));

        assertThat(run.exit()).as(run.err() + run.out()).isZero();
        assertThat(run.out())
                .as("the window, its table and layout bar, the history and the SSH client are in the archive")
                .contains("org.fleetflash.app.Main ", "org.fleetflash.ui.MainWindow ", "javafx.scene.control.TableView ",
                        "org.fleetflash.core.history.", "org.sqlite.", "org.apache.sshd.client.SshClient ");
    }

    @Test
    void runDemoPassesTheArchiveToTheJvm() throws Exception {
        Path classLog = dir.resolve("classes.log");
        // -Xshare:on also holds without the archive (the JDK's own one), but then no FleetFlash class is shared
        Run run = run(REPO, Map.of("JAVA_TOOL_OPTIONS", "-Xshare:on -Xlog:class+load=info:file=" + classLog),
                List.of("./run-demo.sh", "--help"));

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("Usage: fleetflash demo");
        assertThat(Files.readAllLines(classLog)).anyMatch(l -> l.endsWith(" org.fleetflash.app.Main source: shared objects file"));
    }

    @Test
    void theLauncherRunsTheJarWithTheJvmOptionsOfItsFile() throws Exception {
        // JAVA_TOOL_OPTIONS comes before the command line's options: the flags printed are those the launcher set
        Run run = run(REPO, Map.of("JAVA_TOOL_OPTIONS", "-XX:+PrintFlagsFinal", "JAVA_HOME", System.getProperty("java.home")),
                List.of("./fleetflash", "--version"));

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("FleetFlash ")
                .as("the client compiler only, from desktop/jvm.options (decision 0023)")
                .containsPattern("\\bTieredStopAtLevel +:?= 1 +\\{product\\} \\{command line\\}")
                .as("a command: compiled after 20 calls, not 200 (decision 0026)")
                .containsPattern("\\bCompileThresholdScaling +:?= 0\\.1\\d* +\\{product\\} \\{command line\\}")
                .containsPattern("\\bTier3InvocationThreshold +:?= 20 ")
                .as("short collector pauses, from the same file (decision 0025)")
                .containsPattern("\\bMaxGCPauseMillis +:?= 30 +\\{product\\} \\{command line\\}")
                .as("and the archive made with the jar").containsPattern("\\bSharedArchiveFile +:?= .*fleetflash\\.jsa");
    }

    @Test
    void theLauncherHasTheWindowDrawRegionBackgroundsDirectly() throws Exception {
        // JDK_JAVA_OPTIONS reaches the java launcher itself, which then prints the system properties it starts with
        Run run = run(REPO, Map.of("JDK_JAVA_OPTIONS", "-XshowSettings:properties", "JAVA_HOME", System.getProperty("java.home")),
                List.of("./fleetflash", "--version"));

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).as("no cached background images, from desktop/jvm.options (decision 0027)")
                .containsPattern("(?m)^ +prism\\.disableRegionCaching = true$");
    }

    @Test
    void onlyTheCommandsThatOpenNoWindowCompileSooner() throws Exception {
        // a java that only says how it was started: which options the launcher chose, without starting anything
        Path bin = Files.createDirectories(dir.resolve("java/bin"));
        Path fake = Files.writeString(bin.resolve("java"), "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
        fake.toFile().setExecutable(true);
        Map<String, String> env = Map.of("JAVA_HOME", dir.resolve("java").toString());

        assertThat(run(REPO, env, List.of("./fleetflash", "upgrade", "--help")).out()).as("a command (decision 0026)")
                .contains("@" + REPO.resolve("desktop/jvm.options"), "@" + REPO.resolve("desktop/jvm-commands.options"));
        for (List<String> window : List.of(List.of("./fleetflash"), List.of("./fleetflash", "demo"))) {
            assertThat(run(REPO, env, window).out()).as("%s opens the window: its first frames must not wait for the compiler", window)
                    .contains("@" + REPO.resolve("desktop/jvm.options")).doesNotContain("jvm-commands.options");
        }
    }

    @Test
    void aJarNewerThanItsArchiveStillStartsQuietly() throws Exception {
        Path jar = dir.resolve("fleetflash.jar");
        Files.copy(JAR, jar);
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        List<String> command = new ArrayList<>(List.of(java(), "-XX:SharedArchiveFile=" + ARCHIVE, "-Xlog:class+load=info",
                "-jar", jar.toString(), "--version"));

        Run run = run(dir, Map.of(), command);

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).contains("FleetFlash ")
                .as("the archive no longer matches the jar: the JVM loads FleetFlash's classes from the jar")
                .contains("org.fleetflash.app.Main source: file:").doesNotContain("org.fleetflash.app.Main source: shared");
    }
}

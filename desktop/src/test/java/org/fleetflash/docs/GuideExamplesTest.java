package org.fleetflash.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the guide's examples are read and compared, so that a reader's example means what the test checks. */
class GuideExamplesTest {

    private static final List<String> GUIDE = List.of(
            "# Guide",
            "```console not-run",
            "$ ./run-demo.sh",
            "```",
            "```console keeps-running",
            "$ ./run-demo.sh --no-window",
            "r1 127.0.3.1:2222",
            "```",
            "Some prose.",
            "```",
            "r1 127.0.3.1:2222",
            "```",
            "```console",
            "$ fleetflash upgrade 127.0.3.1:2222 \\",
            "    --image fw.bin",
            "...",
            "127.0.3.1:2222  SUCCEEDED: Upgraded in 2m02s",
            "$ echo $?",
            "0",
            "```");

    @Test
    void readsTheCommandsOfConsoleBlocksInOrderAndLeavesOutThoseNotRun() {
        List<GuideExamples.Command> commands = GuideExamples.commands(GuideExamples.fences(GUIDE));

        assertThat(commands).extracting(GuideExamples.Command::text)
                .containsExactly("./run-demo.sh --no-window", "fleetflash upgrade 127.0.3.1:2222 \\\n    --image fw.bin", "echo $?");
        assertThat(commands.get(0).keepsRunning()).isTrue();
        assertThat(commands.get(0).line()).isEqualTo(6);
        assertThat(commands.get(1).keepsRunning()).isFalse();
        assertThat(commands.get(1).required()).containsExactly("127.0.3.1:2222  SUCCEEDED: Upgraded in 2m02s");
        assertThat(commands.get(2).isExitStatus()).isTrue();
        assertThat(commands.get(2).required()).containsExactly("0");
    }

    @Test
    void everyLineShownMustBePrintedAndWithoutDotsNothingElse() {
        GuideExamples.Command whole = new GuideExamples.Command(1, "x", false, List.of("b", "a"));
        GuideExamples.Command part = new GuideExamples.Command(1, "x", false, List.of("a", "..."));

        assertThat(GuideExamples.differences(whole, List.of("a", "", "b"))).as("any order, blank lines aside").isEmpty();
        assertThat(GuideExamples.differences(whole, List.of("a", "b", "c"))).containsExactly("printed but not shown (add it, or '...'): c");
        assertThat(GuideExamples.differences(whole, List.of("a"))).containsExactly("not printed: b");
        assertThat(GuideExamples.differences(part, List.of("a", "b", "c"))).isEmpty();
        assertThat(GuideExamples.differences(part, List.of("b"))).containsExactly("not printed: a");
    }

    @Test
    void onlyWhatDiffersAtEveryRunIsNormalised() {
        assertThat(GuideExamples.normalise("2026-12-01 16:01:00  127.0.3.1:2222   SUCCEEDED   2m02s  OK   20261201-160059-a3dda5730175f213"))
                .isEqualTo("<time> 127.0.3.1:2222 SUCCEEDED <duration> OK <id>");
        assertThat(GuideExamples.normalise("Batch 20261201-160333-396f8dd7fb4cbdaa: 3 router(s) in 2 min 38 s"))
                .isEqualTo("Batch <id>: 3 router(s) in <duration>");
        assertThat(GuideExamples.normalise("Tried 254 of 254 addresses: 5 open, 0 timed out, in 0.348 s, 116.8 MiB/s"))
                .isEqualTo("Tried 254 of 254 addresses: 5 open, 0 timed out, in <duration>, <rate>");
        assertThat(GuideExamples.normalise("at 2026-12-01T16:01:00.004Z key SHA256:FQJNuVjGQ0eF3KGFMCnlFcYq6+p9/e1f42mmk5/5uu8 image "
                + "5cb016e430f3abc07b9837f64dae7a6e7d42d0f228f77080959a66963903ac9a"))
                .isEqualTo("at <time> key <fingerprint> image <sha256>");
        assertThat(GuideExamples.normalise("firmware    11.0-r295681, 121 erase blocks, port 2222"))
                .as("versions, counts and addresses are what the guide checks").isEqualTo("firmware 11.0-r295681, 121 erase blocks, port 2222");
    }

    @Test
    void aBlockThatLooksLikeACommandButIsNotMarkedIsFound() {
        List<GuideExamples.Fence> fences = GuideExamples.fences(List.of("```", "java -jar desktop/target/fleetflash.jar --help", "```",
                "```", "r1 127.0.3.1:2222", "```", "```sh", "$ fleetflash scan 127.0.3.1", "```"));

        assertThat(GuideExamples.unmarkedCommands(fences)).extracting(GuideExamples.Fence::line).containsExactly(1, 7);
    }

    @Test
    void anUnknownWordInAConsoleInfoStringIsRefused() {
        List<GuideExamples.Fence> fences = GuideExamples.fences(List.of("```console keep-running", "$ ./run-demo.sh --no-window", "```"));

        assertThatThrownBy(() -> GuideExamples.commands(fences)).hasMessageContaining("'keep-running'").hasMessageContaining("line 1");
    }

    @Test
    void theUserGuideFollowsTheConvention() throws Exception {
        List<GuideExamples.Fence> fences = GuideExamples.fences(Files.readAllLines(UserGuideCommandsIT.GUIDE, StandardCharsets.UTF_8));

        assertThat(GuideExamples.unmarkedCommands(fences)).as("blocks that look like commands but are not marked console").isEmpty();
        List<GuideExamples.Command> commands = GuideExamples.commands(fences);
        assertThat(commands.get(0).text()).as("the guide starts the demo fleet first").isEqualTo("./run-demo.sh --no-window");
        assertThat(commands).filteredOn(GuideExamples.Command::isExitStatus).allSatisfy(c -> assertThat(c.required()).hasSize(1));
    }
}

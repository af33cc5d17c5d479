package org.fleetflash.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.fleetflash.agent.protocol.AgentLine;
import org.fleetflash.server.telemetry.TelemetryEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The flasher with a list of changed blocks (FF_CHANGED in stage.conf) writes and checks the listed blocks and
 * neither reads nor writes the others; without the list it compares every block, as before. Each test changes
 * the last 3 erase blocks of the router's own firmware and, behind the flasher's back, one rootfs block that
 * is not listed: only the flasher that compares everything puts it right.
 */
class ChangedBlocksFlashIT extends BenchIT {

    private static final Duration FLASH_TIMEOUT = Duration.ofSeconds(300);
    private static final int CHANGED = 3;


    /** What the flash looked like around one upgrade, and what the flasher reported. */
    private record Flashed(byte[] image, byte[] before, byte[] after, int blocks, int unlisted, TelemetryEvent done,
            Instant committed) {
    }

    /**
     * Stages the router's firmware with its last blocks changed, flips a byte of span block {@code unlisted} on the
     * flash, commits, and waits for the flasher's DONE and the reboot.
     */
    private Flashed flash(Profile profile, Shell shell, boolean listed) throws Exception {
        Files.createDirectories(dir.resolve("state"));
        bench = new UpgradeBench(dir.resolve("state"), dir, profile, shell, "127.0.3.7");
        Profile p = bench.router.sandbox().profile();
        int eb = p.eraseBlock();
        byte[] image = SimImage.withChangedTail(p, SimImage.bytes(p, p.firmwareVersion(), 0), CHANGED);
        int blocks = UpgradeBench.padded(image, eb).length / eb;
        String list = (blocks - CHANGED) + "-" + (blocks - 1);
        bench.writeStageConf(bench.image("fw.bin", image), "fetch",
                conf -> listed ? conf + "FF_CHANGED='" + list + "'\n" : conf);
        UpgradeBench.Run stage = bench.agent("stage");
        assertThat(stage.first(AgentLine.Staged.class)).as(stage.machine()).isPresent();

        int unlisted = blocks - 20; // a rootfs block the list does not name
        long at = p.spanStart() + (long) unlisted * eb + 100;
        try (RandomAccessFile f = new RandomAccessFile(bench.router.sandbox().flashFile().toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0xFF);
        }
        byte[] before = bench.flash();

        // taken before the commit is sent: nothing is flashed before it, so the time from here to DONE is never shorter
        // than the flashing, whatever the load (taken after, a late return of the session made it shorter than the
        // throttle's time on a loaded machine)
        Instant committed = Instant.now();
        UpgradeBench.Run commit = bench.agent("commit");
        assertThat(commit.first(AgentLine.Committed.class)).as(commit.machine()).isPresent();
        await().atMost(FLASH_TIMEOUT).until(() -> !bench.events("DONE").isEmpty());
        await().atMost(Duration.ofSeconds(30)).until(() -> bench.router.state() == SimRouter.State.UP
                || bench.router.state() == SimRouter.State.DEAD);
        return new Flashed(image, before, bench.flash(), blocks, unlisted, bench.events("DONE").get(0), committed);
    }

    private static byte[] spanBlock(byte[] flash, Profile p, int block) {
        int from = (int) p.spanStart() + block * p.eraseBlock();
        return Arrays.copyOfRange(flash, from, from + p.eraseBlock());
    }

    private static byte[] imageBlock(byte[] image, Profile p, int block) {
        return Arrays.copyOfRange(UpgradeBench.padded(image, p.eraseBlock()), block * p.eraseBlock(),
                (block + 1) * p.eraseBlock());
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void listedBlocksAreWrittenAndCheckedAndUnlistedOnesAreNotTouched(Shell shell) throws Exception {
        Flashed f = flash(Profile.load("tl-wdr3600").unthrottled(), shell, true);
        Profile p = bench.router.sandbox().profile();

        assertThat(f.done().number("written")).hasValue(CHANGED);
        assertThat(f.done().number("same")).hasValue(f.blocks() - CHANGED);
        for (int b = f.blocks() - CHANGED; b < f.blocks(); b++) {
            assertThat(spanBlock(f.after(), p, b)).as("listed block %d", b).isEqualTo(imageBlock(f.image(), p, b));
        }
        // the flipped byte is still there: the flasher trusted the list and did not read or write that block
        assertThat(spanBlock(f.after(), p, f.unlisted())).isEqualTo(spanBlock(f.before(), p, f.unlisted()))
                .isNotEqualTo(imageBlock(f.image(), p, f.unlisted()));
        int tail = (int) p.spanStart() + (f.blocks() - CHANGED) * p.eraseBlock();
        assertThat(Arrays.copyOfRange(f.after(), 0, tail)).isEqualTo(Arrays.copyOfRange(f.before(), 0, tail));
        // the progress still reaches the last block
        assertThat(bench.events("PROGRESS")).extracting(e -> e.number("block").orElseThrow()).contains((long) f.blocks());
        assertThat(Files.readString(bench.router.consoleLog())).contains("fleetflash: writing the changed blocks "
                + (f.blocks() - CHANGED) + "-" + (f.blocks() - 1) + " of " + f.blocks());
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void withoutAListEveryBlockIsComparedAndTheUnlistedDifferenceIsWrittenToo(Shell shell) throws Exception {
        Flashed f = flash(Profile.load("tl-wdr3600").unthrottled(), shell, false);
        Profile p = bench.router.sandbox().profile();

        assertThat(f.done().number("written")).hasValue(CHANGED + 1);
        assertThat(f.done().number("same")).hasValue(f.blocks() - CHANGED - 1);
        int start = (int) p.spanStart();
        byte[] padded = UpgradeBench.padded(f.image(), p.eraseBlock());
        assertThat(Arrays.copyOfRange(f.after(), start, start + padded.length)).isEqualTo(padded);
        bench.router.awaitState(SimRouter.State.UP, Duration.ofSeconds(30));
        // every block reported, neighbouring blocks with the same result in one datagram (from= its first block)
        var progress = bench.events("PROGRESS");
        assertThat(progress).flatExtracting(e -> java.util.stream.LongStream.rangeClosed(
                e.number("from").orElse(e.number("block").orElseThrow()), e.number("block").orElseThrow()).boxed().toList())
                .containsAll(java.util.stream.LongStream.rangeClosed(1, f.blocks()).boxed().toList());
        assertThat(progress).as("one datagram (one nc process) per group, not per block").hasSizeLessThan((int) f.blocks() / 4);
    }

    @Test
    void aRunOfListedBlocksIsStillWrittenAtTheProfilesFlashSpeed() throws Exception {
        // two erase blocks a second: the three changed ones need a second and a half, far more than the commit and the
        // reroot around them take unthrottled (a throttle that did not hold would end well under it)
        long bps = 2L * 65536;
        Flashed f = flash(Profile.load("tl-wdr3600").withFlashSpeed(0, bps), Shell.DASH, true);

        assertThat(f.done().number("written")).hasValue(CHANGED);
        Duration took = Duration.between(f.committed(), f.done().receivedAt());
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(CHANGED * 65536L * 1000 / bps));
    }
}

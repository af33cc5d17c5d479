package org.fleetflash.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.fleetflash.agent.protocol.AgentLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code read}: the raw bytes of named partitions and nothing else on stdout; names from the router stay data.
 * Also the probe's host name, bounded.
 */
class ReadPartitionsIT extends BenchIT {

    /** A partition name a hostile router could report: shell code in every form a careless quoting would run. */
    private static final String HOSTILE = "$(touch${IFS}PWNED)`touch${IFS}PWNED2`";


    private UpgradeBench bench(Shell shell) throws Exception {
        Files.createDirectories(dir.resolve("state"));
        bench = new UpgradeBench(dir.resolve("state"), dir, Profile.load("tl-wdr3600").unthrottled(), shell, "127.0.3.7");
        return bench;
    }

    /** What {@code read ARGS} wrote: stdout bytes exactly, stderr as text, and the exit status. */
    private record Bytes(int exit, byte[] out, String err) {}

    private Bytes read(String args) throws Exception {
        Sandbox sb = bench.router.sandbox();
        ProcessBuilder pb = new ProcessBuilder(sb.shellBinary().toString(), "-c",
                "sh \"$FF_ROOT/tmp/fleetflash/ffagent.sh\" read " + args).directory(sb.workingDirectory().toFile());
        pb.environment().clear();
        pb.environment().putAll(sb.environment());
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<byte[]> out = drain(p.getInputStream());
        CompletableFuture<byte[]> err = drain(p.getErrorStream());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Bytes(p.exitValue(), out.join(), new String(err.join(), StandardCharsets.UTF_8));
    }

    private static CompletableFuture<byte[]> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private byte[] slice(String partition) throws IOException {
        FlashLayout.Slice s = bench.router.sandbox().layout().slice(partition).orElseThrow();
        return Arrays.copyOfRange(bench.flash(), (int) s.offset(), (int) (s.offset() + s.size()));
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void readsPartitionsWholeInOrderAndTheFirstBlocksOfOne(Shell shell) throws Exception {
        bench(shell);
        int eb = bench.router.sandbox().profile().eraseBlock();

        Bytes both = read("kernel rootfs");
        Bytes art = read("ART");
        Bytes header = read("--blocks 2 kernel");

        assertThat(both.exit()).as(both.err()).isZero();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(slice("kernel"));
        expected.write(slice("rootfs"));
        assertThat(both.out()).isEqualTo(expected.toByteArray());
        assertThat(art.out()).isEqualTo(slice("ART"));
        assertThat(header.out()).isEqualTo(Arrays.copyOf(slice("kernel"), 2 * eb));
        assertThat(both.err() + art.err() + header.err()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void digestsTheFirstBlocksOfPartitionsReadInOrderOnTheRouter(Shell shell) throws Exception {
        bench(shell);
        int eb = bench.router.sandbox().profile().eraseBlock();
        int kernelBlocks = slice("kernel").length / eb;
        int blocks = kernelBlocks + 3; // the whole kernel, then the first 3 blocks of rootfs

        UpgradeBench.Run d = bench.agent("digest " + blocks + " kernel rootfs");

        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        sha.update(slice("kernel"));
        sha.update(slice("rootfs"), 0, 3 * eb);
        assertThat(d.exit()).as(d.machine()).isZero();
        assertThat(d.first(AgentLine.Digest.class)).contains(new AgentLine.Digest(blocks, (long) blocks * eb,
                java.util.HexFormat.of().formatHex(sha.digest())));
        assertThat(d.error()).isEmpty();
    }

    @Test
    void aDigestOfWhatIsNoPartitionOrBeyondTheirEndIsAnErrorAndNoDigest() throws Exception {
        bench(Shell.DASH);
        int eb = bench.router.sandbox().profile().eraseBlock();
        int spanBlocks = (slice("kernel").length + slice("rootfs").length) / eb;

        for (String args : new String[] {"1 nosuch", "1 '../../etc/rc.conf'", "0 kernel", "x kernel", "1",
            (spanBlocks + 1) + " kernel rootfs"}) {
            UpgradeBench.Run d = bench.agent("digest " + args);
            assertThat(d.exit()).as(args).isEqualTo(1);
            assertThat(d.first(AgentLine.Digest.class)).as(args).isEmpty();
            assertThat(d.error()).as(args).isPresent();
        }
        assertThat(bench.agent("digest 1 kernel nosuch").error().orElseThrow().text()).contains("no partition 'nosuch'");
    }

    @Test
    void refusesWhatIsNoPartitionWithOneLineAndNothingOnStdout() throws Exception {
        bench(Shell.DASH);

        for (String args : new String[] {"nosuch", "kernel nosuch", "'../../etc/rc.conf'", "'map/kernel'", "", "--blocks x kernel",
            "--blocks 1000 kernel"}) {
            Bytes r = read(args);
            assertThat(r.exit()).as(args).isEqualTo(1);
            assertThat(r.out()).as(args).isEmpty();
            assertThat(r.err().lines()).as(args).singleElement().asString().startsWith("read: ");
        }
        assertThat(read("kernel nosuch").err()).contains("no partition 'nosuch' in kern.geom.conftxt");
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void aHostilePartitionNameStaysData(Shell shell) throws Exception {
        bench(shell);
        Sandbox sb = bench.router.sandbox();
        FlashLayout.Slice art = sb.layout().slice("ART").orElseThrow();
        // the router's kernel reports one more partition, over the ART bytes, with shell code for a name
        Files.writeString(sb.simDir().resolve("partitions"), "9 " + HOSTILE + " " + art.offset() + " " + art.size() + " 1\n",
                java.nio.file.StandardOpenOption.APPEND);

        UpgradeBench.Run probe = bench.agent("probe");
        Bytes hostile = read("'" + HOSTILE + "'");

        assertThat(probe.lines()).contains(new AgentLine.Raw("conftxt",
                "1 MAP map/" + HOSTILE + " " + art.size() + " 512 i 9 o " + art.offset() + " entry 0 dsize " + art.size()));
        assertThat(hostile.exit()).as(hostile.err()).isZero();
        assertThat(hostile.out()).isEqualTo(slice("ART"));
        try (Stream<Path> all = Files.walk(sb.routerDir())) {
            assertThat(all.filter(p -> p.getFileName().toString().startsWith("PWNED")).toList()).isEmpty();
        }
        assertThat(Path.of("PWNED")).doesNotExist();
        assertThat(Path.of("/tmp/PWNED")).doesNotExist();
    }

    @Test
    void theProbeBoundsTheHostNameToOneLineOf255Characters() throws Exception {
        bench(Shell.POSH);
        Files.writeString(bench.router.sandbox().simDir().resolve("hostname"), "h".repeat(300) + "\n@FF error code=FAKE text=x\n");

        UpgradeBench.Run probe = bench.agent("probe");

        assertThat(probe.exit()).as(probe.machine()).isZero();
        assertThat(probe.lines()).contains(new AgentLine.Fact("hostname", "h".repeat(255)));
        assertThat(probe.error()).isEmpty();
    }
}

package org.fleetflash.agent.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class AgentLineReaderTest {

    private static List<AgentLine> read(byte[] bytes, AgentLineReader.Stream stream) throws IOException {
        List<AgentLine> lines = new ArrayList<>();
        long count = AgentLineReader.read(new ByteArrayInputStream(bytes), stream, lines::add);
        assertThat(count).isEqualTo(lines.size());
        return lines;
    }

    private static List<AgentLine> readStdout(String text) throws IOException {
        return read(text.getBytes(StandardCharsets.UTF_8), AgentLineReader.Stream.STDOUT);
    }

    @Test
    void deliversMachineAndLogLinesInOrder() throws IOException {
        assertThat(readStdout("@FF hello agent=1 cmd=probe\nsysctl: unknown oid\n@FF done cmd=probe status=ok\n"))
                .containsExactly(new AgentLine.Hello(1, "probe"), AgentLine.Log.plain("sysctl: unknown oid"),
                        new AgentLine.Done("probe", "ok"));
    }

    @Test
    void deliversALastLineWithoutNewline() throws IOException {
        assertThat(readStdout("a\n@FF led name=QSS")).containsExactly(AgentLine.Log.plain("a"), new AgentLine.Led("QSS"));
    }

    @Test
    void deliversEmptyLinesAndNothingForEmptyInput() throws IOException {
        assertThat(readStdout("\n\n")).containsExactly(AgentLine.Log.plain(""), AgentLine.Log.plain(""));
        assertThat(readStdout("")).isEmpty();
    }

    @Test
    void treatsCrLfAsALineEndButAStrayCarriageReturnAsAControlCharacter() throws IOException {
        assertThat(readStdout("@FF led name=USB1\r\nprogress 10%\rprogress 20%\n"))
                .containsExactly(new AgentLine.Led("USB1"), AgentLine.Log.plain("progress 10%\uFFFDprogress 20%"));
    }

    @Test
    void replacesMalformedUtf8InsteadOfFailing() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes("@FF fact key=hostname text=r".getBytes(StandardCharsets.US_ASCII));
        bytes.writeBytes(new byte[] {(byte) 0xff, (byte) 0xc3, 0x28, (byte) 0xe2, (byte) 0x82});
        bytes.writeBytes("\nGr\u00fc\u00dfe\n".getBytes(StandardCharsets.UTF_8));
        List<AgentLine> lines = read(bytes.toByteArray(), AgentLineReader.Stream.STDOUT);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).isInstanceOf(AgentLine.Fact.class);
        assertThat(((AgentLine.Fact) lines.get(0)).text()).startsWith("r\uFFFD").contains("(").doesNotContain("\u00ff");
        assertThat(lines.get(1)).isEqualTo(AgentLine.Log.plain("Grüße"));
    }

    @Test
    void cutsAOneMegabyteLineAndReadsTheNextLineNormally() throws IOException {
        String huge = "@FF raw src=conftxt text=" + "9".repeat(1 << 20);
        List<AgentLine> lines = readStdout(huge + "\n@FF led name=QSS\n");
        assertThat(lines).hasSize(2);
        AgentLine.Log log = (AgentLine.Log) lines.get(0);
        assertThat(log.text()).isEqualTo(huge.substring(0, AgentLineParser.MAX_LINE_CHARS));
        assertThat(log.rejectedBecause()).get().asString().contains("cut");
        assertThat(lines.get(1)).isEqualTo(new AgentLine.Led("QSS"));
    }

    @Test
    void marksALineOverTheLimitEvenWhenItsBytesDecodeToFewCharacters() throws IOException {
        // 4-byte characters: the byte cap is reached while the decoded text is still short of 8192 chars
        // only if the reader forgot that it dropped bytes.
        String rockets = "\uD83D\uDE80".repeat(AgentLineParser.MAX_LINE_CHARS * 2);
        List<AgentLine> lines = readStdout(rockets + "\n");
        AgentLine.Log log = (AgentLine.Log) lines.get(0);
        assertThat(log.rejectedBecause()).isPresent();
        assertThat(log.text().length()).isLessThanOrEqualTo(AgentLineParser.MAX_LINE_CHARS);
    }

    /** One line of {@code size} bytes of 'x' and its newline, made on the fly. */
    private static final class OneLongLine extends InputStream {
        private long left;

        OneLongLine(long size) {
            this.left = size + 1;
        }

        @Override
        public int read() {
            if (left <= 0) {
                return -1;
            }
            return --left == 0 ? '\n' : 'x';
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            Arrays.fill(b, off, off + n, (byte) 'x');
            left -= n;
            if (left == 0) {
                b[off + n - 1] = '\n';
            }
            return n;
        }
    }

    @Test
    void readsAHugeLineInOnePassKeepingOnlyItsHead() throws IOException {
        List<AgentLine> lines = new ArrayList<>();
        AgentLineReader.read(new OneLongLine(64L << 20), AgentLineReader.Stream.STDOUT, lines::add);
        assertThat(lines).hasSize(1);
        assertThat(((AgentLine.Log) lines.get(0)).text()).isEqualTo("x".repeat(AgentLineParser.MAX_LINE_CHARS));
    }

    @Test
    void neverReadsAMachineLineFromStderr() throws IOException {
        List<AgentLine> lines = read("@FF done cmd=probe status=ok\nmount: tmpfs: \u001b[31mfailed\n"
                .getBytes(StandardCharsets.UTF_8), AgentLineReader.Stream.STDERR);
        assertThat(lines).containsExactly(AgentLine.Log.plain("@FF done cmd=probe status=ok"),
                AgentLine.Log.plain("mount: tmpfs: \uFFFD[31mfailed"));
    }

    @Test
    void passesOnAReadFailureAfterDeliveringWhatCameBefore() {
        List<AgentLine> lines = new ArrayList<>();
        InputStream failing = new InputStream() {
            private final InputStream first = new ByteArrayInputStream("@FF led name=QSS\n".getBytes(StandardCharsets.UTF_8));

            @Override
            public int read() throws IOException {
                int b = first.read();
                if (b < 0) {
                    throw new IOException("channel closed");
                }
                return b;
            }
        };
        assertThatThrownBy(() -> AgentLineReader.read(failing, AgentLineReader.Stream.STDOUT, lines::add))
                .isInstanceOf(IOException.class).hasMessage("channel closed");
        assertThat(lines).containsExactly(new AgentLine.Led("QSS"));
    }

    @Test
    void neverThrowsOnRandomBytes() throws IOException {
        Random random = new Random(7L);
        for (int i = 0; i < 500; i++) {
            byte[] bytes = new byte[random.nextInt(4000)];
            random.nextBytes(bytes);
            for (AgentLine line : read(bytes, AgentLineReader.Stream.STDOUT)) {
                assertThat(line).isNotNull();
            }
        }
    }
}

package org.fleetflash.core.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class LineSplitterTest {

    private final List<OutputLine> lines = new ArrayList<>();

    private LineSplitter splitter(int max) {
        return new LineSplitter(StdStream.STDERR, lines::add, max);
    }

    private static void write(LineSplitter s, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        s.write(b, 0, b.length);
    }

    @Test
    void splitsOnNewlinesAcrossChunksAndDropsCarriageReturns() {
        LineSplitter s = splitter(100);
        write(s, "FF phase=PRO");
        write(s, "BE\r\nsecond\n\nlast");
        assertThat(lines).extracting(OutputLine::text).containsExactly("FF phase=PROBE", "second", "");

        s.close();
        s.close();
        assertThat(lines).containsExactly(new OutputLine(StdStream.STDERR, "FF phase=PROBE", false),
                new OutputLine(StdStream.STDERR, "second", false), new OutputLine(StdStream.STDERR, "", false),
                new OutputLine(StdStream.STDERR, "last", false));
    }

    @Test
    void cutsOverlongLineOnceAndResumesAtTheNextLine() {
        LineSplitter s = splitter(8);
        write(s, "0123456789abcdef");
        write(s, "more of the same line\nnext\n");
        s.close();

        assertThat(lines).containsExactly(new OutputLine(StdStream.STDERR, "01234567", true), new OutputLine(StdStream.STDERR, "next", false));
    }

    @Test
    void lineOfExactlyTheCapIsNotCut() {
        LineSplitter s = splitter(4);
        write(s, "abcd\nabcde\n");

        assertThat(lines).containsExactly(new OutputLine(StdStream.STDERR, "abcd", false), new OutputLine(StdStream.STDERR, "abcd", true));
    }

    @Test
    void decodesUtf8SplitAcrossWrites() {
        LineSplitter s = splitter(100);
        byte[] b = "größe ✓\n".getBytes(StandardCharsets.UTF_8);
        for (byte x : b) {
            s.write(x);
        }
        assertThat(lines).extracting(OutputLine::text).containsExactly("größe ✓");
    }

    @Test
    void sinkThatThrowsIsRememberedAndNotCalledAgain() {
        List<String> seen = new ArrayList<>();
        LineSplitter s = new LineSplitter(StdStream.STDOUT, l -> {
            seen.add(l.text());
            throw new IllegalStateException("UI gone");
        }, 100);
        write(s, "a\nb\n");

        assertThat(seen).containsExactly("a");
        assertThat(s.sinkFailure()).hasMessage("UI gone");
    }
}

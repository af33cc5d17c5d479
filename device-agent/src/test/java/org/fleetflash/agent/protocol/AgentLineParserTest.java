package org.fleetflash.agent.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AgentLineParserTest {

    @Test
    void readsEveryKindOfTheContract() {
        assertThat(AgentLineParser.parse("@FF hello agent=1 cmd=probe")).isEqualTo(new AgentLine.Hello(1, "probe"));
        assertThat(AgentLineParser.parse("@FF fact key=os.release text=11.0-CURRENT"))
                .isEqualTo(new AgentLine.Fact("os.release", "11.0-CURRENT"));
        assertThat(AgentLineParser.parse("@FF tool name=fetch present=yes path=/usr/bin/fetch"))
                .isEqualTo(new AgentLine.Tool("fetch", true, Optional.of("/usr/bin/fetch")));
        assertThat(AgentLineParser.parse("@FF tool name=sha256 present=no"))
                .isEqualTo(new AgentLine.Tool("sha256", false, Optional.empty()));
        assertThat(AgentLineParser.parse("@FF led name=SYSTEM")).isEqualTo(new AgentLine.Led("SYSTEM"));
        assertThat(AgentLineParser.parse("@FF raw src=conftxt text=1 MAP map/kernel 1245184 512 i 2 o 131072 entry 0 dsize 1245184"))
                .isEqualTo(new AgentLine.Raw("conftxt", "1 MAP map/kernel 1245184 512 i 2 o 131072 entry 0 dsize 1245184"));
        assertThat(AgentLineParser.parse("@FF done cmd=probe status=ok")).isEqualTo(new AgentLine.Done("probe", "ok"));
        assertThat(AgentLineParser.parse("@FF error code=NO_TMPFS text=cannot mount tmpfs"))
                .isEqualTo(new AgentLine.Error("NO_TMPFS", "cannot mount tmpfs"));
    }

    @Test
    void keysMayComeInAnyOrderBeforeText() {
        assertThat(AgentLineParser.parse("@FF tool path=/bin/dd present=yes name=dd"))
                .isEqualTo(new AgentLine.Tool("dd", true, Optional.of("/bin/dd")));
    }

    @Test
    void keepsTextVerbatimWithEqualsSignsSpacesAndKeyLookalikes() {
        assertThat(AgentLineParser.parse("@FF fact key=model text=a=b  c key=x text=y "))
                .isEqualTo(new AgentLine.Fact("model", "a=b  c key=x text=y "));
    }

    @Test
    void keepsEmptyText() {
        assertThat(AgentLineParser.parse("@FF fact key=md.units text=")).isEqualTo(new AgentLine.Fact("md.units", ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"=cmd|' /C calc'!A0", "+SUM(A1:A2)", "-2+3", "@SUM(1)", "=HYPERLINK(\"http://x\")"})
    void keepsCsvFormulaLookalikesAsPlainData(String value) {
        assertThat(AgentLineParser.parse("@FF fact key=hostname text=" + value))
                .isEqualTo(new AgentLine.Fact("hostname", value));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', quoteCharacter = '"', textBlock = """
            @FF progress pct=10                          ; unknown kind 'progress'
            @FF Hello agent=1 cmd=probe                  ; malformed kind 'Hello' (expected [a-z][a-z0-9_.]*)
            "@FF "                                       ; malformed kind '' (expected [a-z][a-z0-9_.]*)
            @FF  hello agent=1 cmd=probe                 ; malformed kind '' (expected [a-z][a-z0-9_.]*)
            @FF hello agent=1 cmd=probe colour=red       ; unknown key 'colour' for kind 'hello'
            @FF led name=SYSTEM text=hi                  ; unknown key 'text' for kind 'led'
            @FF hello agent=1                            ; missing required key 'cmd' for kind 'hello'
            @FF fact key=hostname                        ; missing required key 'text' for kind 'fact'
            @FF done cmd=probe                           ; missing required key 'status' for kind 'done'
            @FF led name=SYSTEM name=QSS                 ; duplicate key 'name'
            @FF tool name=dd present=maybe               ; key 'present' has 'maybe', expected yes|no
            @FF hello agent=x cmd=probe                  ; key 'agent' has 'x', expected [0-9]{1,9}
            @FF hello agent=-1 cmd=probe                 ; key 'agent' has '-1', expected [0-9]{1,9}
            @FF hello agent=99999999999 cmd=probe        ; key 'agent' has '99999999999', expected [0-9]{1,9}
            @FF done cmd=probe status=failed             ; key 'status' has 'failed', expected ok
            @FF error code=no_tmpfs text=x               ; key 'code' has 'no_tmpfs', expected [A-Z][A-Z0-9_]*
            @FF led name=../../etc/passwd                ; key 'name' has '../../etc/passwd', expected [A-Za-z0-9_][A-Za-z0-9_.+-]*
            @FF tool name=dd present=yes path=bin/dd     ; key 'path' has 'bin/dd', expected /[A-Za-z0-9_./+-]*
            @FF led name=                                ; key 'name' has an empty value
            @FF led name                                 ; field 'name' is not key=value
            @FF led =SYSTEM                              ; malformed key ''
            @FF led name=A  present=yes                  ; empty field (two spaces in a row, or a space at the end)
            @FF fact text=x key=hostname                 ; missing required key 'key' for kind 'fact'
            """)
    void rejectsMalformedMachineLinesAsLogWithTheReason(String line, String reason) {
        assertThat(AgentLineParser.parse(line)).isEqualTo(AgentLine.Log.rejected(line, reason));
    }

    @Test
    void rejectsTrailingSpaceAfterTheLastToken() {
        assertThat(AgentLineParser.parse("@FF led name=SYSTEM ")).isInstanceOf(AgentLine.Log.class)
                .extracting(l -> ((AgentLine.Log) l).rejectedBecause()).isEqualTo(
                        Optional.of("empty field (two spaces in a row, or a space at the end)"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain output of a tool", "", "@FF", "@FFhello agent=1 cmd=probe", " @FF led name=X",
            "@ff led name=X"})
    void treatsLinesWithoutTheExactPrefixAsPlainLog(String line) {
        assertThat(AgentLineParser.parse(line)).isEqualTo(AgentLine.Log.plain(line));
    }

    @Test
    void replacesEscapeSequencesNulAndBelBeforeParsing() {
        AgentLine line = AgentLineParser.parse("@FF fact key=hostname text=evil\u001b[2J\u001b]0;title\u0007\u0000end");
        assertThat(line).isEqualTo(new AgentLine.Fact("hostname", "evil\uFFFD[2J\uFFFD]0;title\uFFFD\uFFFDend"));
    }

    @Test
    void replacesDelC1AndCarriageReturnButKeepsTab() {
        assertThat(AgentLineParser.parse("a\tb\u007fc\u0085d\u009be\rf"))
                .isEqualTo(AgentLine.Log.plain("a\tb\uFFFDc\uFFFDd\uFFFDe\uFFFDf"));
    }

    @Test
    void replacesBidiOverridesLineSeparatorsAndLoneSurrogates() {
        assertThat(AgentLineParser.parse("x\u202Eexe.txt\u2028y\uD800z\uDC00"))
                .isEqualTo(AgentLine.Log.plain("x\uFFFDexe.txt\uFFFDy\uFFFDz\uFFFD"));
    }

    @Test
    void keepsPrintableUnicodeIncludingSurrogatePairs() {
        String text = "Grüße 路由器 \uD83D\uDE80";
        assertThat(AgentLineParser.parse("@FF fact key=hostname text=" + text)).isEqualTo(new AgentLine.Fact("hostname", text));
    }

    @Test
    void aControlCharacterInsideATokenMakesTheTokenInvalid() {
        AgentLine line = AgentLineParser.parse("@FF led name=SYS\u001bTEM");
        assertThat(line).isInstanceOf(AgentLine.Log.class);
        assertThat(((AgentLine.Log) line).text()).isEqualTo("@FF led name=SYS\uFFFDTEM");
        assertThat(((AgentLine.Log) line).rejectedBecause()).get().asString().startsWith("key 'name' has");
    }

    @Test
    void cutsALineOfOneMegabyteAndKeepsItAsLog() {
        String huge = "@FF fact key=hostname text=" + "x".repeat(1 << 20);
        AgentLine line = AgentLineParser.parse(huge);
        assertThat(line).isInstanceOf(AgentLine.Log.class);
        AgentLine.Log log = (AgentLine.Log) line;
        assertThat(log.text()).hasSize(AgentLineParser.MAX_LINE_CHARS).isEqualTo(huge.substring(0, 8192));
        assertThat(log.rejectedBecause()).get().asString().contains("longer than 8192");
    }

    @Test
    void keepsALineOfExactlyTheLimit() {
        String prefix = "@FF fact key=hostname text=";
        String line = prefix + "y".repeat(AgentLineParser.MAX_LINE_CHARS - prefix.length());
        assertThat(AgentLineParser.parse(line)).isInstanceOf(AgentLine.Fact.class);
        assertThat(AgentLineParser.parse(line + "y")).isInstanceOf(AgentLine.Log.class);
    }

    @Test
    void doesNotSplitASurrogatePairWhenCutting() {
        String line = "a".repeat(AgentLineParser.MAX_LINE_CHARS - 1) + "\uD83D\uDE80" + "b";
        AgentLine.Log log = (AgentLine.Log) AgentLineParser.parse(line);
        assertThat(log.text()).hasSize(AgentLineParser.MAX_LINE_CHARS - 1).doesNotContain("\uFFFD");
    }

    @Test
    void readsNullAsAnEmptyLogLine() {
        assertThat(AgentLineParser.parse(null)).isEqualTo(AgentLine.Log.plain(""));
    }

    @Test
    void parseLogNeverReadsAMachineLine() {
        assertThat(AgentLineParser.parseLog("@FF done cmd=probe status=ok"))
                .isEqualTo(AgentLine.Log.plain("@FF done cmd=probe status=ok"));
    }

    @Test
    void neverThrowsOnRandomInputAndNeverLetsAControlCharacterThrough() {
        Random random = new Random(20261124L);
        String[] fragments = {"@FF ", "hello", "fact", "tool", "led", "raw", "done", "error", " ", "  ", "=", "text=",
            "key=", "agent=1", "cmd=probe", "present=yes", "name=", "path=/x", "status=ok", "code=E", "src=conftxt",
            "\u001b", "\u0000", "\r", "\t", "\u0085", "\uD800", "\uDC00", "é", "\u202E"};
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder();
            int parts = random.nextInt(12);
            for (int p = 0; p < parts; p++) {
                if (random.nextBoolean()) {
                    sb.append(fragments[random.nextInt(fragments.length)]);
                } else {
                    sb.append((char) random.nextInt(0x3000));
                }
            }
            String input = sb.toString();
            assertThatCode(() -> {
                AgentLine line = AgentLineParser.parse(input);
                assertThat(line).isNotNull();
                if (line instanceof AgentLine.Log log) {
                    assertThat(log.text()).hasSizeLessThanOrEqualTo(AgentLineParser.MAX_LINE_CHARS)
                            .doesNotContainPattern("[\\x00-\\x08\\x0a-\\x1f\\x7f-\\x9f]");
                }
            }).as("input %s", input.codePoints().mapToObj(Integer::toHexString).toList()).doesNotThrowAnyException();
        }
    }

    @Test
    void readsRandomWellFormedLinesBackExactly() {
        Random random = new Random(3L);
        String alphabet = "abcXYZ019 =|'!/\t\"@-+.:_é路";
        for (int i = 0; i < 2_000; i++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(60);
            for (int c = 0; c < length; c++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String key = "k" + random.nextInt(1000) + (random.nextBoolean() ? ".x_y" : "");
            String line = random.nextBoolean() ? "@FF fact key=" + key + " text=" + text
                    : "@FF raw src=" + key + " text=" + text;
            AgentLine expected = line.startsWith("@FF fact") ? new AgentLine.Fact(key, text.toString())
                    : new AgentLine.Raw(key, text.toString());
            assertThat(AgentLineParser.parse(line)).as(line).isEqualTo(expected);
        }
    }

    @Test
    void neverThrowsOnRandomBytesDecodedAsUtf8() {
        Random random = new Random(42L);
        for (int i = 0; i < 5_000; i++) {
            byte[] bytes = new byte[random.nextInt(200)];
            random.nextBytes(bytes);
            String prefixed = "@FF fact key=k text=" + new String(bytes, StandardCharsets.UTF_8);
            assertThatCode(() -> AgentLineParser.parse(prefixed)).doesNotThrowAnyException();
            assertThat(AgentLineParser.parse(prefixed)).isInstanceOfAny(AgentLine.Fact.class, AgentLine.Log.class);
        }
    }
}

package org.fleetflash.core.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** What a router, a DNS server or an FTP client could send to drive the technician's terminal, shown instead. */
class SanitizeTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // what                      | input (Java escapes decoded below)   | shown as
        "clear screen (ESC [2J)      | a\\u001b[2Jb                         | a\\x1b[2Jb",
        "CSI in C1 form              | a\\u009b2Jb                          | a\\x9b2Jb",
        "carriage return overwrite   | ok\\rFAILED                          | ok\\rFAILED",
        "new line forging a line     | host\\nfleetflash: all fine          | host\\nfleetflash: all fine",
        "NUL                         | a\\u0000b                            | a\\0b",
        "DEL and BEL                 | a\\u007fb\\u0007                     | a\\x7fb\\x07",
        "right-to-left override      | abc\\u202etxt.exe                    | abc\\u202etxt.exe",
        "isolate and zero width      | a\\u2066b\\u200bc                    | a\\u2066b\\u200bc",
        "line separator              | a\\u2028b                            | a\\u2028b",
        "tab                         | a\\tb                                | a\\tb",
        "OSC title set               | \\u001b]0;pwned\\u0007               | \\x1b]0;pwned\\x07",
    })
    void escapesWhatWouldDriveATerminal(String what, String input, String shown) {
        String hostile = decode(input);

        String safe = Sanitize.line(hostile);

        assertThat(safe).isEqualTo(shown);
        assertThat(safe.chars()).allMatch(ch -> ch >= 0x20 && ch < 0x7f);
        assertThat(Sanitize.isSafe(safe)).isTrue();
        assertThat(Sanitize.isSafe(hostile)).isFalse();
    }

    @Test
    void keepsPrintableTextIncludingOtherScriptsAndEmoji() {
        String text = "Routeur café – 東京 \uD83D\uDE80 TL-WDR3600 v1.2";

        assertThat(Sanitize.line(text)).isSameAs(text);
        assertThat(Sanitize.isSafe(text)).isTrue();
    }

    @Test
    void escapesLoneSurrogatesAndUnsafeSupplementaryCharacters() {
        assertThat(Sanitize.line("a\uD800b")).isEqualTo("a\\ud800b");
        assertThat(Sanitize.line("tag\uDB40\uDC01x")).isEqualTo("tag\\U000e0001x");
    }

    @Test
    void boundsALongStringAndSaysHowMuchWasCut() {
        String tenK = "x".repeat(10_000);

        assertThat(Sanitize.line(tenK)).isEqualTo("x".repeat(256) + "... (9744 more characters)");
        assertThat(Sanitize.line(tenK, 10)).isEqualTo("xxxxxxxxxx... (9990 more characters)");
        assertThat(Sanitize.line("\u001b".repeat(10_000), 4)).isEqualTo("\\x1b\\x1b\\x1b\\x1b... (9996 more characters)");
    }

    @Test
    void neverCutsBetweenTheHalvesOfACharacter() {
        String rockets = "\uD83D\uDE80".repeat(5);

        assertThat(Sanitize.line(rockets, 2)).isEqualTo("\uD83D\uDE80\uD83D\uDE80... (3 more characters)");
    }

    @Test
    void keepsLineBreaksOnlyWhenAskedForMultiLineLogText() {
        String trace = "java.io.IOException: bad\u001b[31m\n\tat org.x.Y.z(Y.java:1)\r\n";

        assertThat(Sanitize.escape(trace, true)).isEqualTo("java.io.IOException: bad\\x1b[31m\n\tat org.x.Y.z(Y.java:1)\\r\n");
        assertThat(Sanitize.escape(trace, false)).doesNotContain("\n").doesNotContain("\t");
    }

    @Test
    void nullIsEmpty() {
        assertThat(Sanitize.line(null)).isEmpty();
        assertThat(Sanitize.escape(null, true)).isEmpty();
    }

    /** Turns the table's {@code \\uXXXX}, {@code \\t} into the characters themselves. */
    private static String decode(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && s.charAt(i + 1) == 'u') {
                b.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
                i += 5;
            } else if (c == '\\') {
                char e = s.charAt(++i);
                b.append(e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : e);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}

package org.fleetflash.core.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ShellQuoteTest {

    static Stream<Arguments> forms() {
        return Stream.of(
                Arguments.of("/tmp/ffagent.sh", "'/tmp/ffagent.sh'"),
                Arguments.of("", "''"),
                Arguments.of("it's", "'it'\\''s'"),
                Arguments.of("''", "''\\'''\\'''"),
                Arguments.of("$(reboot)", "'$(reboot)'"),
                Arguments.of("a\nb", "'a\nb'"));
    }

    @ParameterizedTest(name = "[{0}] -> [{1}]")
    @MethodSource("forms")
    void wrapsInSingleQuotesAndEscapesEmbeddedOnes(String value, String quoted) {
        assertThat(DeviceSession.shellQuote(value)).isEqualTo(quoted);
    }

    @Test
    void refusesNulWhichNoShellWordCanHold() {
        assertThatThrownBy(() -> DeviceSession.shellQuote("a\0b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot contain a NUL character");
    }
}

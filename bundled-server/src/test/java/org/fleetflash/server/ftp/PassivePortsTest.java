package org.fleetflash.server.ftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PassivePortsTest {

    @ParameterizedTest(name = "''{0}'' -> {1}-{2}")
    @CsvSource({
        "50000-50100,50000,50100,101",
        "' 50000 - 50100 ',50000,50100,101",
        "50000,50000,50000,1",
        "1-65535,1,65535,65535",
    })
    void readsARangeAsATechnicianTypesIt(String text, int first, int last, int count) {
        PassivePorts ports = PassivePorts.parse(text);

        assertThat(ports).isEqualTo(new PassivePorts(first, last));
        assertThat(ports.count()).isEqualTo(count);
        assertThat(PassivePorts.parse(ports.toString())).isEqualTo(ports);
    }

    @Test
    void anyLeavesThePortToTheOperatingSystem() {
        assertThat(PassivePorts.parse("any")).isEqualTo(PassivePorts.ANY);
        assertThat(PassivePorts.parse("ANY").isAny()).isTrue();
        assertThat(PassivePorts.ANY.toString()).isEqualTo("any");
        assertThat(PassivePorts.ANY.ftpServerSpec()).isEqualTo("0");
    }

    @ParameterizedTest(name = "''{0}''")
    @CsvSource(delimiter = '|', value = {
        "''|No passive port range given: give FIRST-LAST, for example 50000-50100",
        "'   '|No passive port range given",
        "50000:50100|'50000:50100' is not a range of port numbers: give FIRST-LAST",
        "50000-|is not a range of port numbers",
        "-50000|is not a range of port numbers",
        "50000-50100-50200|is not a range of port numbers",
        "high|is not a range of port numbers",
        "0x50|is not a range of port numbers",
        "12345678901|is not a range of port numbers",
        "0-100|contains port 0, which is no port: ports are 1-65535",
        "50100-50000|ends before it starts: give the lower port first, e.g. 50000-50100",
        "70000-70010|Passive port 70000 (first of the range) is not a port: ports are 1-65535",
        "65000-65536|Passive port 65536 (last of the range) is not a port",
    })
    void badRangesSayWhatIsWrongAndWhatToGive(String text, String message) {
        assertThatThrownBy(() -> PassivePorts.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void controlCharactersAreNotEchoedBack() {
        assertThatThrownBy(() -> PassivePorts.parse("5\u001b[2J0")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'5?[2J0'").hasMessageNotContaining("\u001b");
    }
}

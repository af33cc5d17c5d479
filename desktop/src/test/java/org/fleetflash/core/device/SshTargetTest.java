package org.fleetflash.core.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SshTargetTest {

    @ParameterizedTest(name = "{0} -> {1} port {2}")
    @CsvSource(delimiter = '|', value = {
        "192.168.1.1          | 192.168.1.1 | 22",
        "192.168.1.1:2222     | 192.168.1.1 | 2222",
        "' router-7.LAN:22 '  | router-7.lan | 22",
        "[::1]:22             | ::1         | 22",
        "[fe80::1%eth0]:2200  | fe80::1%eth0 | 2200",
        "[::1]                | ::1         | 22",
        "::1                  | ::1         | 22",
        "fe80::c0a8:101       | fe80::c0a8:101 | 22",
        "127.0.3.7:65535      | 127.0.3.7   | 65535",
    })
    void parsesHostAndPort(String text, String host, int port) {
        SshTarget t = SshTarget.parse(text);

        assertThat(t).isEqualTo(new SshTarget(host, port));
        assertThat(SshTarget.parse(t.hostPort())).isEqualTo(t);
    }

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(delimiter = '|', value = {
        "''                  | The router address is empty: give HOST or HOST:PORT",
        "router:             | The port in 'router:' is not a number from 1 to 65535",
        "router:ssh          | The port in 'router:ssh' is not a number from 1 to 65535",
        "router:0            | Port 0 of router is out of range: use 1 to 65535",
        "router:70000        | Port 70000 of router is out of range",
        "[::1                | '[::1' opens '[' but never closes it",
        "[::1]x              | has text after ']' that is not ':PORT'",
        "rou ter             | 'rou ter' is not a host name or IP address",
        "http://router       | 'http://router' is a URL: give only HOST or HOST:PORT",
        "-oProxyCommand=x    | '-oProxyCommand=x' is not a host name or IP address",
    })
    void refusesBadAddressesSayingWhatIsExpected(String text, String message) {
        assertThatThrownBy(() -> SshTarget.parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @ParameterizedTest
    @CsvSource({"router,22,router:22", "::1,22,[::1]:22", "10.0.0.1,2222,10.0.0.1:2222"})
    void printsHostPortThatParsesBack(String host, int port, String printed) {
        assertThat(new SshTarget(host, port)).hasToString(printed);
    }
}

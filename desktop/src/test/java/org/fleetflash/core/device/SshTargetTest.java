package org.fleetflash.core.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SshTargetTest {

    @ParameterizedTest(name = "{0} -> {1} port {2}")
    @CsvSource(delimiter = '|', value = {
        "127.0.3.1            | 127.0.3.1   | 22",
        "127.0.3.1:2222       | 127.0.3.1   | 2222",
        "' router-7.LAN:22 '  | router-7.lan | 22",
        "[::1]:22             | ::1         | 22",
        "[fe80::1%eth0]:2200  | fe80::1%eth0 | 2200",
        "[::1]                | ::1         | 22",
        "::1                  | ::1         | 22",
        "fe80::c0a8:101       | fe80::c0a8:101 | 22",
        "127.0.3.7:65535      | 127.0.3.7   | 65535",
        "0.0.0.0              | 0.0.0.0     | 22",
        "255.255.255.255:1    | 255.255.255.255 | 1",
        "1.2.3.4a             | 1.2.3.4a    | 22",
        "a.b-c.d9             | a.b-c.d9    | 22",
        "[::ffff:192.0.2.1]   | ::ffff:192.0.2.1 | 22",
        "[2001:db8:0:0:0:0:0:1]:2222 | 2001:db8:0:0:0:0:0:1 | 2222",
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
        "1.2.3.4.5           | '1.2.3.4.5' is not an IPv4 address: write four numbers from 0 to 255 separated by dots",
        "999.1.1.1           | '999.1.1.1' is not an IPv4 address",
        "1.2.3               | '1.2.3' is not an IPv4 address",
        "010.0.0.1           | '010.0.0.1' is not an IPv4 address: write four numbers from 0 to 255 separated by dots, without leading zeros",
        "1..2.3              | '1..2.3' is not an IPv4 address",
        "' 10.0. 0.1 '       | '10.0. 0.1' is not a host name or IP address: write an IPv4 address (192.168.1.1), a host name",
        "host:22:1           | 'host:22:1' is not a host name or IP address: write an IPv4 address (192.168.1.1)",
        "host:0              | Port 0 of host is out of range: use 1 to 65535",
        "host:65536          | Port 65536 of host is out of range: use 1 to 65535",
        "host:               | The port in 'host:' is not a number from 1 to 65535: write HOST:PORT, e.g. 192.168.1.1:22",
        "host:-1             | The port in 'host:-1' is not a number",
        "under_score.lan     | 'under_score.lan' is not a host name or IP address",
        "-router             | '-router' is not a host name or IP address",
        "router-.lan         | 'router-.lan' is not a host name or IP address",
        "router..lan         | 'router..lan' is not a host name or IP address",
        "router.             | 'router.' is not a host name or IP address",
        "[1:2:3:4:5:6:7:8:9] | '1:2:3:4:5:6:7:8:9' is not a host name or IP address",
        "[1::2::3]           | '1::2::3' is not a host name or IP address",
        "[fe80::1%]          | 'fe80::1%' is not a host name or IP address",
        "[12345::1]          | '12345::1' is not a host name or IP address",
    })
    void refusesBadAddressesSayingWhatIsExpected(String text, String message) {
        assertThatThrownBy(() -> SshTarget.parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @org.junit.jupiter.api.Test
    void acceptsLabelsOfSixtyThreeAndNamesOfTwoHundredFiftyThreeCharactersButNotMore() {
        String label63 = "a".repeat(63);
        String name253 = String.join(".", label63, label63, label63, "b".repeat(61));
        assertThat(name253).hasSize(253);

        assertThat(SshTarget.parse(name253).host()).isEqualTo(name253);
        assertThatThrownBy(() -> SshTarget.parse("a".repeat(64) + ".lan")).hasMessageContaining("1 to 63 characters");
        assertThatThrownBy(() -> SshTarget.parse(name253 + "c")).hasMessageContaining("at most 253 characters");
    }

    @org.junit.jupiter.api.Test
    void showsAHostileAddressEscapedInTheMessage() {
        assertThatThrownBy(() -> SshTarget.parse("router\u001b[2J")).hasMessageStartingWith("'router\\x1b[2J' is not a host name");
    }

    @ParameterizedTest
    @CsvSource({"router,22,router:22", "::1,22,[::1]:22", "127.0.0.9,2222,127.0.0.9:2222"})
    void printsHostPortThatParsesBack(String host, int port, String printed) {
        assertThat(new SshTarget(host, port)).hasToString(printed);
    }
}

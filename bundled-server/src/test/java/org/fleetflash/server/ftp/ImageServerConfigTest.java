package org.fleetflash.server.ftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageServerConfigTest {
    private static InetAddress loopback() throws UnknownHostException {
        return InetAddress.getByName("127.0.0.1");
    }

    @Test
    void defaultsAllowALargeBatchAndAnyPorts() throws Exception {
        ImageServerConfig config = ImageServerConfig.on(loopback());

        assertThat(config.maxLogins()).isEqualTo(200);
        assertThat(config.port()).isZero();
        assertThat(config.passivePortsSpec()).isEqualTo("0");
        assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(120));
    }

    @Test
    void passiveRangeIsWrittenInFtpServerNotation() throws Exception {
        assertThat(ImageServerConfig.on(loopback()).withPassivePorts(50000, 50100).passivePortsSpec())
                .isEqualTo("50000-50100");
    }

    @ParameterizedTest(name = "passive {0}-{1}")
    @CsvSource({"0,10", "10,0", "20,10", "-1,10", "10,70000"})
    void refusesInvalidPassiveRanges(int first, int last) throws Exception {
        ImageServerConfig config = ImageServerConfig.on(loopback());

        assertThatThrownBy(() -> config.withPassivePorts(first, last)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesTheWildcardAddressBecauseRoutersMustSeeOneInterface() throws Exception {
        InetAddress any = InetAddress.getByName("0.0.0.0");

        assertThatThrownBy(() -> ImageServerConfig.on(any)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("choose the address of the interface");
    }

    @Test
    void refusesZeroLoginsAndSubSecondIdleTimeout() throws Exception {
        ImageServerConfig config = ImageServerConfig.on(loopback());

        assertThatThrownBy(() -> config.withMaxLogins(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config.withIdleTimeout(Duration.ofMillis(10)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

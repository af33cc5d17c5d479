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

        assertThat(config.concurrency()).isEqualTo(200);
        assertThat(config.maxLogins()).isEqualTo(400);
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

    @Test
    void concurrencySizesTheLoginsWithRoomForOneResumePerRouter() throws Exception {
        ImageServerConfig config = ImageServerConfig.on(loopback()).withConcurrency(50);

        assertThat(config.concurrency()).isEqualTo(50);
        assertThat(config.maxLogins()).isEqualTo(100);
        assertThatThrownBy(() -> config.withConcurrency(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be 1 to 5000, was 0");
        assertThatThrownBy(() -> config.withConcurrency(5001)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be 1 to 5000, was 5001");
        assertThat(config.withMaxLogins(20).concurrency()).as("fewer logins lower the concurrency").isEqualTo(20);
    }

    @Test
    void aPassiveRangeSmallerThanTheConcurrencyIsRefusedWithWhatToDo() throws Exception {
        ImageServerConfig config = ImageServerConfig.on(loopback()).withConcurrency(20)
                .withPassivePorts(PassivePorts.parse("50000-50009"));
        String expected = "The passive port range 50000-50009 has 10 ports, fewer than the 20 routers that may download"
                + " at once: widen it to 50000-50019 (and allow it in this computer's firewall), or lower the concurrency"
                + " to 10.";

        assertThatThrownBy(config::checkPassivePortsCoverConcurrency).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(expected);
        // refused before anything listens or is created
        assertThatThrownBy(() -> ImageServer.start(config).close()).isInstanceOf(ImageServerException.class)
                .hasMessage(expected);
    }

    @Test
    void aRangeThatCannotBeWidenedUpwardsAsksForEnoughPorts() throws Exception {
        ImageServerConfig config = ImageServerConfig.on(loopback()).withPassivePorts(PassivePorts.parse("65530-65535"));

        assertThatThrownBy(config::checkPassivePortsCoverConcurrency).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has 6 ports, fewer than the 200 routers")
                .hasMessageContaining("give a range of at least 200 ports");
    }

    @Test
    void aRangeAsLargeAsTheConcurrencyOrAnyPortIsAccepted() throws Exception {
        ImageServerConfig exact = ImageServerConfig.on(loopback()).withConcurrency(20)
                .withPassivePorts(PassivePorts.parse("50000-50019"));

        exact.checkPassivePortsCoverConcurrency();
        ImageServerConfig.on(loopback()).checkPassivePortsCoverConcurrency();
        assertThat(exact.passivePorts()).isEqualTo(new PassivePorts(50000, 50019));
        assertThat(exact.passivePortsSpec()).isEqualTo("50000-50019");
    }
}

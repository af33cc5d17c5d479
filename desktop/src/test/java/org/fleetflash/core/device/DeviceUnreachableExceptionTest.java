package org.fleetflash.core.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.stream.Stream;

import org.fleetflash.core.device.DeviceUnreachableException.Reason;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DeviceUnreachableExceptionTest {

    private static final SshTarget ROUTER = new SshTarget("127.0.9.1", 22);

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(new ConnectException("Connection refused"), Reason.REFUSED, "refused the connection on port 22: nothing listens there"),
                Arguments.of(new IOException("wrapped", new ConnectException("Connection refused")), Reason.REFUSED, "nothing listens there"),
                Arguments.of(new NoRouteToHostException("No route to host"), Reason.NO_ROUTE, "There is no network route to router 127.0.9.1:22"),
                Arguments.of(new IOException("Network is unreachable"), Reason.NO_ROUTE, "check that this computer is on the router's network"),
                Arguments.of(new UnresolvedAddressException(), Reason.UNKNOWN_HOST, "does not resolve: check the spelling"),
                Arguments.of(new UnknownHostException("router"), Reason.UNKNOWN_HOST, "use the router's IP address"),
                Arguments.of(new SocketTimeoutException("connect timed out"), Reason.TIMED_OUT, "did not answer within 3 s while connecting"),
                Arguments.of(new IOException("something odd"), Reason.NETWORK_ERROR, "Cannot connect to router 127.0.9.1:22"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("failures")
    void namesTheReasonAndWhatToCheck(Throwable failure, Reason reason, String message) {
        DeviceUnreachableException e = DeviceUnreachableException.classify(ROUTER, failure, Duration.ofSeconds(3));

        assertThat(e.reason()).isEqualTo(reason);
        assertThat(e).hasMessageContaining(message);
        assertThat(e.target()).isEqualTo(ROUTER);
    }
}

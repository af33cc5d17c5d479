package org.fleetflash.ui.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.fleetflash.core.device.AuthenticationFailedException;
import org.fleetflash.core.device.DeviceUnreachableException;
import org.fleetflash.core.device.HostKeyChangedException;
import org.fleetflash.core.device.HostKeyUnknownException;
import org.fleetflash.core.device.NotSshException;
import org.fleetflash.core.device.SshTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each way a probe or an identify fails reads as one sentence in the status bar: what happened, what to do in that
 * action's words, never a stack trace.
 */
class RouterFailuresTest {

    private static final SshTarget ROUTER = new SshTarget("127.0.3.1", 2222);

    @ParameterizedTest
    @EnumSource(RouterFailures.Action.class)
    void everyFailureIsOneSentenceThatSaysWhatToDo(RouterFailures.Action action) {
        List<Throwable> failures = List.of(
                new AuthenticationFailedException(ROUTER, "Router 127.0.3.1:2222 refused the login as 'root': bad password.", null),
                new HostKeyUnknownException(ROUTER, "SHA256:abc", "/etc/ssh/ssh_host_ecdsa_key.pub", "pin it"),
                new HostKeyChangedException(ROUTER, "SHA256:old", "SHA256:new", "forget it"),
                new DeviceUnreachableException(ROUTER, DeviceUnreachableException.Reason.REFUSED, "refused. Line two.\nat x", null),
                new NotSshException(ROUTER, "HTTP/1.1 400", null),
                new IllegalStateException("something odd\n\tat org.example.Foo.bar(Foo.java:1)"));
        for (Throwable t : failures) {
            String s = RouterFailures.sentence(action, ROUTER, t);
            assertThat(s).as(t.getClass().getSimpleName()).contains("127.0.3.1:2222").endsWith(".").doesNotContain("\n")
                    .doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(s.substring(0, s.length() - 1)).as("one sentence: " + s).doesNotContain(". ");
        }
    }

    @Test
    void aRouterWithOnlyLegacyAlgorithmsIsSentToTheCommandLineWithTheWindowClosed() {
        String s = RouterFailures.sentence(RouterFailures.Action.PROBE, ROUTER, new org.fleetflash.core.device.LegacyAlgorithmsRefusedException(
                ROUTER, "offers only ssh-rsa", List.of("ssh-rsa")));
        // the window holds the data directory and never allows legacy algorithms: the command line is the way, once it is closed
        assertThat(s).contains("close this window").contains("--allow-legacy-ssh").endsWith(".");
        assertThat(s.substring(0, s.length() - 1)).doesNotContain(". ");
    }

    @Test
    void whatToDoIsSaidInTheWordsOfWhatWasBeingDone() {
        AuthenticationFailedException refused = new AuthenticationFailedException(ROUTER, "bad password", null);
        assertThat(RouterFailures.sentence(RouterFailures.Action.PROBE, ROUTER, refused)).contains("probe again");
        assertThat(RouterFailures.sentence(RouterFailures.Action.IDENTIFY, ROUTER, refused)).contains("identify again");
        assertThat(RouterFailures.sentence(RouterFailures.Action.IDENTIFY, ROUTER, new IllegalStateException("odd")))
                .startsWith("Identifying 127.0.3.1:2222 failed (odd)");
    }

    @Test
    void anUnknownKeyNamesItsFingerprintAndHowToTrustIt() {
        HostKeyUnknownException unknown = new HostKeyUnknownException(ROUTER, "SHA256:abc", "/k.pub", "pin it");
        assertThat(RouterFailures.sentence(RouterFailures.Action.PROBE, ROUTER, unknown)).contains("SHA256:abc")
                .contains("Trust a router seen for the first time");
        assertThat(RouterFailures.sentence(RouterFailures.Action.IDENTIFY, ROUTER, unknown)).contains("SHA256:abc")
                .contains("probe it first and trust it");
    }
}

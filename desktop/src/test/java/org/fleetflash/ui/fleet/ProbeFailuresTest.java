package org.fleetflash.ui.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.fleetflash.core.device.AuthenticationFailedException;
import org.fleetflash.core.device.DeviceUnreachableException;
import org.fleetflash.core.device.HostKeyChangedException;
import org.fleetflash.core.device.HostKeyUnknownException;
import org.fleetflash.core.device.NotSshException;
import org.fleetflash.core.device.SshTarget;
import org.junit.jupiter.api.Test;

/** Each way a probe fails reads as one sentence in the status bar: what happened, what to do, never a stack trace. */
class ProbeFailuresTest {

    private static final SshTarget ROUTER = new SshTarget("127.0.3.1", 2222);

    @Test
    void everyFailureIsOneSentenceThatSaysWhatToDo() {
        List<Throwable> failures = List.of(
                new AuthenticationFailedException(ROUTER, "Router 127.0.3.1:2222 refused the login as 'root': bad password.", null),
                new HostKeyUnknownException(ROUTER, "SHA256:abc", "/etc/ssh/ssh_host_ecdsa_key.pub"),
                new HostKeyChangedException(ROUTER, "SHA256:old", "SHA256:new", "forget it"),
                new DeviceUnreachableException(ROUTER, DeviceUnreachableException.Reason.REFUSED, "refused. Line two.\nat x", null),
                new NotSshException(ROUTER, "HTTP/1.1 400", null),
                new IllegalStateException("something odd\n\tat org.example.Foo.bar(Foo.java:1)"));
        for (Throwable t : failures) {
            String s = ProbeFailures.sentence(ROUTER, t);
            assertThat(s).as(t.getClass().getSimpleName()).contains("127.0.3.1:2222").endsWith(".").doesNotContain("\n")
                    .doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(s.substring(0, s.length() - 1)).as("one sentence: " + s).doesNotContain(". ");
        }
    }

    @Test
    void anUnknownKeyNamesItsFingerprintAndTheTickBoxThatTrustsIt() {
        assertThat(ProbeFailures.sentence(ROUTER, new HostKeyUnknownException(ROUTER, "SHA256:abc", "/k.pub")))
                .contains("SHA256:abc").contains("Trust a router seen for the first time");
    }

    @Test
    void anAddressIsCheckedWithoutLookingItUp() {
        assertThat(AddRouterDialog.problemWith("127.0.3.9:2222")).isEmpty();
        assertThat(AddRouterDialog.problemWith("router.example")).isEmpty();
        assertThat(AddRouterDialog.problemWith("1.2.3.4.5")).get().asString().endsWith(".").doesNotContain("Exception");
        assertThat(AddRouterDialog.problemWith("127.0.3.9:99999")).isPresent();
        assertThat(AddRouterDialog.problemWith("  ")).isPresent();
    }
}

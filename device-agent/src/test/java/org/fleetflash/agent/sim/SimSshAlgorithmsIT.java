package org.fleetflash.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.NamedResource;
import org.junit.jupiter.api.Test;

/**
 * A simulated router offers what the router it stands for offers: FreeBSD 11's OpenSSH 7.2, as its banner says. The
 * real OpenSSH client reads its offer (ssh -vv prints the server's KEXINIT proposal) and negotiates curve25519, as it
 * would with the router, not one of MINA's newer key exchanges.
 */
class SimSshAlgorithmsIT extends OneRouterIT {


    @Test
    void theOpenSshClientReadsOpenSsh72sOfferAndNegotiatesCurve25519() throws Exception {
        router = SimRouter.start(dir.resolve("state"), new SimRouter.Options("r1", Profile.load("tl-wdr3600").unthrottled(), Shell.DASH,
                "127.0.73.1", 0, Optional.empty(), Optional.empty()));

        // no password and BatchMode: the login fails after the key exchange, which is all this reads
        Path err = dir.resolve("ssh.err");
        Process ssh = new ProcessBuilder("ssh", "-vv", "-F", "/dev/null", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=10", "-p", String.valueOf(router.port()),
                "root@" + router.address(), "true").redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
        assertThat(ssh.waitFor(30, TimeUnit.SECONDS)).as("ssh ends").isTrue();
        List<String> lines = Files.readAllLines(err, StandardCharsets.UTF_8);

        assertThat(offered(lines, "KEX algorithms")).as("the key exchanges, in OpenSSH 7.2's order")
                .containsExactlyElementsOf(names(SimSshServer.OPENSSH_7_2_KEX));
        assertThat(offered(lines, "ciphers stoc")).containsExactlyElementsOf(names(SimSshServer.OPENSSH_7_2_CIPHERS));
        assertThat(offered(lines, "MACs stoc")).containsExactlyElementsOf(names(SimSshServer.OPENSSH_7_2_MACS));
        assertThat(offered(lines, "host key algorithms")).as("FreeBSD's rc.d/sshd key: 256-bit ECDSA")
                .containsExactly("ecdsa-sha2-nistp256");
        assertThat(lines).anyMatch(l -> l.equals("debug1: kex: algorithm: curve25519-sha256@libssh.org"));
        assertThat(lines).anyMatch(l -> l.startsWith("debug1: Remote protocol version 2.0, remote software version "
                + SimSshServer.IDENTIFICATION));
    }

    /**
     * One list of the server's proposal as ssh -vv prints it ("debug2: KEX algorithms: a,b,c" after "debug2: peer server
     * KEXINIT proposal"), without the markers of protocol extensions that are not algorithms (strict key exchange,
     * ext-info), which MINA adds as OpenSSH 9.6 does.
     */
    private static List<String> offered(List<String> lines, String what) {
        int peer = lines.indexOf("debug2: peer server KEXINIT proposal");
        assertThat(peer).as("ssh printed the server's proposal:%n%s", String.join("\n", lines)).isNotNegative();
        String prefix = "debug2: " + what + ": ";
        return lines.subList(peer, lines.size()).stream().filter(l -> l.startsWith(prefix)).findFirst()
                .map(l -> Arrays.stream(l.substring(prefix.length()).split(",")).filter(a -> !a.startsWith("kex-strict-")
                        && !a.startsWith("ext-info-")).toList())
                .orElseThrow(() -> new AssertionError("no '" + what + "' in the server's proposal"));
    }

    private static List<String> names(List<? extends NamedResource> algorithms) {
        return algorithms.stream().map(NamedResource::getName).toList();
    }
}

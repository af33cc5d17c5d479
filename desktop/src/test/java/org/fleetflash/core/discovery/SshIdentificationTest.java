package org.fleetflash.core.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the first line of an open port says: FreeBSD, other OpenSSH, dropbear, other SSH, not SSH. */
class SshIdentificationTest {

    private static SshIdentification.Verdict classify(String received) {
        byte[] b = received.getBytes(StandardCharsets.ISO_8859_1);
        return SshIdentification.classify(b, b.length);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "SSH-2.0-OpenSSH_7.2 FreeBSD-20160310\\r\\n          | FREEBSD   | OpenSSH 7.2 (FreeBSD build 20160310)",
        "SSH-2.0-OpenSSH_9.7 FreeBSD-20240318\\r\\n          | FREEBSD   | OpenSSH 9.7 (FreeBSD build 20240318)",
        "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\\r\\n        | OPENSSH   | OpenSSH 9.2p1 (Debian-2+deb12u3)",
        "SSH-2.0-OpenSSH_8.0\\r\\n                           | OPENSSH   | OpenSSH 8.0",
        "SSH-2.0-dropbear_2022.83\\r\\n                      | DROPBEAR  | dropbear 2022.83",
        "SSH-2.0-dropbear\\r\\n                              | DROPBEAR  | dropbear",
        "SSH-1.99-Cisco-1.25\\r\\n                           | OTHER_SSH | SSH 1.99, Cisco-1.25",
        "SSH-2.0-APACHE-SSHD-2.20.0\\r\\n                    | OTHER_SSH | APACHE-SSHD-2.20.0",
        "220 ProFTPD Server ready.\\r\\n                     | NOT_SSH   | not an SSH identification line",
        "HTTP/1.1 400 Bad Request\\r\\n                      | NOT_SSH   | not an SSH identification line",
        "SSH-2.0-OpenSSH_7.2 FreeBSD-20160310                | FREEBSD   | 20160310",
    })
    void classifiesTheFirstLine(String line, SshGuess guess, String detail) {
        SshIdentification.Verdict v = classify(line.strip().replace("\\r", "\r").replace("\\n", "\n"));

        assertThat(v.guess()).isEqualTo(guess);
        assertThat(v.detail()).contains(detail);
        assertThat(v.banner()).doesNotContain("\r", "\n");
    }

    @org.junit.jupiter.api.Test
    void silenceIsNotSshAndSaysSo() {
        SshIdentification.Verdict v = SshIdentification.classify(new byte[0], 0);

        assertThat(v.guess()).isEqualTo(SshGuess.NOT_SSH);
        assertThat(v.banner()).isEmpty();
        assertThat(v.detail()).contains("nothing");
    }

    @org.junit.jupiter.api.Test
    void controlBytesAreShownEscapedSoABannerCannotDriveTheTerminal() {
        SshIdentification.Verdict v = classify("\u00ff\u00fb\u0001\u001b[2Jhello\r\n");

        assertThat(v.guess()).isEqualTo(SshGuess.NOT_SSH);
        assertThat(v.banner()).isEqualTo("\\xff\\xfb\\x01\\x1b[2Jhello");
    }

    @org.junit.jupiter.api.Test
    void onlyTheFirstLineCounts() {
        SshIdentification.Verdict v = classify("SSH-2.0-dropbear_2019.78\r\nrest of the stream");

        assertThat(v.banner()).isEqualTo("SSH-2.0-dropbear_2019.78");
    }
}

package org.fleetflash.core.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.common.NamedResource;
import org.junit.jupiter.api.Test;

class SshAlgorithmsTest {

    @Test
    void offersChaCha20FirstThenAesCtrAndAesGcmLastWithoutLegacyCiphers() {
        SshClient client = SshClient.setUpDefaultClient();
        SshAlgorithms modern = SshAlgorithms.modern(client.getKeyExchangeFactories(), client.getSignatureFactories(),
                client.getCipherFactories(), client.getMacFactories());

        List<String> ciphers = modern.ciphers().stream().map(NamedResource::getName).toList();

        assertThat(ciphers).as("the cheapest for a router without AES instructions, and for the laptop")
                .startsWith("chacha20-poly1305@openssh.com", "aes128-ctr", "aes192-ctr", "aes256-ctr")
                .endsWith("aes128-gcm@openssh.com", "aes256-gcm@openssh.com")
                .noneMatch(c -> c.endsWith("-cbc") || c.startsWith("arcfour") || c.equals("none"));
        assertThat(modern.withLegacy().ciphers().stream().map(NamedResource::getName).toList()).as("legacy ones only when allowed")
                .contains("aes128-cbc");
    }
}

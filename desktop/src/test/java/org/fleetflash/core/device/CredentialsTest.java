package org.fleetflash.core.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class CredentialsTest {

    @Test
    void passwordIsHiddenFromToStringAndCopiedIn() {
        char[] secret = "hunter2".toCharArray();
        Credentials.Password p = new Credentials.Password("root", secret);
        secret[0] = 'X';

        assertThat(p.toString()).isEqualTo("Password[user=root, password=***]").doesNotContain("hunter2");
        assertThat(p.password()).containsExactly("hunter2".toCharArray());
        p.password()[0] = 'Y';
        assertThat(p.password()).containsExactly("hunter2".toCharArray());
    }

    @Test
    void keyPassphraseIsHiddenFromToString() {
        Credentials.PrivateKey k = new Credentials.PrivateKey("admin", Path.of("/keys/id_ecdsa"), "open sesame".toCharArray());

        assertThat(k.toString()).isEqualTo("PrivateKey[user=admin, keyFile=/keys/id_ecdsa, passphrase=*** (from the caller)]").doesNotContain("sesame");
        assertThat(k.passphrase().get()).hasValueSatisfying(pp -> assertThat(pp).containsExactly("open sesame".toCharArray()));
        assertThat(new Credentials.PrivateKey("admin", Path.of("/k")).toString()).endsWith("passphrase=none]");
    }

    @Test
    void refusesEmptyUser() {
        assertThatThrownBy(() -> Credentials.Password.of(" ", "x")).hasMessage("The SSH user is empty: give the router's login name (usually root)");
    }
}

package org.fleetflash.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.fleetflash.core.device.Credentials;
import org.fleetflash.core.device.KeyPassphrase;
import org.fleetflash.core.device.SecretFiles;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Turns the password/key options into credentials. Secrets never come from the command line itself: a password from
 * a private file or an environment variable, a key's passphrase from an environment variable or a prompt without echo.
 */
final class CredentialOptions {

    private static final long MAX_PASSWORD_FILE_BYTES = 64 * 1024;

    private CredentialOptions() {
    }

    static Credentials credentials(CommandSpec spec, String user, Path passwordFile, String passwordEnv, Path identity,
            String passphraseEnv) throws IOException {
        if (passwordFile != null) {
            if (!Files.isRegularFile(passwordFile) || !Files.isReadable(passwordFile)) {
                throw new ParameterException(spec.commandLine(), "Cannot read the password file " + passwordFile
                        + ": check the path.");
            }
            Optional<String> exposed = SecretFiles.exposure(passwordFile, "The password file");
            if (exposed.isPresent()) {
                throw new ParameterException(spec.commandLine(), exposed.get());
            }
            if (Files.size(passwordFile) > MAX_PASSWORD_FILE_BYTES) {
                throw new ParameterException(spec.commandLine(), "The password file " + passwordFile + " is too large to hold a "
                        + "password: give a file that holds only the password.");
            }
            String pw = Files.readString(passwordFile, StandardCharsets.UTF_8);
            pw = pw.endsWith("\r\n") ? pw.substring(0, pw.length() - 2) : pw.endsWith("\n") ? pw.substring(0, pw.length() - 1) : pw;
            return Credentials.Password.of(user, pw);
        }
        if (passwordEnv != null) {
            String pw = System.getenv(passwordEnv);
            if (pw == null) {
                throw new ParameterException(spec.commandLine(), "The environment variable " + passwordEnv
                        + " is not set: export it with the router's password first.");
            }
            return Credentials.Password.of(user, pw);
        }
        if (!Files.isRegularFile(identity) || !Files.isReadable(identity)) {
            throw new ParameterException(spec.commandLine(), "Cannot read the private key " + identity + ": check the path.");
        }
        return new Credentials.PrivateKey(user, identity, passphrase(spec, identity, passphraseEnv));
    }

    /** From the environment variable when named; else, on a terminal, a prompt shown only if the key needs it. */
    static KeyPassphrase passphrase(CommandSpec spec, Path identity, String passphraseEnv) {
        if (passphraseEnv != null) {
            String value = System.getenv(passphraseEnv);
            if (value == null) {
                throw new ParameterException(spec.commandLine(), "The environment variable " + passphraseEnv
                        + " is not set: export it with the key's passphrase first, or leave --key-passphrase-env out to be asked"
                        + " in a terminal.");
            }
            return KeyPassphrase.of(value.toCharArray(), "the environment variable " + passphraseEnv);
        }
        java.io.Console console = System.console();
        if (console == null) {
            return KeyPassphrase.NONE;
        }
        return KeyPassphrase.askedWhenNeeded("the terminal prompt",
                () -> Optional.ofNullable(console.readPassword("Passphrase for the key %s: ", identity)));
    }
}

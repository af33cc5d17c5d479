package org.fleetflash.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.fleetflash.core.device.Credentials;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Turns the password/key options into credentials. Passwords never come from the command line itself. */
final class CredentialOptions {

    private CredentialOptions() {
    }

    static Credentials credentials(CommandSpec spec, String user, Path passwordFile, String passwordEnv, Path identity)
            throws IOException {
        if (passwordFile != null) {
            if (!Files.isReadable(passwordFile)) {
                throw new ParameterException(spec.commandLine(), "Cannot read the password file " + passwordFile);
            }
            String pw = Files.readString(passwordFile, StandardCharsets.UTF_8);
            pw = pw.endsWith("\r\n") ? pw.substring(0, pw.length() - 2) : pw.endsWith("\n") ? pw.substring(0, pw.length() - 1) : pw;
            return Credentials.Password.of(user, pw);
        }
        if (passwordEnv != null) {
            String pw = System.getenv(passwordEnv);
            if (pw == null) {
                throw new ParameterException(spec.commandLine(), "The environment variable " + passwordEnv
                        + " is not set; export it with the router's password first");
            }
            return Credentials.Password.of(user, pw);
        }
        if (!Files.isReadable(identity)) {
            throw new ParameterException(spec.commandLine(), "Cannot read the private key " + identity);
        }
        return new Credentials.PrivateKey(user, identity);
    }
}

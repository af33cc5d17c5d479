package org.fleetflash.testsupport.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/** Runs local helper programs (ssh-keygen, shells) for tests, each with a deadline. */
public final class TestProcesses {

    private TestProcesses() {
    }

    /** Runs {@code command}, fails unless it exits 0 within {@code timeout}; returns stdout. */
    public static String run(Duration timeout, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish within " + timeout);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + ": " + out);
        }
        return out;
    }

    /** Generates an ECDSA key pair with the real ssh-keygen (OpenSSH format); returns the public key. */
    public static PublicKey sshKeygen(Path privateKeyFile, String passphrase) throws IOException, InterruptedException {
        run(Duration.ofSeconds(20), "ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", passphrase, "-C", "fleetflash-test",
                "-f", privateKeyFile.toString());
        return readPublicKey(privateKeyFile.resolveSibling(privateKeyFile.getFileName() + ".pub"));
    }

    /**
     * Makes a key pair with the real {@code ssh-keygen}: {@code type} rsa, ecdsa or ed25519, {@code format} "" for
     * OpenSSH's own, "PEM" or "PKCS8"; returns the public key.
     */
    public static PublicKey sshKeygen(Path privateKeyFile, String passphrase, String type, String format)
            throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("ssh-keygen", "-q", "-t", type, "-N", passphrase, "-C", "fleetflash-test",
                "-f", privateKeyFile.toString()));
        if ("rsa".equals(type)) {
            cmd.addAll(List.of("-b", "2048"));
        }
        if (!format.isEmpty()) {
            cmd.addAll(List.of("-m", format));
        }
        run(Duration.ofSeconds(20), cmd.toArray(String[]::new));
        return readPublicKey(privateKeyFile.resolveSibling(privateKeyFile.getFileName() + ".pub"));
    }

    /** Reads an OpenSSH {@code .pub} file. */
    public static PublicKey readPublicKey(Path pubFile) throws IOException {
        List<AuthorizedKeyEntry> entries = AuthorizedKeyEntry.readAuthorizedKeys(pubFile);
        try {
            return entries.get(0).resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    /** The SHA-256 fingerprint of a public key file exactly as OpenSSH's {@code ssh-keygen -l} prints it. */
    public static String opensshFingerprint(Path pubFile) throws IOException, InterruptedException {
        String line = run(Duration.ofSeconds(20), "ssh-keygen", "-l", "-E", "sha256", "-f", pubFile.toString()).strip();
        return line.split("\\s+")[1];
    }
}

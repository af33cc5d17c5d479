package org.fleetflash.core.device;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * How to log in to a router: a user with a password, or a user with a private key file.
 * Secrets are copied in, never logged, and hidden by {@code toString}.
 */
public sealed interface Credentials permits Credentials.Password, Credentials.PrivateKey {

    /** The login name on the router (usually {@code root}). */
    String user();

    /** The same secret for another login name (a batch's per-router user). */
    default Credentials withUser(String otherUser) {
        if (this instanceof Password p) {
            return new Password(otherUser, p.password());
        }
        PrivateKey k = (PrivateKey) this;
        return new PrivateKey(otherUser, k.keyFile(), k.passphrase());
    }

    /** Password login. The array is copied; {@link #password()} returns a fresh copy. */
    record Password(String user, char[] password) implements Credentials {
        /** Copies the password so later changes by the caller do not leak in. */
        public Password {
            requireUser(user);
            Objects.requireNonNull(password, "password");
            password = password.clone();
        }

        /** Convenience for callers that hold the password as a String already. */
        public static Password of(String user, String password) {
            return new Password(user, Objects.requireNonNull(password, "password").toCharArray());
        }

        @Override
        public char[] password() {
            return password.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Password p && p.user.equals(user) && Arrays.equals(p.password, password);
        }

        @Override
        public int hashCode() {
            return user.hashCode();
        }

        @Override
        public String toString() {
            return "Password[user=" + user + ", password=***]";
        }
    }

    /**
     * Public-key login with an OpenSSH or PEM private key file (RSA, ECDSA, ed25519), optionally protected by a
     * passphrase that {@code passphrase} supplies when the key needs it.
     */
    record PrivateKey(String user, Path keyFile, KeyPassphrase passphrase) implements Credentials {
        /** {@code passphrase} may be null for a key without one. */
        public PrivateKey {
            requireUser(user);
            Objects.requireNonNull(keyFile, "keyFile");
            passphrase = passphrase == null ? KeyPassphrase.NONE : passphrase;
        }

        /** A key file without a passphrase. */
        public PrivateKey(String user, Path keyFile) {
            this(user, keyFile, KeyPassphrase.NONE);
        }

        /** A key file whose passphrase the caller already has (copied). */
        public PrivateKey(String user, Path keyFile, char[] passphrase) {
            this(user, keyFile, passphrase == null ? KeyPassphrase.NONE : KeyPassphrase.of(passphrase, "the caller"));
        }

        @Override
        public String toString() {
            return "PrivateKey[user=" + user + ", keyFile=" + keyFile + ", passphrase=" + passphrase + "]";
        }
    }

    private static void requireUser(String user) {
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("The SSH user is empty: give the router's login name (usually root)");
        }
    }
}

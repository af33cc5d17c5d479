package org.fleetflash.core.device;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where the passphrase of a private key comes from: nowhere, a value given by the caller (read from an environment
 * variable), or a question asked only when the key turns out to need one (a prompt on the terminal). The answer is
 * asked for at most once and kept in memory for later connections (an upgrade logs in again after the reroot); it
 * is never logged or shown.
 */
public final class KeyPassphrase {

    /** No passphrase available: an encrypted key cannot be opened. */
    public static final KeyPassphrase NONE = new KeyPassphrase("nowhere", Optional::empty);

    private final String source;
    private final Supplier<Optional<char[]>> ask;
    private boolean asked;
    private char[] answer;

    private KeyPassphrase(String source, Supplier<Optional<char[]>> ask) {
        this.source = Objects.requireNonNull(source, "source");
        this.ask = Objects.requireNonNull(ask, "ask");
    }

    /**
     * A passphrase known in advance.
     *
     * @param source where it came from, for messages: "the environment variable FF_KEY_PASSPHRASE"
     */
    public static KeyPassphrase of(char[] passphrase, String source) {
        char[] copy = Objects.requireNonNull(passphrase, "passphrase").clone();
        return new KeyPassphrase(source, () -> Optional.of(copy.clone()));
    }

    /**
     * A passphrase asked for only when a key needs one; {@code ask} returns empty when the person gave none
     * (end of input).
     *
     * @param source where it comes from, for messages: "the terminal prompt"
     */
    public static KeyPassphrase askedWhenNeeded(String source, Supplier<Optional<char[]>> ask) {
        return new KeyPassphrase(source, ask);
    }

    /** Where the passphrase comes from, for messages. */
    public String source() {
        return source;
    }

    /** True when no passphrase can ever be had. */
    public boolean isNone() {
        return this == NONE;
    }

    /** The passphrase (a fresh copy), asking for it the first time; empty when none can be had. */
    public synchronized Optional<char[]> get() {
        if (!asked) {
            asked = true;
            answer = ask.get().map(char[]::clone).orElse(null);
        }
        return Optional.ofNullable(answer).map(char[]::clone);
    }

    @Override
    public String toString() {
        return isNone() ? "none" : "*** (from " + source + ")";
    }
}

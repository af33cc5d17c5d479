package org.fleetflash.core.device;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.apache.sshd.client.ClientBuilder;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.OptionalFeature;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.common.kex.KeyExchangeFactory;
import org.apache.sshd.common.mac.BuiltinMacs;
import org.apache.sshd.common.mac.Mac;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;
import org.fleetflash.core.text.Sanitize;

/**
 * The SSH algorithms FleetFlash offers: MINA SSHD's modern defaults (curve25519 and ECDH key exchange, rsa-sha2,
 * ECDSA and ed25519 signatures, chacha20-poly1305, AES-CTR and AES-GCM, HMAC-SHA2), which an OpenSSH 7.2-era router
 * also speaks; and, only for routers they are allowed for, the legacy ones below, offered after the modern ones.
 */
public final class SshAlgorithms {

    /** Legacy algorithms by name, with why they are refused by default. */
    public static final Map<String, String> LEGACY;

    static {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("diffie-hellman-group1-sha1", "1024-bit Diffie-Hellman with SHA-1");
        m.put("diffie-hellman-group14-sha1", "Diffie-Hellman with SHA-1");
        m.put("diffie-hellman-group-exchange-sha1", "Diffie-Hellman group exchange with SHA-1");
        m.put("ssh-rsa", "RSA signatures with SHA-1");
        m.put("ssh-rsa-cert-v01@openssh.com", "RSA certificates with SHA-1");
        m.put("ssh-dss", "DSA signatures (1024 bits, SHA-1)");
        m.put("ssh-dss-cert-v01@openssh.com", "DSA certificates");
        m.put("aes128-cbc", "AES in CBC mode");
        m.put("aes192-cbc", "AES in CBC mode");
        m.put("aes256-cbc", "AES in CBC mode");
        m.put("3des-cbc", "triple DES");
        m.put("blowfish-cbc", "Blowfish");
        m.put("hmac-sha1", "HMAC with SHA-1");
        m.put("hmac-sha1-etm@openssh.com", "HMAC with SHA-1");
        m.put("hmac-sha1-96", "truncated HMAC with SHA-1");
        m.put("hmac-md5", "HMAC with MD5");
        m.put("hmac-md5-96", "truncated HMAC with MD5");
        LEGACY = java.util.Collections.unmodifiableMap(m);
    }

    /**
     * Left out although modern: Streamlined NTRU Prime costs about 0.4 s per connection in Bouncy Castle's pure Java
     * (measured against curve25519's 20 ms), too much for a fleet; ML-KEM 768 hybrid stays (post-quantum, fast).
     */
    static final Set<String> TOO_SLOW = Set.of("sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com");

    private static final Map<KexProposalOption, String> KINDS = new LinkedHashMap<>();

    static {
        KINDS.put(KexProposalOption.ALGORITHMS, "key exchange");
        KINDS.put(KexProposalOption.SERVERKEYS, "host key signature");
        KINDS.put(KexProposalOption.C2SENC, "cipher");
        KINDS.put(KexProposalOption.S2CENC, "cipher");
        KINDS.put(KexProposalOption.C2SMAC, "MAC");
        KINDS.put(KexProposalOption.S2CMAC, "MAC");
    }

    private final List<KeyExchangeFactory> kex;
    private final List<NamedFactory<Signature>> signatures;
    private final List<NamedFactory<Cipher>> ciphers;
    private final List<NamedFactory<Mac>> macs;

    private SshAlgorithms(List<KeyExchangeFactory> kex, List<NamedFactory<Signature>> signatures,
            List<NamedFactory<Cipher>> ciphers, List<NamedFactory<Mac>> macs) {
        this.kex = List.copyOf(kex);
        this.signatures = List.copyOf(signatures);
        this.ciphers = List.copyOf(ciphers);
        this.macs = List.copyOf(macs);
    }

    /** MINA's client defaults without any legacy algorithm (and without {@link #TOO_SLOW}). */
    static SshAlgorithms modern(List<KeyExchangeFactory> kex, List<NamedFactory<Signature>> signatures,
            List<NamedFactory<Cipher>> ciphers, List<NamedFactory<Mac>> macs) {
        Predicate<NamedResource> modern = f -> !LEGACY.containsKey(f.getName()) && !TOO_SLOW.contains(f.getName());
        // ChaCha20-Poly1305 first, as OpenSSH itself prefers it: the cheapest for the router, whose CPU has no AES
        // instructions, and for the laptop too. Measured with MINA's ciphers on the build machine (ms of CPU per MB),
        // with the client compiler FleetFlash runs with (decision 0023) and with the server compiler:
        // chacha20-poly1305 8.7 and 3.8; aes128-ctr 7.8 and 3.1 plus its MAC (hmac-sha2-256-etm 9.2 and 0.6);
        // aes128-gcm 27.5 and 11.1 (the JDK's GCM, set up again for every packet)
        return new SshAlgorithms(kex.stream().filter(modern).toList(), signatures.stream().filter(modern).toList(),
                ciphers.stream().filter(modern).sorted(java.util.Comparator.comparingInt(SshAlgorithms::cipherRank)).toList(),
                macs.stream().filter(modern).toList());
    }

    /** Cheaper ciphers first (see {@link #modern}); the relative order of the rest is MINA's. */
    private static int cipherRank(NamedResource cipher) {
        String name = cipher.getName();
        return name.startsWith("chacha20-poly1305") ? 0 : name.endsWith("-ctr") ? 1 : name.contains("-gcm@") ? 2 : 3;
    }

    /** These algorithms followed by the legacy ones this MINA build supports. */
    SshAlgorithms withLegacy() {
        List<KeyExchangeFactory> k = new ArrayList<>(kex);
        k.addAll(NamedFactory.setUpTransformedFactories(true,
                List.of(BuiltinDHFactories.dhgex, BuiltinDHFactories.dhg14, BuiltinDHFactories.dhg1), ClientBuilder.DH2KEX));
        List<NamedFactory<Signature>> s = new ArrayList<>(signatures);
        s.addAll(supported(BuiltinSignatures.rsa, BuiltinSignatures.rsa_cert, BuiltinSignatures.dsa, BuiltinSignatures.dsa_cert));
        List<NamedFactory<Cipher>> c = new ArrayList<>(ciphers);
        c.addAll(supported(BuiltinCiphers.aes128cbc, BuiltinCiphers.aes192cbc, BuiltinCiphers.aes256cbc, BuiltinCiphers.tripledescbc,
                BuiltinCiphers.blowfishcbc));
        List<NamedFactory<Mac>> m = new ArrayList<>(macs);
        m.addAll(supported(BuiltinMacs.hmacsha1etm, BuiltinMacs.hmacsha1, BuiltinMacs.hmacsha196, BuiltinMacs.hmacmd5, BuiltinMacs.hmacmd596));
        return new SshAlgorithms(k, s, c, m);
    }

    @SafeVarargs
    private static <T extends OptionalFeature> List<T> supported(T... factories) {
        return Arrays.stream(factories).filter(OptionalFeature::isSupported).toList();
    }

    List<KeyExchangeFactory> kex() {
        return kex;
    }

    List<NamedFactory<Signature>> signatures() {
        return signatures;
    }

    List<NamedFactory<Cipher>> ciphers() {
        return ciphers;
    }

    List<NamedFactory<Mac>> macs() {
        return macs;
    }

    /** The names offered, for logs and tests. */
    public List<String> names() {
        List<String> all = new ArrayList<>();
        all.addAll(NamedResource.getNameList(kex));
        all.addAll(NamedResource.getNameList(signatures));
        all.addAll(NamedResource.getNameList(ciphers));
        all.addAll(NamedResource.getNameList(macs));
        return all;
    }

    /**
     * Explains a failed algorithm negotiation from both proposals: the router offered only legacy algorithms that are
     * not allowed for it, or it shares nothing at all with FleetFlash.
     */
    static DeviceException explainNegotiationFailure(SshTarget target, String serverIdent, Map<KexProposalOption, String> ours,
            Map<KexProposalOption, String> theirs, boolean legacyAllowed, Throwable cause) {
        Set<String> legacyOffered = new LinkedHashSet<>();
        Map<String, List<String>> nothingInCommon = new LinkedHashMap<>();
        for (Map.Entry<KexProposalOption, String> kind : KINDS.entrySet()) {
            List<String> mine = names(ours.get(kind.getKey()));
            List<String> offered = names(theirs.get(kind.getKey()));
            if (offered.isEmpty() || offered.stream().anyMatch(mine::contains)) {
                continue;
            }
            List<String> legacy = offered.stream().filter(LEGACY::containsKey).toList();
            if (!legacy.isEmpty() && !legacyAllowed) {
                legacy.forEach(a -> legacyOffered.add(kind.getValue() + ": " + a + " (" + LEGACY.get(a) + ")"));
            } else {
                nothingInCommon.putIfAbsent(kind.getValue(), offered);
            }
        }
        String router = "Router " + target + (serverIdent == null ? "" : " (" + serverIdent + ")");
        if (!legacyOffered.isEmpty() && nothingInCommon.isEmpty()) {
            List<String> algorithms = legacyOffered.stream().map(s -> s.substring(s.indexOf(": ") + 2, s.indexOf(" ("))).toList();
            return new LegacyAlgorithmsRefusedException(target, router + " offers only legacy SSH algorithms for "
                    + String.join("; ", legacyOffered) + ". FleetFlash refuses them by default: they rely on SHA-1, MD5 or old "
                    + "ciphers that are no longer safe. Best, update the router's SSH server; if you trust this router and the "
                    + "network to it, allow them for the routers of this command with --allow-legacy-ssh.", algorithms);
        }
        if (nothingInCommon.isEmpty()) {
            return new SshHandshakeException(target, router + " speaks SSH but the key exchange failed ("
                    + (cause == null ? "no reason given" : Sanitize.line(cause.getMessage(), 300)) + ").", cause);
        }
        String detail = nothingInCommon.entrySet().stream()
                .map(e -> "no " + e.getKey() + " in common (the router offers " + shown(e.getValue()) + ")")
                .collect(Collectors.joining("; "));
        return new SshHandshakeException(target, router + " speaks SSH but shares no algorithm with FleetFlash: " + detail
                + ". Its SSH server is too old or too restricted for FleetFlash; update it or allow modern algorithms in "
                + "its configuration.", cause);
    }

    private static String shown(List<String> names) {
        String all = String.join(",", names);
        return Sanitize.line(all, 200);
    }

    /** The algorithm names of one proposal field, without the protocol's pseudo-algorithms (ext-info, strict kex). */
    private static List<String> names(String field) {
        if (field == null || field.isBlank()) {
            return List.of();
        }
        return Arrays.stream(field.split(",")).map(String::strip)
                .filter(n -> !n.isEmpty() && !n.startsWith("ext-info-") && !n.startsWith("kex-strict-")).toList();
    }
}

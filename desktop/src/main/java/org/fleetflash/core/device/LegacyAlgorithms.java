package org.fleetflash.core.device;

import java.util.Collection;
import java.util.Objects;
import java.util.Set;

/**
 * Which routers may be spoken to with legacy SSH algorithms (SHA-1 signatures and key exchanges, CBC and 3DES
 * ciphers, SHA-1 and MD5 MACs: {@link SshAlgorithms#LEGACY}). None by default; the command line allows them for the
 * routers of one command ({@code --allow-legacy-ssh}), a settings file can name single routers.
 *
 * @param everyRouter allow them for any router
 * @param routers     the routers they are allowed for (when not {@code everyRouter})
 */
public record LegacyAlgorithms(boolean everyRouter, Set<SshTarget> routers) {

    /** Legacy algorithms refused for every router: the default. */
    public static final LegacyAlgorithms NONE = new LegacyAlgorithms(false, Set.of());

    /** Copies the set. */
    public LegacyAlgorithms {
        routers = Set.copyOf(Objects.requireNonNull(routers, "routers"));
    }

    /** Allowed for any router this is used with (the routers of one command). */
    public static LegacyAlgorithms forEveryRouter() {
        return new LegacyAlgorithms(true, Set.of());
    }

    /** Allowed for these routers only. */
    public static LegacyAlgorithms forRouters(Collection<SshTarget> routers) {
        return new LegacyAlgorithms(false, Set.copyOf(routers));
    }

    /** Whether legacy algorithms may be offered to {@code target}. */
    public boolean allows(SshTarget target) {
        return everyRouter || routers.contains(target);
    }
}

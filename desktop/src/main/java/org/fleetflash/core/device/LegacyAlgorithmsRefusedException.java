package org.fleetflash.core.device;

import java.util.List;

/** The router offers only legacy SSH algorithms for some part of the key exchange, and they were not allowed for it. */
public final class LegacyAlgorithmsRefusedException extends DeviceException {

    private final List<String> algorithms;

    public LegacyAlgorithmsRefusedException(SshTarget target, String message, List<String> algorithms) {
        super(target, message, null);
        this.algorithms = List.copyOf(algorithms);
    }

    /** The legacy algorithms the router offered where it offered nothing better. */
    public List<String> algorithms() {
        return algorithms;
    }
}

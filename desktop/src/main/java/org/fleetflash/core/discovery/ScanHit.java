package org.fleetflash.core.discovery;

import java.time.Duration;
import java.util.Objects;

/** One open port found by the active scan, with what it said first and the guess drawn from it. */
public record ScanHit(Ipv4Address address, int port, String banner, SshGuess guess, String detail, Duration connectTime) {
    public ScanHit {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(banner, "banner");
        Objects.requireNonNull(guess, "guess");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(connectTime, "connectTime");
    }

    public String hostPort() {
        return address + ":" + port;
    }
}

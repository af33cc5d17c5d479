package org.fleetflash.agent.image;

import java.util.List;
import java.util.Optional;

/**
  * The outcome of {@link ImageCompatibility#check}: every failed check, and whether the image may be
  * written (no finding, or only findings force set aside).
  */
public record Verdict(boolean ok, List<Finding> findings) {

    public Verdict {
        findings = List.copyOf(findings);
    }

    /** A verdict from findings: ok when each one was set aside. */
    public static Verdict of(List<Finding> findings) {
        return new Verdict(findings.stream().allMatch(Finding::overridden), findings);
    }

    /** The finding with this code, if the check failed. */
    public Optional<Finding> finding(Finding.Code code) {
        return findings.stream().filter(f -> f.code() == code).findFirst();
    }

    /** The findings that stop the image (not set aside by force). */
    public List<Finding> blocking() {
        return findings.stream().filter(f -> !f.overridden()).toList();
    }
}

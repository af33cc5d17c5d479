package org.fleetflash.agent.image;

import java.util.List;
import java.util.Optional;

/**
  * The outcome of {@link ImageCompatibility#check}: every failed check, whether the image may be
  * written (no finding, or only findings force set aside), and what could not be checked at all.
  *
  * @param unchecked one sentence per check that could not be made on this router (what is not known,
  *                  and what the technician should make sure of); it does not stop the image
  */
public record Verdict(boolean ok, List<Finding> findings, List<String> unchecked) {

    public Verdict {
        findings = List.copyOf(findings);
        unchecked = List.copyOf(unchecked);
    }

    /** A verdict from findings: ok when each one was set aside. */
    public static Verdict of(List<Finding> findings) {
        return of(findings, List.of());
    }

    /** A verdict from findings and the checks that could not be made. */
    public static Verdict of(List<Finding> findings, List<String> unchecked) {
        return new Verdict(findings.stream().allMatch(Finding::overridden), findings, unchecked);
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

package org.fleetflash.core.history;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.fleetflash.core.device.SshTarget;
import org.fleetflash.core.text.Sanitize;

/**
 * Which attempts a listing shows; every part is optional and they all must hold. The static methods are the one
 * place that turns what a person typed or picked (on the command line or in the window) into a filter's parts.
 *
 * @param since   started at or after
 * @param until   started before
 * @param outcome {@code SUCCEEDED}, {@code FAILED_SAFE}, {@code NEEDS_ATTENTION}, {@code INTERRUPTED} for
 *                attempts whose FleetFlash died before they ended, or {@code RUNNING} for attempts still under way
 * @param router  the router's address: {@code host} (any port) or {@code host:port}
 * @param batch   the batch's id
 */
public record AttemptFilter(Optional<Instant> since, Optional<Instant> until, Optional<String> outcome, Optional<String> router,
        Optional<String> batch) {

    /** The outcomes a filter may ask for, in the order they are offered. */
    public static final List<String> OUTCOMES = List.of("SUCCEEDED", "FAILED_SAFE", "NEEDS_ATTENTION", "INTERRUPTED", "RUNNING");

    /** Every attempt. */
    public static AttemptFilter all() {
        return new AttemptFilter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * An outcome as typed (any case, spaces around), checked against {@link #OUTCOMES}.
     *
     * @throws IllegalArgumentException with a sentence that names the outcomes, for any other word
     */
    public static String outcome(String text) {
        String o = text.strip().toUpperCase(Locale.ROOT);
        if (!OUTCOMES.contains(o)) {
            throw new IllegalArgumentException("Unknown outcome '" + Sanitize.line(text, 40)
                    + "': use SUCCEEDED, FAILED_SAFE, NEEDS_ATTENTION, INTERRUPTED or RUNNING.");
        }
        return o;
    }

    /**
     * A router as typed: {@code host} (any port) or {@code host:port}, spaces around removed.
     *
     * @throws IllegalArgumentException with the reason, when it is no router address
     */
    public static String router(String text) {
        String r = text.strip();
        SshTarget.parse(r);
        return r;
    }

    /** Where a day begins in {@code zone}: the {@code since} of a filter from that day on. */
    public static Instant startOf(LocalDate day, ZoneId zone) {
        return day.atStartOfDay(zone).toInstant();
    }

    /** Where a day ends in {@code zone} (the next day's start): the {@code until} of a filter up to that day, inclusive. */
    public static Instant endOf(LocalDate day, ZoneId zone) {
        return day.plusDays(1).atStartOfDay(zone).toInstant();
    }
}

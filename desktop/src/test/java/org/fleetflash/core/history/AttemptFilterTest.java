package org.fleetflash.core.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The rules the command line and the window share for what a person types or picks into a history filter. */
class AttemptFilterTest {

    @Test
    void anOutcomeIsReadInAnyCaseAndAnUnknownOneNamesTheChoices() {
        assertThat(AttemptFilter.outcome(" failed_safe ")).isEqualTo("FAILED_SAFE");
        assertThat(AttemptFilter.OUTCOMES).containsExactly("SUCCEEDED", "FAILED_SAFE", "NEEDS_ATTENTION", "INTERRUPTED", "RUNNING");
        assertThatThrownBy(() -> AttemptFilter.outcome("broken\u001b[2J"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unknown outcome 'broken\\x1b[2J': use SUCCEEDED, FAILED_SAFE, NEEDS_ATTENTION, INTERRUPTED or RUNNING.");
    }

    @Test
    void aRouterIsAHostOrHostAndPort() {
        assertThat(AttemptFilter.router(" 127.0.52.7:2252 ")).isEqualTo("127.0.52.7:2252");
        assertThat(AttemptFilter.router("127.0.52.7")).isEqualTo("127.0.52.7");
        assertThatThrownBy(() -> AttemptFilter.router("127.0.52.7:99999")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDayRunsFromItsStartToTheNextDaysStartInTheGivenZone() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        LocalDate day = LocalDate.parse("2026-12-01");
        assertThat(AttemptFilter.startOf(day, berlin)).isEqualTo(Instant.parse("2026-11-30T23:00:00Z"));
        assertThat(AttemptFilter.endOf(day, berlin)).isEqualTo(Instant.parse("2026-12-01T23:00:00Z"));
        LocalDate summerChange = LocalDate.parse("2026-03-29"); // 23 hours long in Berlin
        assertThat(AttemptFilter.endOf(summerChange, berlin)).isEqualTo(AttemptFilter.startOf(summerChange, berlin).plusSeconds(23 * 3600));
    }
}

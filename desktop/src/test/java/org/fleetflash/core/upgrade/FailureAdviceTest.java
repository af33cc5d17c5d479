package org.fleetflash.core.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every failure code has a title and a what-to-do sentence a technician can act on; no advice for a code that does not exist. */
class FailureAdviceTest {

    private final FailureAdvice advice = FailureAdvice.forLocale(Locale.ROOT);

    @Test
    void everyCodeHasAShortTitleAndASentenceSayingWhatToDo() {
        for (FailureCode code : FailureCode.values()) {
            assertThat(advice.title(code)).as("title of %s", code).isNotEqualTo(code.name()).hasSizeLessThanOrEqualTo(40);
            assertThat(advice.whatToDo(code)).as("what to do about %s", code).isNotEqualTo(code.name()).endsWith(".")
                    .hasSizeLessThanOrEqualTo(160);
        }
    }

    @Test
    void theBundleHoldsNothingButTheCodes() throws Exception {
        Properties p = new Properties();
        try (InputStream in = FailureAdvice.class.getResourceAsStream("FailureAdvice.properties")) {
            p.load(in);
        }
        Set<String> expected = Arrays.stream(FailureCode.values()).flatMap(c -> java.util.stream.Stream.of(c.name() + ".title",
                c.name() + ".todo")).collect(Collectors.toSet());
        assertThat(p.stringPropertyNames()).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void aRouterWithAHalfWrittenFlashIsNeverToldToBePoweredOff() {
        assertThat(advice.whatToDo(FailureCode.WRITE_FAILED)).startsWith("Do not power the router off");
        assertThat(advice.whatToDo(FailureCode.FLASH_MISMATCH)).startsWith("Do not power the router off");
    }
}

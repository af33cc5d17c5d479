package org.fleetflash.core.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class BoundedCaptureTest {

    @Test
    void keepsTheFirstBytesAndSaysWhenItDroppedSome() {
        BoundedCapture c = new BoundedCapture(5);
        c.write("abc".getBytes(StandardCharsets.UTF_8), 0, 3);
        assertThat(c.truncated()).isFalse();

        c.write("defgh".getBytes(StandardCharsets.UTF_8), 0, 5);

        assertThat(c.text()).isEqualTo("abcde");
        assertThat(c.truncated()).isTrue();
    }

    @Test
    void tailKeepsTheLastLinesWithinACharacterBudget() {
        BoundedCapture c = new BoundedCapture(1000);
        byte[] b = "one\ntwo\nthree\nfour\n".getBytes(StandardCharsets.UTF_8);
        c.write(b, 0, b.length);

        assertThat(c.tail(2, 100)).isEqualTo("three\nfour");
        assertThat(c.tail(10, 100)).isEqualTo("one\ntwo\nthree\nfour");
        assertThat(c.tail(2, 6)).isEqualTo("...e\nfour");
    }
}

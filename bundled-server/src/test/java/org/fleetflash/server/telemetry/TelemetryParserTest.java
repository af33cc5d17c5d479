package org.fleetflash.server.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TelemetryParserTest {
    private static final String TOKEN = "0123456789abcdef0123456789abcdef";

    private static TelemetryParser.Result parse(String datagram) {
        byte[] bytes = datagram.getBytes(StandardCharsets.UTF_8);
        return TelemetryParser.parse(bytes, bytes.length);
    }

    private static TelemetryMessage accepted(String datagram) {
        TelemetryParser.Result result = parse(datagram);
        assertThat(result).as(datagram).isInstanceOf(TelemetryParser.Accepted.class);
        return ((TelemetryParser.Accepted) result).message();
    }

    @Test
    void parsesProgressWithFields() {
        TelemetryMessage message = accepted("FFT1 " + TOKEN + " 17 PROGRESS block=12 blocks=122 action=written\n");

        assertThat(message.token()).isEqualTo(TOKEN);
        assertThat(message.seq()).isEqualTo(17);
        assertThat(message.kind()).isEqualTo(TelemetryKind.PROGRESS);
        assertThat(message.fields()).containsEntry("block", "12").containsEntry("blocks", "122")
                .containsEntry("action", "written");
    }

    @Test
    void parsesProgressOfARunOfBlocks() {
        TelemetryMessage message = accepted("FFT1 " + TOKEN + " 4 PROGRESS block=32 blocks=121 action=written from=17\n");

        assertThat(message.fields()).containsEntry("block", "32").containsEntry("from", "17").containsEntry("action", "written");
    }

    @Test
    void textFieldTakesTheRestOfTheLineWithSpaces() {
        TelemetryMessage message = accepted("FFT1 " + TOKEN + " 9 ERROR code=VERIFY_MISMATCH text=block 7 differs = bad");

        assertThat(message.fields()).containsEntry("code", "VERIFY_MISMATCH")
                .containsEntry("text", "block 7 differs = bad");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        // FreeBSD logger -h (usr.bin/logger): <PRI>TAG: message, no timestamp, no hostname
        "<13>ffflash: FFT1 %s 3 VERIFY_OK",
        // RFC 3164 with timestamp and hostname
        "<13>Nov 24 20:01:02 wdr3600 ffflash: FFT1 %s 3 VERIFY_OK",
        // RFC 3164 without hostname, tag with pid
        "<13>Nov  4 20:01:02 ffflash[123]: FFT1 %s 3 VERIFY_OK",
        // RFC 5424 (util-linux logger's default)
        "<13>1 2026-11-24T20:01:02.123+00:00 host ffflash - - [timeQuality tzKnown=\"1\"] FFT1 %s 3 VERIFY_OK",
        // bare, as printf | nc -u sends it
        "FFT1 %s 3 VERIFY_OK\r\n",
    })
    void acceptsBareAndSyslogWrappedPayloads(String template) {
        TelemetryMessage message = accepted(template.formatted(TOKEN));

        assertThat(message.seq()).isEqualTo(3);
        assertThat(message.kind()).isEqualTo(TelemetryKind.VERIFY_OK);
    }

    @ParameterizedTest(name = "[{index}] ''{0}''")
    @ValueSource(strings = {
        "",
        "hello",
        "FFT2 %s 1 HELLO",
        "FFT1 0123 1 HELLO",
        "FFT1 %S 1 HELLO",
        "FFT1 %s 0 HELLO",
        "FFT1 %s 01 HELLO",
        "FFT1 %s -1 HELLO",
        "FFT1 %s 1000001 HELLO",
        "FFT1 %s 1 hello",
        "FFT1 %s 1 REBOOTING",
        "FFT1 %s 1",
        "FFT1  %s 1 HELLO",
        "FFT1 %s 1 HELLO novalue",
        "FFT1 %s 1 HELLO =x",
        "FFT1 %s 1 HELLO Key=x",
        "FFT1 %s 1 HELLO a=1 a=2",
        "FFT1 %s 1 BEGIN",
        "FFT1 %s 1 BEGIN blocks=many",
        "FFT1 %s 1 PROGRESS block=3 blocks=2 action=written",
        "FFT1 %s 1 PROGRESS block=0 blocks=2 action=written",
        "FFT1 %s 1 PROGRESS block=1 blocks=2 action=skipped",
        "FFT1 %s 1 PROGRESS block=1 blocks=2",
        "FFT1 %s 1 PROGRESS block=2 blocks=4 action=written from=3",
        "FFT1 %s 1 PROGRESS block=2 blocks=4 action=written from=0",
        "FFT1 %s 1 PROGRESS block=2 blocks=4 action=written from=one",
        "FFT1 %s 1 ERROR",
        "FFT1 %s 1 ERROR code=lowercase",
        "FFT1 %s 1 HELLO\u0007",
        "FFT1 %s 1 HELLO\nFFT1 %s 2 DONE",
        "<13>ffflash: hello world",
        "<13>ffflash: xFFT1 %s 1 HELLO",
    })
    void rejectsMalformedDatagrams(String template) {
        String datagram = template.replace("%S", TOKEN.toUpperCase()).replace("%s", TOKEN);

        assertThat(parse(datagram)).isInstanceOf(TelemetryParser.Malformed.class);
    }

    @Test
    void rejectsDatagramsLargerThanTheLimit() {
        String datagram = "FFT1 " + TOKEN + " 1 HELLO text=" + "x".repeat(TelemetryParser.MAX_DATAGRAM);

        assertThat(parse(datagram)).isEqualTo(new TelemetryParser.Oversize(datagram.length()));
    }

    @Test
    void acceptsADatagramOfExactlyTheLimit() {
        String prefix = "FFT1 " + TOKEN + " 1 HELLO text=";
        String datagram = prefix + "x".repeat(TelemetryParser.MAX_DATAGRAM - prefix.length());

        assertThat(accepted(datagram).fields().get("text")).hasSize(TelemetryParser.MAX_DATAGRAM - prefix.length());
    }
}

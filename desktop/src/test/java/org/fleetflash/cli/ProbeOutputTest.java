package org.fleetflash.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fleetflash.agent.protocol.DeviceFacts;
import org.fleetflash.agent.protocol.Partition;
import org.fleetflash.core.device.DeviceProber;
import org.fleetflash.core.device.SshTarget;
import org.fleetflash.core.device.UploadCheck;
import org.fleetflash.core.device.UploadResult;
import org.junit.jupiter.api.Test;

/** A hostile router cannot drive the technician's terminal through what probe prints about it. */
class ProbeOutputTest {

    private static final String ESC = "\u001b";

    private static DeviceProber.Report hostileReport() {
        DeviceFacts facts = new DeviceFacts("13.2-RELEASE" + ESC + "[2J", 1302001, "mips", "mips" + ESC + "[31m",
                ESC + "]0;pwned\u0007router-1", "TL-WDR3600\u202etxt.exe", 128L << 20, 120L << 20, 4096, 60L << 20,
                "ufs:/dev/map/rootfs\r\nfleetflash: all fine", true, false, List.of("md0\u0000"), Map.of("fetch", true),
                Map.of(), List.of("tp-link:blue" + ESC + "[5m"), 65536, "flash/spi0" + ESC + "c", 8L << 20,
                List.of(new Partition("kernel\rFAKE", 0x20000, 0x100000, false, 0, 65536)),
                List.of("x".repeat(10_000)), Optional.of("v1" + ESC + "[8m"));
        return new DeviceProber.Report(new SshTarget("127.0.1.1", 22), "SSH-2.0-OpenSSH_7.2" + ESC + "[2J", facts, List.of(),
                new UploadResult("/tmp/ff-agent", 1000, "ab", UploadCheck.values()[0]));
    }

    @Test
    void theHumanSummaryShowsHostileStringsEscapedAndBounded() {
        StringWriter text = new StringWriter();

        ProbeCommand.printHuman(new PrintWriter(text, true), hostileReport());

        String out = text.toString();
        assertThat(out.chars().filter(c -> c < 0x20 && c != '\n' || c == 0x7f || c >= 0x80 && c < 0xa0 || c == 0x202e)).isEmpty();
        assertThat(out).contains("hostname    \\x1b]0;pwned\\x07router-1")
                .contains("model       TL-WDR3600\\u202etxt.exe")
                .contains("root        ufs:/dev/map/rootfs\\r\\nfleetflash: all fine")
                .contains("kernel\\rFAKE")
                .contains("Router 127.0.1.1:22 (SSH-2.0-OpenSSH_7.2\\x1b[2J)");
        assertThat(out.lines()).allSatisfy(line -> assertThat(line.length()).isLessThan(500));
    }

    @Test
    void theJsonKeepsTheExactStringsWithEveryNonAsciiCharacterEscaped() throws Exception {
        String json = ProbeCommand.toJson(hostileReport());

        assertThat(json.chars().filter(c -> c < 0x20 || c >= 0x7f)).isEmpty();
        assertThat(new ObjectMapper().readTree(json).get("model").asText()).isEqualTo("TL-WDR3600\u202etxt.exe");
        assertThat(new ObjectMapper().readTree(json).get("hostname").asText()).isEqualTo(ESC + "]0;pwned\u0007router-1");
    }
}

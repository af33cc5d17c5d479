package org.fleetflash.core.upgrade;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.fleetflash.agent.plan.FlashPlan;
import org.fleetflash.core.device.DeviceSession;

/**
 * The agent's {@code stage.conf}: the plan, the image's address and credentials, the telemetry
 * endpoint, as {@code sh} assignments whose values go through the one quoting function. Written to the
 * router with mode 600, never put on a command line (docs/agent-protocol.md).
 */
final class StageConf {

    /** Free RAM the agent keeps beyond the memory disk (reference "Implications" A.5). */
    static final long MARGIN = 8L * 1024 * 1024;

    private final Map<String, String> values = new LinkedHashMap<>();

    StageConf(FlashPlan plan, Transport transport, String url, String ftpPassword, String telemetryHost,
            int telemetryPort, String telemetryToken, long firstSeq, String led) {
        this(plan, transport, url, ftpPassword, telemetryHost, telemetryPort, telemetryToken, firstSeq, led, null);
    }

    /**
     * As above, with the span's changed erase blocks ({@link ChangedBlocks#of}): the flasher writes and checks only
     * those. {@code null} or empty means unknown: the flasher compares every block with the image.
     */
    StageConf(FlashPlan plan, Transport transport, String url, String ftpPassword, String telemetryHost,
            int telemetryPort, String telemetryToken, long firstSeq, String led, List<Long> changedBlocks) {
        values.put("FF_TRANSPORT", transport.word);
        values.put("FF_URL", Objects.requireNonNullElse(url, ""));
        values.put("FTP_PASSWORD", Objects.requireNonNullElse(ftpPassword, ""));
        values.put("FF_IMAGE_SIZE", Long.toString(plan.imageSize()));
        values.put("FF_IMAGE_SHA256", plan.imageSha256());
        values.put("FF_PADDED_SIZE", Long.toString(plan.paddedSize()));
        values.put("FF_PADDED_SHA256", plan.paddedSha256());
        values.put("FF_ERASE", Long.toString(plan.eraseBlock()));
        values.put("FF_SPAN_OFFSET", Long.toString(plan.spanOffset()));
        values.put("FF_SPAN_SIZE", Long.toString(plan.spanSize()));
        values.put("FF_SEGMENTS", plan.segments().stream()
                .map(s -> s.partition() + ":" + s.flashOffset() + ":" + s.length() + ":" + s.paddedLength())
                .collect(Collectors.joining(" ")));
        values.put("FF_MARGIN", Long.toString(MARGIN));
        values.put("FF_TELEMETRY_HOST", telemetryHost);
        values.put("FF_TELEMETRY_PORT", Integer.toString(telemetryPort));
        values.put("FF_TELEMETRY_TOKEN", telemetryToken);
        values.put("FF_TELEMETRY_SEQ", Long.toString(firstSeq));
        values.put("FF_LED", Objects.requireNonNullElse(led, ""));
        values.put("FF_CHANGED", changedBlocks == null ? "" : ranges(changedBlocks, plan.blocks()));
    }

    /** {@code FF_CHANGED}'s words: ascending 0-based block indexes, runs written {@code I-J}. */
    static String ranges(List<Long> blocks, long planBlocks) {
        StringBuilder sb = new StringBuilder();
        long prev = -1;
        long runStart = -1;
        for (long b : blocks) {
            if (b <= prev || b >= planBlocks) {
                throw new IllegalArgumentException("changed blocks must ascend within 0.." + (planBlocks - 1) + ": " + blocks);
            }
            if (b != prev + 1 || runStart < 0) {
                appendRun(sb, runStart, prev);
                runStart = b;
            }
            prev = b;
        }
        appendRun(sb, runStart, prev);
        return sb.toString();
    }

    private static void appendRun(StringBuilder sb, long from, long to) {
        if (from < 0) {
            return;
        }
        if (sb.length() > 0) {
            sb.append(' ');
        }
        sb.append(from == to ? Long.toString(from) : from + "-" + to);
    }

    /** How the agent gets the image. */
    enum Transport {
        FETCH("fetch"), SSH("ssh");

        final String word;

        Transport(String word) {
            this.word = word;
        }
    }

    /** The file's text: one quoted assignment per line. */
    String text() {
        StringBuilder sb = new StringBuilder("# FleetFlash stage.conf: written by the desktop, mode 600\n");
        values.forEach((k, v) -> sb.append(k).append('=').append(DeviceSession.shellQuote(v)).append('\n'));
        return sb.toString();
    }

    String value(String key) {
        return values.get(key);
    }
}

package org.fleetflash.server.telemetry;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses telemetry datagrams, bare ({@code nc -u}) or wrapped in a syslog line ({@code logger -h}).
 * Strict: anything that does not match the grammar exactly is rejected with a reason.
 */
public final class TelemetryParser {
    /** Largest datagram accepted (bytes), the classic syslog limit. */
    public static final int MAX_DATAGRAM = 1024;
    /** Highest sequence number accepted. */
    public static final long MAX_SEQ = 1_000_000L;
    /** Magic and protocol version that starts every payload. */
    public static final String MAGIC = "FFT1";

    private static final Pattern TOKEN = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern SEQ = Pattern.compile("[1-9][0-9]{0,6}");
    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_.]*");
    private static final Pattern CODE = Pattern.compile("[A-Z][A-Z0-9_]*");
    private static final Pattern COUNT = Pattern.compile("0|[1-9][0-9]{0,8}");
    private static final Pattern SYSLOG_PRI = Pattern.compile("<[0-9]{1,3}>.*", Pattern.DOTALL);

    private TelemetryParser() {
    }

    /** Outcome of parsing one datagram. */
    public sealed interface Result permits Accepted, Malformed, Oversize {
    }

    /** A well-formed message. */
    public record Accepted(TelemetryMessage message) implements Result {
    }

    /** Not a telemetry message; {@code reason} says why. */
    public record Malformed(String reason) implements Result {
    }

    /** Larger than {@link #MAX_DATAGRAM}. */
    public record Oversize(int length) implements Result {
    }

    /** Parses {@code length} bytes of a datagram. */
    public static Result parse(byte[] data, int length) {
        if (length > MAX_DATAGRAM) {
            return new Oversize(length);
        }
        String line = new String(data, 0, length, StandardCharsets.UTF_8);
        // one trailing newline (printf ... | nc) is part of the transport, not of the message
        if (line.endsWith("\r\n")) {
            line = line.substring(0, line.length() - 2);
        } else if (line.endsWith("\n")) {
            line = line.substring(0, line.length() - 1);
        }
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == '\ufffd') {
                return new Malformed("control or undecodable character at " + i);
            }
        }
        String payload = SYSLOG_PRI.matcher(line).matches() ? payloadOfSyslog(line) : line;
        if (payload == null) {
            return new Malformed("syslog line without an " + MAGIC + " payload");
        }
        return parsePayload(payload);
    }

    /** Finds the payload in {@code <PRI>[timestamp hostname ]TAG: payload}: the first word FFT1 after the PRI. */
    private static String payloadOfSyslog(String line) {
        int from = line.indexOf('>') + 1;
        int at = from;
        while (true) {
            int hit = line.indexOf(MAGIC + " ", at);
            if (hit < 0) {
                return null;
            }
            if (hit == from || line.charAt(hit - 1) == ' ') {
                return line.substring(hit);
            }
            at = hit + 1;
        }
    }

    private static Result parsePayload(String payload) {
        String[] head = payload.split(" ", 5);
        if (head.length < 4 || !head[0].equals(MAGIC)) {
            return new Malformed("expected '" + MAGIC + " <token> <seq> <KIND> ...'");
        }
        if (!TOKEN.matcher(head[1]).matches()) {
            return new Malformed("token is not 32 lowercase hex digits");
        }
        if (!SEQ.matcher(head[2]).matches() || Long.parseLong(head[2]) > MAX_SEQ) {
            return new Malformed("sequence number is not 1.." + MAX_SEQ);
        }
        TelemetryKind kind;
        try {
            kind = TelemetryKind.valueOf(head[3]);
        } catch (IllegalArgumentException e) {
            return new Malformed("unknown kind " + head[3]);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        String rest = head.length == 5 ? head[4] : "";
        while (!rest.isEmpty()) {
            if (rest.startsWith("text=")) {
                fields.put("text", rest.substring("text=".length()));
                break;
            }
            int space = rest.indexOf(' ');
            String field = space < 0 ? rest : rest.substring(0, space);
            rest = space < 0 ? "" : rest.substring(space + 1);
            int eq = field.indexOf('=');
            if (eq <= 0 || eq == field.length() - 1) {
                return new Malformed("field '" + field + "' is not key=value");
            }
            String key = field.substring(0, eq);
            if (!KEY.matcher(key).matches()) {
                return new Malformed("bad key '" + key + "'");
            }
            if (fields.putIfAbsent(key, field.substring(eq + 1)) != null) {
                return new Malformed("duplicate key '" + key + "'");
            }
        }
        String problem = checkKind(kind, fields);
        if (problem != null) {
            return new Malformed(kind + ": " + problem);
        }
        return new Accepted(new TelemetryMessage(head[1], Long.parseLong(head[2]), kind, fields));
    }

    /** Required keys and value types per kind; unknown extra keys are kept (newer agents may add some). */
    private static String checkKind(TelemetryKind kind, Map<String, String> fields) {
        return switch (kind) {
            case HELLO, VERIFY_OK, DONE -> null;
            case BEGIN -> count(fields, "blocks");
            case PROGRESS -> {
                String problem = count(fields, "block");
                if (problem == null) {
                    problem = count(fields, "blocks");
                }
                if (problem == null) {
                    long block = Long.parseLong(fields.get("block"));
                    if (block < 1 || block > Long.parseLong(fields.get("blocks"))) {
                        problem = "block must be 1..blocks";
                    }
                }
                if (problem == null && fields.containsKey("from")) {
                    // a run of blocks done together, reported in one datagram: from..block
                    problem = count(fields, "from");
                    if (problem == null) {
                        long from = Long.parseLong(fields.get("from"));
                        if (from < 1 || from > Long.parseLong(fields.get("block"))) {
                            problem = "from must be 1..block";
                        }
                    }
                }
                if (problem == null && !("written".equals(fields.get("action")) || "same".equals(fields.get("action")))) {
                    problem = "action must be written or same";
                }
                yield problem;
            }
            case ERROR -> fields.get("code") != null && CODE.matcher(fields.get("code")).matches()
                    ? null : "code must match [A-Z][A-Z0-9_]*";
        };
    }

    private static String count(Map<String, String> fields, String key) {
        String value = fields.get(key);
        if (value == null) {
            return "missing " + key;
        }
        return COUNT.matcher(value).matches() ? null : key + " is not a non-negative integer";
    }
}

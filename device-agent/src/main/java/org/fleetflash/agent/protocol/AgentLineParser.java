package org.fleetflash.agent.protocol;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one line of agent output strictly as docs/agent-protocol.md defines it. Never throws: anything
 * that is not a well-formed machine line of a known kind becomes a {@link AgentLine.Log}.
 */
public final class AgentLineParser {

    private static final Logger LOG = LoggerFactory.getLogger(AgentLineParser.class);

    /** Longest line kept, in UTF-16 chars; longer lines are cut there and kept as log lines. */
    public static final int MAX_LINE_CHARS = 8192;

    /** The prefix that makes a line a machine line. */
    public static final String PREFIX = "@FF ";

    private static final String TEXT_KEY = "text";
    private static final int ECHO_LIMIT = 40;
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_.]*");

    /** What a field's token must look like. */
    enum TokenType {
        /** A kind-like name: {@code [a-z][a-z0-9_.]*}. */
        NAME("[a-z][a-z0-9_.]*"),
        /** A non-negative int without sign or leading junk. */
        NUMBER("[0-9]{1,9}"),
        /** A byte count: a non-negative long. */
        BYTES("[0-9]{1,18}"),
        /** A memory disk unit. */
        MD_UNIT("md[0-9]{1,4}"),
        /** A SHA-256 digest in lowercase hex, or the word {@code unavailable}. */
        DIGEST("[0-9a-f]{64}|unavailable"),
        /** A SHA-256 digest in lowercase hex. */
        SHA256("[0-9a-f]{64}"),
        YES_NO("yes|no"),
        /** The only status {@code done} has. */
        OK("ok"),
        /** A stable error code. */
        CODE("[A-Z][A-Z0-9_]*"),
        /** A tool or LED name: later used in a path, so no slash and no leading dot. */
        FILE_NAME("[A-Za-z0-9_][A-Za-z0-9_.+-]*"),
        /** An absolute path of plain characters. */
        ABSOLUTE_PATH("/[A-Za-z0-9_./+-]*"),
        /** An upgrade attempt's id, as the desktop makes it. */
        ATTEMPT("[A-Za-z0-9_-]{1,64}"),
        /** A UTC time as the agent prints it, or {@code unknown}. */
        UTC_TIME("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z|unknown"),
        /** An IPv4 or IPv6 address as the router saw it, or {@code unknown}. */
        ADDRESS("[0-9a-fA-F.:]{1,45}|unknown"),
        /** What a holder of the claim is doing. */
        CLAIM_STATE("claimed|committing"),
        /** The rest of the line, verbatim (may be empty). */
        TEXT(null);

        private final Pattern pattern;

        TokenType(String regex) {
            this.pattern = regex == null ? null : Pattern.compile(regex);
        }

        boolean accepts(String token) {
            return pattern == null || pattern.matcher(token).matches();
        }

        String describe() {
            return pattern == null ? "any text" : pattern.pattern();
        }
    }

    /** One key a kind allows. */
    record FieldSpec(String key, TokenType type, boolean required) {
    }

    /** The fields of a machine line that passed every check, with typed access. */
    static final class Fields {
        private final Map<String, String> values;

        Fields(Map<String, String> values) {
            this.values = values;
        }

        String text(String key) {
            return values.get(key);
        }

        Optional<String> optional(String key) {
            return Optional.ofNullable(values.get(key));
        }

        long bytes(String key) {
            return Long.parseLong(values.get(key));
        }

        int number(String key) {
            return Integer.parseInt(values.get(key));
        }

        boolean yes(String key) {
            return "yes".equals(values.get(key));
        }
    }

    /** A kind: its keys and how to build its record. Adding a kind is one entry in {@link #KINDS}. */
    record KindSpec(String kind, Map<String, FieldSpec> fields, Function<Fields, AgentLine> factory) {
        static KindSpec of(String kind, Function<Fields, AgentLine> factory, FieldSpec... fields) {
            Map<String, FieldSpec> byKey = new LinkedHashMap<>();
            for (FieldSpec f : fields) {
                byKey.put(f.key(), f);
            }
            return new KindSpec(kind, Map.copyOf(byKey), factory);
        }
    }

    private static FieldSpec required(String key, TokenType type) {
        return new FieldSpec(key, type, true);
    }

    private static FieldSpec optional(String key, TokenType type) {
        return new FieldSpec(key, type, false);
    }

    private static final Map<String, KindSpec> KINDS = List.of(
            KindSpec.of("hello", f -> new AgentLine.Hello(f.number("agent"), f.text("cmd")),
                    required("agent", TokenType.NUMBER), required("cmd", TokenType.NAME)),
            KindSpec.of("fact", f -> new AgentLine.Fact(f.text("key"), f.text(TEXT_KEY)),
                    required("key", TokenType.NAME), required(TEXT_KEY, TokenType.TEXT)),
            KindSpec.of("tool", f -> new AgentLine.Tool(f.text("name"), f.yes("present"), f.optional("path")),
                    required("name", TokenType.FILE_NAME), required("present", TokenType.YES_NO),
                    optional("path", TokenType.ABSOLUTE_PATH)),
            KindSpec.of("led", f -> new AgentLine.Led(f.text("name")),
                    required("name", TokenType.FILE_NAME)),
            KindSpec.of("raw", f -> new AgentLine.Raw(f.text("src"), f.text(TEXT_KEY)),
                    required("src", TokenType.NAME), required(TEXT_KEY, TokenType.TEXT)),
            KindSpec.of("phase", f -> new AgentLine.Phase(f.text("name")),
                    required("name", TokenType.NAME)),
            KindSpec.of("check", f -> new AgentLine.Check(f.text("name"), f.yes("ok"), f.text(TEXT_KEY)),
                    required("name", TokenType.NAME), required("ok", TokenType.YES_NO), required(TEXT_KEY, TokenType.TEXT)),
            KindSpec.of("prepared", f -> new AgentLine.Prepared(f.text("md"), f.text("mount"), f.text("image"), f.bytes("mdsize")),
                    required("md", TokenType.MD_UNIT), required("mount", TokenType.ABSOLUTE_PATH),
                    required("image", TokenType.ABSOLUTE_PATH), required("mdsize", TokenType.BYTES)),
            KindSpec.of("fetched", f -> new AgentLine.Fetched(f.bytes("bytes")),
                    required("bytes", TokenType.BYTES)),
            KindSpec.of("digest", f -> new AgentLine.Digest(f.bytes("blocks"), f.bytes("bytes"), f.text("sha256")),
                    required("blocks", TokenType.BYTES), required("bytes", TokenType.BYTES),
                    required("sha256", TokenType.SHA256)),
            KindSpec.of("staged", f -> new AgentLine.Staged(f.text("md"), f.bytes("mdsize"), f.bytes("imagesize"),
                            "unavailable".equals(f.text("sha256")) ? Optional.empty() : Optional.of(f.text("sha256"))),
                    required("md", TokenType.MD_UNIT), required("mdsize", TokenType.BYTES),
                    required("imagesize", TokenType.BYTES), required("sha256", TokenType.DIGEST)),
            KindSpec.of("committed", f -> new AgentLine.Committed(f.text("md")),
                    required("md", TokenType.MD_UNIT)),
            KindSpec.of("claimed", f -> new AgentLine.Claimed(f.text("attempt"), f.text("since"), f.text("laptop")),
                    required("attempt", TokenType.ATTEMPT), required("since", TokenType.UTC_TIME),
                    required("laptop", TokenType.ADDRESS)),
            KindSpec.of("holder", f -> new AgentLine.Holder(f.text("attempt"), f.text("since"), f.text("laptop"),
                            "committing".equals(f.text("state"))),
                    required("attempt", TokenType.ATTEMPT), required("since", TokenType.UTC_TIME),
                    required("laptop", TokenType.ADDRESS), required("state", TokenType.CLAIM_STATE)),
            KindSpec.of("undone", f -> new AgentLine.Undone(f.text("what"), f.text(TEXT_KEY)),
                    required("what", TokenType.NAME), required(TEXT_KEY, TokenType.TEXT)),
            // cleanup adds found=N, the number of undone lines before it
            KindSpec.of("done", f -> new AgentLine.Done(f.text("cmd"), f.text("status")),
                    required("cmd", TokenType.NAME), required("status", TokenType.OK), optional("found", TokenType.NUMBER)),
            KindSpec.of("error", f -> new AgentLine.Error(f.text("code"), f.text(TEXT_KEY)),
                    required("code", TokenType.CODE), required(TEXT_KEY, TokenType.TEXT)))
            .stream().collect(Collectors.toUnmodifiableMap(KindSpec::kind, k -> k));

    private AgentLineParser() {
    }

    /** Parses one line (without its line terminator). Never throws; {@code null} reads as an empty line. */
    public static AgentLine parse(String rawLine) {
        return parse(rawLine, false, true);
    }

    /** Reads a line that can only be a log line (e.g. from stderr): sanitised and cut, never parsed. */
    public static AgentLine.Log parseLog(String rawLine) {
        return (AgentLine.Log) parse(rawLine, false, false);
    }

    /**
     * Parses one line; {@code alreadyCut} says the reader dropped the line's tail, so it is kept as a
     * log line whatever its length; {@code machineAllowed} false keeps every line a log line.
     */
    static AgentLine parse(String rawLine, boolean alreadyCut, boolean machineAllowed) {
        String raw = rawLine == null ? "" : rawLine;
        boolean tooLong = alreadyCut || raw.length() > MAX_LINE_CHARS;
        String line = sanitize(tooLong ? cut(raw) : raw);
        if (tooLong) {
            return AgentLine.Log.rejected(line, "line longer than " + MAX_LINE_CHARS
                    + " characters: cut there and kept as a log line");
        }
        if (!machineAllowed || !line.startsWith(PREFIX)) {
            return AgentLine.Log.plain(line);
        }
        try {
            return parseMachineLine(line);
        } catch (Rejected e) {
            return AgentLine.Log.rejected(line, e.getMessage());
        } catch (RuntimeException e) {
            // The boundary for untrusted input: a bug here must not end the session.
            LOG.warn("Agent line parser failed on a line; keeping it as log", e);
            return AgentLine.Log.rejected(line, "parser error: " + e);
        }
    }

    /**
     * Replaces control characters by U+FFFD: C0 except TAB, DEL and C1 (as the protocol says), and
     * also line/paragraph separators, bidirectional overrides and lone surrogates, which would let a
     * line fake line breaks or reorder what a human reads.
     */
    public static String sanitize(String s) {
        StringBuilder out = null;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            boolean bad;
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    if (out != null) {
                        out.append(c).append(s.charAt(i + 1));
                    }
                    i++;
                    continue;
                }
                bad = true;
            } else {
                bad = isUnsafe(c);
            }
            if (bad && out == null) {
                out = new StringBuilder(n);
                out.append(s, 0, i);
            }
            if (out != null) {
                out.append(bad ? '\uFFFD' : c);
            }
        }
        return out == null ? s : out.toString();
    }

    private static boolean isUnsafe(char c) {
        return (c < 0x20 && c != '\t')
                || (c >= 0x7F && c <= 0x9F)
                || c == '\u2028' || c == '\u2029'
                || c == '\u061C' || c == '\u200E' || c == '\u200F'
                || (c >= '\u202A' && c <= '\u202E')
                || (c >= '\u2066' && c <= '\u2069')
                || Character.isLowSurrogate(c);
    }

    private static String cut(String s) {
        if (s.length() <= MAX_LINE_CHARS) {
            return s;
        }
        int end = MAX_LINE_CHARS;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }

    private static AgentLine parseMachineLine(String line) throws Rejected {
        String body = line.substring(PREFIX.length());
        int space = body.indexOf(' ');
        String kind = space < 0 ? body : body.substring(0, space);
        if (!NAME.matcher(kind).matches()) {
            throw new Rejected("malformed kind " + echo(kind) + " (expected " + NAME.pattern() + ")");
        }
        KindSpec spec = KINDS.get(kind);
        if (spec == null) {
            throw new Rejected("unknown kind " + echo(kind));
        }
        Map<String, String> values = new LinkedHashMap<>();
        String rest = space < 0 ? null : body.substring(space + 1);
        while (rest != null) {
            String key;
            String value;
            if (rest.startsWith(TEXT_KEY + "=")) {
                key = TEXT_KEY;
                value = rest.substring(TEXT_KEY.length() + 1);
                rest = null;
            } else {
                int next = rest.indexOf(' ');
                String field = next < 0 ? rest : rest.substring(0, next);
                rest = next < 0 ? null : rest.substring(next + 1);
                if (field.isEmpty()) {
                    throw new Rejected("empty field (two spaces in a row, or a space at the end)");
                }
                int eq = field.indexOf('=');
                if (eq < 0) {
                    throw new Rejected("field " + echo(field) + " is not key=value");
                }
                key = field.substring(0, eq);
                value = field.substring(eq + 1);
                if (!NAME.matcher(key).matches()) {
                    throw new Rejected("malformed key " + echo(key));
                }
                if (value.isEmpty()) {
                    throw new Rejected("key '" + key + "' has an empty value");
                }
            }
            FieldSpec field = spec.fields().get(key);
            if (field == null) {
                throw new Rejected("unknown key '" + key + "' for kind '" + kind + "'");
            }
            if (values.putIfAbsent(key, value) != null) {
                throw new Rejected("duplicate key '" + key + "'");
            }
            if (!field.type().accepts(value)) {
                throw new Rejected("key '" + key + "' has " + echo(value) + ", expected "
                        + field.type().describe());
            }
        }
        for (FieldSpec f : spec.fields().values()) {
            if (f.required() && !values.containsKey(f.key())) {
                throw new Rejected("missing required key '" + f.key() + "' for kind '" + kind + "'");
            }
        }
        return spec.factory().apply(new Fields(values));
    }

    private static String echo(String s) {
        if (s.length() <= ECHO_LIMIT) {
            return "'" + s + "'";
        }
        int end = Character.isHighSurrogate(s.charAt(ECHO_LIMIT - 1)) ? ECHO_LIMIT - 1 : ECHO_LIMIT;
        return "'" + s.substring(0, end) + "...'";
    }

    /** Why a machine line is kept as a log line. */
    private static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;

        Rejected(String reason) {
            super(reason, null, false, false);
        }
    }
}

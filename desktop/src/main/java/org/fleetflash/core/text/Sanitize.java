package org.fleetflash.core.text;

/**
 * Makes text that came from a router, the network or a library safe to show on a terminal or write to a log:
 * the one place that decides which characters are escaped and how long such a text may be.
 *
 * <p>Escaped, as visible text: C0 controls ({@code \x1b}, {@code \r}, {@code \n}, {@code \t}, {@code \0}), DEL
 * and C1 controls ({@code \x7f}, {@code \x9b}), Unicode format characters such as the bidirectional overrides
 * ({@code \u202e}) and zero-width characters, the line and paragraph separators, and lone surrogates. A terminal
 * then shows what was sent instead of obeying it, and nothing can fake a line break or reorder what a person reads.
 * Printable text, including non-ASCII letters, passes unchanged.
 */
public final class Sanitize {

    /** How many characters {@link #line(String)} keeps: enough for a banner, a host name or a model name. */
    public static final int DEFAULT_MAX_CHARS = 256;

    private Sanitize() {
    }

    /** {@link #line(String, int)} with {@link #DEFAULT_MAX_CHARS}; {@code null} becomes the empty string. */
    public static String line(String text) {
        return line(text, DEFAULT_MAX_CHARS);
    }

    /**
     * One line for a terminal: every unsafe character escaped, and at most {@code maxChars} characters of the
     * original kept (whole code points), followed by {@code ... (N more characters)} when it was longer.
     */
    public static String line(String text, int maxChars) {
        if (maxChars < 1) {
            throw new IllegalArgumentException("maxChars must be at least 1, was " + maxChars);
        }
        if (text == null) {
            return "";
        }
        int total = text.codePointCount(0, text.length());
        if (total <= maxChars) {
            return escape(text, false);
        }
        int cut = text.offsetByCodePoints(0, maxChars);
        return escape(text.substring(0, cut), false) + "... (" + (total - maxChars) + " more characters)";
    }

    /**
     * Escapes every unsafe character without shortening; with {@code keepLineBreaks}, {@code \n} and {@code \t}
     * stay as they are (for a stack trace in a log file) while {@code \r} is still escaped.
     */
    public static String escape(CharSequence text, boolean keepLineBreaks) {
        if (text == null) {
            return "";
        }
        StringBuilder out = null;
        int n = text.length();
        int i = 0;
        while (i < n) {
            int unit = i;
            char c = text.charAt(i);
            String replacement;
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, text.charAt(i + 1));
                replacement = unsafe(cp) ? String.format("\\U%08x", cp) : null;
                i += 2;
            } else {
                replacement = keepLineBreaks && (c == '\n' || c == '\t') ? null : escapeOf(c);
                i++;
            }
            if (replacement != null && out == null) {
                out = new StringBuilder(n + 16);
                out.append(text, 0, unit);
            }
            if (out != null) {
                if (replacement != null) {
                    out.append(replacement);
                } else {
                    out.append(text, unit, i);
                }
            }
        }
        return out == null ? text.toString() : out.toString();
    }

    /** True when {@code text} holds no character that {@link #escape} would change (line breaks count as unsafe). */
    public static boolean isSafe(CharSequence text) {
        return escape(text, false).contentEquals(text);
    }

    private static String escapeOf(char c) {
        switch (c) {
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case '\t':
                return "\\t";
            case '\0':
                return "\\0";
            default:
                break;
        }
        if (Character.isSurrogate(c)) {
            return String.format("\\u%04x", (int) c); // a lone half of a pair: not text
        }
        if (!unsafe(c)) {
            return null;
        }
        return c <= 0xFF ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c);
    }

    private static boolean unsafe(int cp) {
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }
}

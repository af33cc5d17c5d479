package org.fleetflash.core.discovery;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The identification line an SSH server sends first (RFC 4253 section 4.2:
 * {@code SSH-protoversion-softwareversion SP comments CR LF}), and what it reveals.
 */
public record SshIdentification(String protoVersion, String softwareVersion, String comments) {

    /** Longest identification line RFC 4253 allows, CR LF included. */
    public static final int MAX_LINE = 255;

    private static final Pattern LINE = Pattern.compile("SSH-([!-,.-~]+)-([!-~]+)(?: (.*))?");
    private static final Pattern FREEBSD_ADDENDUM = Pattern.compile("FreeBSD-(\\d{8})");
    private static final Pattern OPENSSH = Pattern.compile("OpenSSH_([0-9][0-9A-Za-z.]*)");
    private static final Pattern DROPBEAR = Pattern.compile("dropbear(?:_([0-9][0-9A-Za-z.]*))?", Pattern.CASE_INSENSITIVE);

    /** Parses a line without its line end; empty when it is not an SSH identification line. */
    public static Optional<SshIdentification> parse(String line) {
        if (line == null) {
            return Optional.empty();
        }
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new SshIdentification(m.group(1), m.group(2), m.group(3) == null ? "" : m.group(3)));
    }

    /** Classifies what a port sent: the bytes up to the first line end (or all of them when there is none). */
    public static Verdict classify(byte[] received, int length) {
        String line = firstLine(received, length);
        Optional<SshIdentification> id = parse(line);
        if (id.isEmpty()) {
            String detail = length == 0 ? "sent nothing before the deadline" : "not an SSH identification line";
            return new Verdict(SshGuess.NOT_SSH, printable(line), detail);
        }
        return id.get().verdict(printable(line));
    }

    private Verdict verdict(String banner) {
        Matcher openssh = OPENSSH.matcher(softwareVersion);
        Matcher freebsd = FREEBSD_ADDENDUM.matcher(comments + " " + softwareVersion);
        if (freebsd.find()) {
            String build = freebsd.group(1);
            String version = openssh.lookingAt() ? openssh.group(1) : softwareVersion;
            return new Verdict(SshGuess.FREEBSD, banner, "FreeBSD, OpenSSH " + version + " (FreeBSD build " + build + ")");
        }
        if (openssh.lookingAt()) {
            String where = comments.isBlank() ? "" : " (" + comments.strip() + ")";
            return new Verdict(SshGuess.OPENSSH, banner, "OpenSSH " + openssh.group(1) + where);
        }
        Matcher dropbear = DROPBEAR.matcher(softwareVersion);
        if (dropbear.lookingAt()) {
            return new Verdict(SshGuess.DROPBEAR, banner,
                    "dropbear" + (dropbear.group(1) == null ? "" : " " + dropbear.group(1)));
        }
        return new Verdict(SshGuess.OTHER_SSH, banner, "SSH " + protoVersion + ", " + softwareVersion);
    }

    /** Decodes the first line: bytes up to LF, a trailing CR dropped, at most {@link #MAX_LINE} bytes. */
    static String firstLine(byte[] b, int length) {
        int end = Math.min(length, MAX_LINE);
        for (int i = 0; i < end; i++) {
            if (b[i] == '\n') {
                end = i;
                break;
            }
        }
        if (end > 0 && b[end - 1] == '\r') {
            end--;
        }
        return new String(b, 0, end, StandardCharsets.ISO_8859_1);
    }

    /** Keeps printable ASCII; everything else shows as {@code \xNN}, so a hostile banner cannot drive a terminal. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7F) {
                sb.append(c);
            } else {
                sb.append(String.format("\\x%02x", (int) c & 0xFF));
            }
        }
        return sb.toString();
    }

    /** The guess, the cleaned first line, and a short human explanation. */
    public record Verdict(SshGuess guess, String banner, String detail) {
    }
}

package org.fleetflash.docs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the command-line examples of a Markdown guide and says whether a command's output is what the guide shows.
 *
 * <p>The convention (written for readers in docs/user-guide.md's source, and in {@code UserGuideCommandsIT}):
 * <ul>
 * <li>A fenced block whose info string starts with {@code console} holds commands to run, in the order of the guide. A
 * line that starts with {@code $ } is a command; a command whose line ends with {@code \} goes on over the next line.
 * The lines after a command, up to the next one, are what it prints (stdout and stderr together).</li>
 * <li>{@code console not-run} blocks are shown, never run (the window). {@code console keeps-running} blocks hold one
 * command that runs until Ctrl+C (the demo fleet): it is started, its output awaited, and it is stopped after the last
 * block.</li>
 * <li>Every line shown must be printed, in any order (a scan prints routers as they answer). {@code ...} on a line of its
 * own stands for lines not shown; a command without it must print exactly the lines shown (blank lines aside). A
 * command with no lines after it is only checked to succeed.</li>
 * <li>A command must exit with status 0, unless the next command is {@code echo $?}: the line after that is the status
 * it must have.</li>
 * <li>Before comparing, both sides are {@linkplain #normalise normalised}: white space, and what differs at every run
 * (times, attempt and batch ids, durations, throughputs, SHA-256 digests and fingerprints).</li>
 * </ul>
 * Other fenced blocks are not commands; {@link #unmarkedCommands} finds those that look like one, so that no example
 * escapes the test unnoticed.
 */
final class GuideExamples {

    /** The command that shows the previous command's exit status. */
    static final String EXIT_STATUS = "echo $?";
    /** The line that stands for lines not shown. */
    static final String SKIPPED = "...";

    /** A fenced block: its first line's number (1-based), its info string's words and its lines. */
    record Fence(int line, List<String> info, List<String> lines) {
        boolean console() {
            return !info.isEmpty() && info.get(0).equals("console");
        }

        boolean has(String word) {
            return info.contains(word);
        }
    }

    /** A command of a console block, its line in the guide, whether it runs until stopped, and what it prints. */
    record Command(int line, String text, boolean keepsRunning, List<String> expected) {
        /** Whether the guide shows lines not shown ({@code ...}). */
        boolean showsPart() {
            return expected.contains(SKIPPED);
        }

        /** The lines that must be printed, without {@code ...} and blank lines. */
        List<String> required() {
            return expected.stream().filter(l -> !l.equals(SKIPPED) && !l.isBlank()).toList();
        }

        boolean isExitStatus() {
            return text.equals(EXIT_STATUS);
        }

        @Override
        public String toString() {
            return "line " + line + ": $ " + text;
        }
    }

    private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})\\s*(.*)$");

    private GuideExamples() {
    }

    /** Every fenced block of a Markdown text, in order. */
    static List<Fence> fences(List<String> markdown) {
        List<Fence> fences = new ArrayList<>();
        for (int i = 0; i < markdown.size(); i++) {
            Matcher open = FENCE.matcher(markdown.get(i));
            if (!open.matches()) {
                continue;
            }
            String marker = open.group(1);
            List<String> info = open.group(2).isBlank() ? List.of() : Arrays.asList(open.group(2).trim().split("\\s+"));
            List<String> lines = new ArrayList<>();
            int j = i + 1;
            while (j < markdown.size() && !isClosing(markdown.get(j), marker)) {
                lines.add(markdown.get(j));
                j++;
            }
            fences.add(new Fence(i + 1, List.copyOf(info), List.copyOf(lines)));
            i = j;
        }
        return fences;
    }

    private static boolean isClosing(String line, String opening) {
        String t = line.strip();
        return t.length() >= opening.length() && t.chars().allMatch(c -> c == opening.charAt(0));
    }

    /** The commands to run: those of the {@code console} blocks that are not {@code not-run}, in order. */
    static List<Command> commands(List<Fence> fences) {
        List<Command> commands = new ArrayList<>();
        for (Fence f : fences) {
            if (!f.console()) {
                continue;
            }
            for (String word : f.info().subList(1, f.info().size())) {
                if (!FLAGS.contains(word)) {
                    throw new IllegalArgumentException("The console block at line " + f.line() + " has '" + word
                            + "' in its info string; the test knows only " + FLAGS);
                }
            }
            if (f.has("not-run")) {
                continue;
            }
            List<Command> ofBlock = commands(f);
            if (f.has("keeps-running") && ofBlock.size() != 1) {
                throw new IllegalArgumentException("The keeps-running block at line " + f.line() + " must hold exactly one command");
            }
            commands.addAll(ofBlock);
        }
        return commands;
    }

    private static List<Command> commands(Fence f) {
        List<Command> commands = new ArrayList<>();
        List<String> lines = f.lines();
        int i = 0;
        while (i < lines.size() && lines.get(i).isBlank()) {
            i++;
        }
        if (i < lines.size() && !lines.get(i).startsWith("$ ")) {
            throw new IllegalArgumentException("The console block at line " + f.line() + " must start with a command ('$ ...'), not: "
                    + lines.get(i));
        }
        while (i < lines.size()) {
            int at = f.line() + 1 + i;
            StringBuilder text = new StringBuilder(lines.get(i).substring(2));
            while (text.toString().endsWith("\\") && i + 1 < lines.size()) {
                i++;
                text.append('\n').append(lines.get(i));
            }
            i++;
            List<String> expected = new ArrayList<>();
            while (i < lines.size() && !lines.get(i).startsWith("$ ")) {
                expected.add(lines.get(i));
                i++;
            }
            commands.add(new Command(at, text.toString().strip(), f.has("keeps-running"), List.copyOf(expected)));
        }
        return commands;
    }

    /** Fenced blocks that are not {@code console} blocks but whose first line looks like a command someone would type. */
    static List<Fence> unmarkedCommands(List<Fence> fences) {
        Pattern typed = Pattern.compile("^\\s*(\\$ |java -jar |fleetflash |\\./run-demo\\.sh|echo |mvn )");
        return fences.stream().filter(f -> !f.console())
                .filter(f -> f.lines().stream().filter(l -> !l.isBlank()).findFirst().map(l -> typed.matcher(l).find()).orElse(false))
                .toList();
    }

    /** What differs at every run, and the word it is replaced with on both sides; applied in this order. */
    private static final Map<Pattern, String> VARYING = new java.util.LinkedHashMap<>();

    static {
        // attempt and batch ids: the start time and 16 random hex digits
        VARYING.put(Pattern.compile("\\b\\d{8}-\\d{6}-[0-9a-f]{16}\\b"), "<id>");
        // times: 2026-12-01 16:01:00, 2026-12-01T16:01:00.004Z, with or without seconds, fraction and zone
        VARYING.put(Pattern.compile("\\b\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?"), "<time>");
        // SHA-256 digests in hex, and SSH key fingerprints
        VARYING.put(Pattern.compile("\\b[0-9a-f]{64}\\b"), "<sha256>");
        VARYING.put(Pattern.compile("SHA256:[A-Za-z0-9+/]{43}"), "<fingerprint>");
        // throughputs: 116.8 MiB/s, 900 B/s
        VARYING.put(Pattern.compile("\\b\\d+(\\.\\d+)? ?(B|KiB|MiB|GiB|KB|MB|GB)/s\\b"), "<rate>");
        // durations: 2m02s, 1h03m05s, 2 min 38 s, 1 h 5 min, 0.348 s, 350 ms
        VARYING.put(Pattern.compile("\\b(\\d+h)?\\d+m\\d{2}s\\b|\\b(\\d+ h )?\\d+ min( \\d+ s)?\\b|\\b\\d+ h\\b|\\b\\d+(\\.\\d+)? ?(ms|s)\\b"),
                "<duration>");
    }

    /**
     * The line as compared: runs of white space made one space, without leading or trailing space, and what differs
     * at every run replaced by a word in angle brackets (see {@link #VARYING}).
     */
    static String normalise(String line) {
        String s = line.strip().replaceAll("\\s+", " ");
        for (Map.Entry<Pattern, String> e : VARYING.entrySet()) {
            s = e.getKey().matcher(s).replaceAll(e.getValue());
        }
        return s;
    }

    /**
     * What is wrong with {@code printed} as the output of {@code command}: the lines it shows but that were not printed,
     * and, when it shows no {@code ...}, the lines printed but not shown. Empty when the output is as shown.
     */
    static List<String> differences(Command command, List<String> printed) {
        Map<String, Integer> left = new HashMap<>();
        printed.stream().filter(l -> !l.isBlank()).map(GuideExamples::normalise).forEach(l -> left.merge(l, 1, Integer::sum));
        List<String> problems = new ArrayList<>();
        for (String want : command.required()) {
            String n = normalise(want);
            Integer count = left.get(n);
            if (count == null) {
                problems.add("not printed: " + want);
            } else if (count == 1) {
                left.remove(n);
            } else {
                left.put(n, count - 1);
            }
        }
        if (!command.showsPart() && !command.required().isEmpty()) {
            left.forEach((line, count) -> problems.add("printed but not shown (add it, or '...'): " + line
                    + (count > 1 ? " (" + count + " times)" : "")));
        }
        return problems;
    }

    /** Whether every line the command shows has been printed (for a command that keeps running: it is ready). */
    static boolean allShown(Command command, List<String> printed) {
        return differences(new Command(command.line(), command.text(), command.keepsRunning(), withSkip(command.expected())), printed)
                .isEmpty();
    }

    private static List<String> withSkip(List<String> expected) {
        List<String> l = new ArrayList<>(expected);
        l.add(SKIPPED);
        return l;
    }

    /** The words of info strings this convention knows, besides {@code console}. */
    static final Set<String> FLAGS = Set.of("not-run", "keeps-running");
}

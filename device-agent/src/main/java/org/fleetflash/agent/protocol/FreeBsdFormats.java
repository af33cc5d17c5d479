package org.fleetflash.agent.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Readers for the output formats of FreeBSD tools that the agent passes through as raw lines
 * ({@code kern.geom.conftxt}, {@code geom map list}, {@code kern.geom.confxml}, {@code kenv -h},
 * {@code sysctl}, {@code mdconfig -l}). Each reads by key, never by position or line order.
 */
public final class FreeBsdFormats {

    private static final String MAP_PREFIX = "map/";
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private FreeBsdFormats() {
    }

    // ---------------------------------------------------------------- kern.geom.conftxt

    /** A {@code DISK} line of {@code kern.geom.conftxt}: a whole flash chip or disk. */
    public record DiskLine(String name, long mediasize, int sectorsize) {
    }

    /**
     * A {@code MAP} line of {@code kern.geom.conftxt}: one GEOM_MAP partition. {@code name} is without
     * {@code map/}; {@code offset} is where its data starts on the parent; {@code index} is the hint number.
     */
    public record MapLine(String name, long mediasize, int sectorsize, int index, long offset, long entry,
            long dsize) {
    }

    /** What {@code kern.geom.conftxt} says; {@code warnings} name lines that were skipped. */
    public record Conftxt(List<DiskLine> disks, List<MapLine> maps, List<String> warnings) {
        public Conftxt {
            disks = List.copyOf(disks);
            maps = List.copyOf(maps);
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * Reads {@code sysctl -n kern.geom.conftxt}: {@code level CLASS provider mediasize sectorsize [key value]...}.
     * DISK and MAP lines are read (any order); lines of other classes (UNCOMPRESS, MD, ...) are ignored.
     *
     * @throws OutputFormatException when a DISK or MAP line has a missing or non-numeric field
     */
    public static Conftxt parseConftxt(List<String> lines) throws OutputFormatException {
        final String src = "kern.geom.conftxt";
        List<DiskLine> disks = new ArrayList<>();
        List<MapLine> maps = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        int number = 0;
        for (String line : lines) {
            number++;
            String trimmed = line.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            String[] t = WHITESPACE.split(trimmed);
            if (t.length < 5 || !t[0].matches("[0-9]{1,4}")) {
                warnings.add(src + " line " + number + " is not a provider line; ignored");
                continue;
            }
            switch (t[1]) {
                case "DISK" -> disks.add(new DiskLine(t[2], number(src, number, "mediasize", t[3]),
                        intNumber(src, number, "sectorsize", t[4])));
                case "MAP" -> {
                    if (!t[2].startsWith(MAP_PREFIX) || t[2].length() == MAP_PREFIX.length()) {
                        throw new OutputFormatException(src, number, "MAP provider '" + t[2]
                                + "' does not start with map/");
                    }
                    Map<String, String> conf = pairs(src, number, t, 5);
                    long mediasize = number(src, number, "mediasize", t[3]);
                    maps.add(new MapLine(t[2].substring(MAP_PREFIX.length()), mediasize,
                            intNumber(src, number, "sectorsize", t[4]),
                            intNumber(src, number, "i", require(src, number, conf, "i")),
                            number(src, number, "o", require(src, number, conf, "o")),
                            conf.containsKey("entry") ? number(src, number, "entry", conf.get("entry")) : 0,
                            conf.containsKey("dsize") ? number(src, number, "dsize", conf.get("dsize")) : mediasize));
                }
                default -> {
                    // UNCOMPRESS, MD, PART ...: not ours.
                }
            }
        }
        return new Conftxt(disks, maps, warnings);
    }

    private static Map<String, String> pairs(String src, int number, String[] t, int from)
            throws OutputFormatException {
        if ((t.length - from) % 2 != 0) {
            throw new OutputFormatException(src, number, "odd number of key/value fields");
        }
        Map<String, String> conf = new LinkedHashMap<>();
        for (int i = from; i < t.length; i += 2) {
            if (conf.put(t[i], t[i + 1]) != null) {
                throw new OutputFormatException(src, number, "key '" + t[i] + "' given twice");
            }
        }
        return conf;
    }

    private static String require(String src, int number, Map<String, String> conf, String key)
            throws OutputFormatException {
        String v = conf.get(key);
        if (v == null) {
            throw new OutputFormatException(src, number, "missing '" + key + "'");
        }
        return v;
    }

    // ---------------------------------------------------------------- geom map list

    /**
     * One provider (or consumer) of {@code geom map list}. {@code config} holds the class's config
     * lines by key (printed in reverse order by geom(8)); stripe values are empty when not printed.
     */
    public record GeomProvider(String geom, String name, long mediasize, int sectorsize, OptionalLong stripesize,
            OptionalLong stripeoffset, String mode, Map<String, String> config) {
        public GeomProvider {
            config = Collections.unmodifiableMap(new LinkedHashMap<>(config));
        }

        /** The partition name without {@code map/}. */
        public String shortName() {
            return name.startsWith(MAP_PREFIX) ? name.substring(MAP_PREFIX.length()) : name;
        }
    }

    /** What {@code geom map list} says: providers and consumers of every geom. */
    public record GeomList(List<GeomProvider> providers, List<GeomProvider> consumers, List<String> warnings) {
        public GeomList {
            providers = List.copyOf(providers);
            consumers = List.copyOf(consumers);
            warnings = List.copyOf(warnings);
        }

        /** The names of the geoms ({@code Geom name:}), in order. */
        public List<String> geomNames() {
            List<String> names = new ArrayList<>();
            for (GeomProvider p : providers) {
                if (!names.contains(p.geom())) {
                    names.add(p.geom());
                }
            }
            for (GeomProvider p : consumers) {
                if (!names.contains(p.geom())) {
                    names.add(p.geom());
                }
            }
            return names;
        }
    }

    private static final Pattern GEOM_NAME = Pattern.compile("Geom name: (.+)");
    private static final Pattern ENTRY = Pattern.compile("[0-9]+\\. Name: (.+)");
    private static final Pattern ATTRIBUTE = Pattern.compile("([A-Za-z][A-Za-z0-9_.-]*): ?(.*)");

    private enum Section { GEOM, PROVIDERS, CONSUMERS }

    /** Builds one provider from its lines. */
    private static final class ProviderDraft {
        final String geom;
        final String name;
        final int line;
        final Map<String, String> attributes = new LinkedHashMap<>();

        ProviderDraft(String geom, String name, int line) {
            this.geom = geom;
            this.name = name;
            this.line = line;
        }

        GeomProvider build(String src) throws OutputFormatException {
            Map<String, String> config = new LinkedHashMap<>(attributes);
            String media = take(src, config, "Mediasize");
            String sector = take(src, config, "Sectorsize");
            String stripe = config.remove("Stripesize");
            String stripeOffset = config.remove("Stripeoffset");
            String mode = config.remove("Mode");
            String mediaNumber = WHITESPACE.split(media.strip(), 2)[0];
            return new GeomProvider(geom, name, number(src, line, name + " Mediasize", mediaNumber),
                    intNumber(src, line, name + " Sectorsize", sector.strip()),
                    stripe == null ? OptionalLong.empty()
                            : OptionalLong.of(number(src, line, name + " Stripesize", stripe.strip())),
                    stripeOffset == null ? OptionalLong.empty()
                            : OptionalLong.of(number(src, line, name + " Stripeoffset", stripeOffset.strip())),
                    mode == null ? "" : mode.strip(), config);
        }

        private String take(String src, Map<String, String> config, String key) throws OutputFormatException {
            String v = config.remove(key);
            if (v == null) {
                throw new OutputFormatException(src, line, "'" + name + "' has no " + key);
            }
            return v;
        }
    }

    /**
     * Reads {@code geom map list}: per geom a {@code Geom name:} line, then {@code Providers:} and
     * {@code Consumers:} sections of {@code N. Name: X} entries with {@code key: value} lines.
     * Lines it does not know are skipped with a warning.
     *
     * @throws OutputFormatException when an entry lacks Mediasize/Sectorsize, or a number is not one
     */
    public static GeomList parseGeomList(List<String> lines) throws OutputFormatException {
        final String src = "geom map list";
        List<GeomProvider> providers = new ArrayList<>();
        List<GeomProvider> consumers = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        String geom = null;
        Section section = Section.GEOM;
        ProviderDraft draft = null;
        int number = 0;
        for (String raw : lines) {
            number++;
            String line = raw.strip();
            Matcher m;
            if (line.isEmpty()) {
                flush(src, draft, section, providers, consumers);
                draft = null;
                geom = null;
                section = Section.GEOM;
            } else if ((m = GEOM_NAME.matcher(line)).matches()) {
                flush(src, draft, section, providers, consumers);
                draft = null;
                geom = m.group(1).strip();
                section = Section.GEOM;
            } else if (line.equals("Providers:") || line.equals("Consumers:")) {
                flush(src, draft, section, providers, consumers);
                draft = null;
                section = line.equals("Providers:") ? Section.PROVIDERS : Section.CONSUMERS;
                if (geom == null) {
                    warnings.add(src + " line " + number + ": " + line + " before any 'Geom name:'");
                }
            } else if ((m = ENTRY.matcher(line)).matches() && section != Section.GEOM) {
                flush(src, draft, section, providers, consumers);
                draft = new ProviderDraft(geom == null ? "" : geom, m.group(1).strip(), number);
            } else if ((m = ATTRIBUTE.matcher(line)).matches()) {
                if (draft != null) {
                    if (draft.attributes.put(m.group(1), m.group(2)) != null) {
                        throw new OutputFormatException(src, number,
                                "'" + draft.name + "' has '" + m.group(1) + "' twice");
                    }
                } else if (geom == null) {
                    warnings.add(src + " line " + number + " outside any geom; ignored");
                }
                // otherwise: a geom-level config line; not needed.
            } else {
                warnings.add(src + " line " + number + " not understood; ignored");
            }
        }
        flush(src, draft, section, providers, consumers);
        return new GeomList(providers, consumers, warnings);
    }

    private static void flush(String src, ProviderDraft draft, Section section, List<GeomProvider> providers,
            List<GeomProvider> consumers) throws OutputFormatException {
        if (draft == null) {
            return;
        }
        (section == Section.CONSUMERS ? consumers : providers).add(draft.build(src));
    }

    // ---------------------------------------------------------------- kern.geom.confxml

    private static final Pattern XML_NAME = Pattern.compile("<name>(.*)</name>");
    private static final Pattern XML_STRIPESIZE = Pattern.compile("<stripesize>(.*)</stripesize>");

    /**
     * Reads the {@code <name>} and {@code <stripesize>} lines of {@code kern.geom.confxml} (other lines
     * are ignored, so whole XML works too) into stripesize per provider name: a provider's
     * {@code <stripesize>} follows its {@code <name>}.
     *
     * @throws OutputFormatException when a stripesize is not a number or has no name before it
     */
    public static Map<String, Long> parseConfxmlStripesizes(List<String> lines) throws OutputFormatException {
        final String src = "kern.geom.confxml";
        Map<String, Long> result = new LinkedHashMap<>();
        String lastName = null;
        int number = 0;
        for (String raw : lines) {
            number++;
            String line = raw.strip();
            Matcher m;
            if ((m = XML_NAME.matcher(line)).matches()) {
                lastName = unescapeXml(m.group(1));
            } else if ((m = XML_STRIPESIZE.matcher(line)).matches()) {
                if (lastName == null) {
                    throw new OutputFormatException(src, number, "<stripesize> without a <name> before it");
                }
                long value = number(src, number, "stripesize", m.group(1).strip());
                Long before = result.put(lastName, value);
                if (before != null && before != value) {
                    throw new OutputFormatException(src, number, "two stripesizes for '" + lastName + "'");
                }
                lastName = null;
            }
        }
        return Collections.unmodifiableMap(result);
    }

    private static final Pattern XML_ENTITY = Pattern.compile("&(#x[0-9A-Fa-f]{1,2}|#[0-9]{1,3}|amp|lt|gt|quot|apos);");

    /** Undoes the kernel's escaping of names: {@code &#xHH;} per byte (UTF-8) and the five named entities. */
    static String unescapeXml(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Matcher m = XML_ENTITY.matcher(s);
        int at = 0;
        while (m.find()) {
            bytes.writeBytes(s.substring(at, m.start()).getBytes(StandardCharsets.UTF_8));
            String e = m.group(1);
            int value = switch (e) {
                case "amp" -> '&';
                case "lt" -> '<';
                case "gt" -> '>';
                case "quot" -> '"';
                case "apos" -> '\'';
                default -> e.startsWith("#x") ? Integer.parseInt(e.substring(2), 16) : Integer.parseInt(e.substring(1));
            };
            bytes.write(value & 0xFF);
            at = m.end();
        }
        bytes.writeBytes(s.substring(at).getBytes(StandardCharsets.UTF_8));
        return AgentLineParser.sanitize(bytes.toString(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- kenv -h

    private static final Pattern KENV = Pattern.compile("([A-Za-z0-9_.\\-]+)=(.*)");
    private static final Pattern MAP_HINT = Pattern.compile("hint\\.map\\.([0-9]{1,4})\\.([A-Za-z0-9_]+)");

    /**
     * Reads {@code kenv} lines ({@code name="value"}; the quotes are optional) into a map; lines that
     * are not {@code name=value} are ignored. A later line for the same name wins, as in the kernel.
     */
    public static Map<String, String> parseKenv(List<String> lines) {
        Map<String, String> result = new LinkedHashMap<>();
        for (String raw : lines) {
            Matcher m = KENV.matcher(raw.strip());
            if (m.matches()) {
                result.put(m.group(1), unquote(m.group(2)));
            }
        }
        return result;
    }

    /** The {@code hint.map.N.*} values of {@code kenv -h} grouped by N, e.g. {@code 2 -> {name=kernel, readonly=1}}. */
    public static Map<Integer, Map<String, String>> parseMapHints(List<String> lines) {
        Map<Integer, Map<String, String>> result = new TreeMap<>();
        for (Map.Entry<String, String> e : parseKenv(lines).entrySet()) {
            Matcher m = MAP_HINT.matcher(e.getKey());
            if (m.matches()) {
                result.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new LinkedHashMap<>())
                        .put(m.group(2), e.getValue());
            }
        }
        return result;
    }

    /**
     * Reads an integer hint as the kernel's {@code resource_int_value} does ({@code strtoul} base 0:
     * decimal, {@code 0x} hex, leading {@code 0} octal). Empty when it is not such a number.
     */
    public static OptionalLong hintNumber(String value) {
        String v = value.strip();
        try {
            if (v.matches("0[xX][0-9a-fA-F]{1,15}")) {
                return OptionalLong.of(Long.parseLong(v.substring(2), 16));
            }
            if (v.matches("0[0-7]{1,20}")) {
                return OptionalLong.of(Long.parseLong(v.substring(1), 8));
            }
            if (v.matches("0|[1-9][0-9]{0,17}")) {
                return OptionalLong.of(Long.parseLong(v));
            }
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    // ---------------------------------------------------------------- sysctl

    private static final Pattern SYSCTL = Pattern.compile("([A-Za-z0-9_.%\\-]+): ?(.*)");

    /**
     * Reads {@code sysctl name...} output ({@code name: value} per line). A line that is not
     * {@code name: value} continues the previous value (multi-line values such as
     * {@code kern.geom.conftxt}), joined with {@code \n}.
     *
     * @throws OutputFormatException when the first line is not {@code name: value}
     */
    public static Map<String, String> parseSysctl(List<String> lines) throws OutputFormatException {
        Map<String, String> result = new LinkedHashMap<>();
        String last = null;
        int number = 0;
        for (String line : lines) {
            number++;
            Matcher m = SYSCTL.matcher(line);
            if (m.matches()) {
                last = m.group(1);
                result.put(last, m.group(2));
            } else if (last != null) {
                result.put(last, result.get(last) + "\n" + line);
            } else if (!line.isBlank()) {
                throw new OutputFormatException("sysctl", number, "expected 'name: value'");
            }
        }
        return result;
    }

    /**
     * Reads {@code sysctl -n name...} output: one value per line, in the order of {@code names}.
     *
     * @throws OutputFormatException when there are not exactly as many lines as names
     */
    public static Map<String, String> parseSysctlValues(List<String> names, List<String> lines)
            throws OutputFormatException {
        if (names.size() != lines.size()) {
            throw new OutputFormatException("sysctl -n", 0, "asked for " + names.size() + " values, got "
                    + lines.size() + " lines (a name unknown to the kernel prints nothing)");
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            result.put(names.get(i), lines.get(i));
        }
        return result;
    }

    // ---------------------------------------------------------------- mdconfig -l

    private static final Pattern MD_UNIT = Pattern.compile("md[0-9]{1,5}");

    /**
     * Reads {@code mdconfig -l} ({@code md0 md1}, space separated; empty when none).
     *
     * @throws OutputFormatException when a word is not {@code mdN}
     */
    public static List<String> parseMdUnits(String line) throws OutputFormatException {
        String trimmed = line.strip();
        if (trimmed.isEmpty()) {
            return List.of();
        }
        List<String> units = new ArrayList<>();
        for (String word : WHITESPACE.split(trimmed)) {
            if (!MD_UNIT.matcher(word).matches()) {
                throw new OutputFormatException("mdconfig -l", 1, "'" + word + "' is not a memory disk name");
            }
            if (!units.contains(word)) {
                units.add(word);
            }
        }
        return List.copyOf(units);
    }

    // ---------------------------------------------------------------- numbers

    /** A non-negative decimal number as FreeBSD prints it ({@code %ju}, {@code %jd}, {@code %u}). */
    static long number(String src, int line, String what, String text) throws OutputFormatException {
        return parseNumber(text).orElseThrow(() -> new OutputFormatException(src, line,
                what + " '" + shorten(text) + "' is not a non-negative whole number"));
    }

    static int intNumber(String src, int line, String what, String text) throws OutputFormatException {
        long v = number(src, line, what, text);
        if (v > Integer.MAX_VALUE) {
            throw new OutputFormatException(src, line, what + " " + v + " is too large");
        }
        return (int) v;
    }

    /** Parses a non-negative decimal long; empty if it is not one (or overflows). */
    public static Optional<Long> parseNumber(String text) {
        if (text == null || !text.matches("[0-9]{1,19}")) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(text));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}

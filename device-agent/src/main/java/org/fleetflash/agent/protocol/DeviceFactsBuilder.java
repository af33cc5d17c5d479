package org.fleetflash.agent.protocol;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.fleetflash.agent.protocol.FreeBsdFormats.Conftxt;
import org.fleetflash.agent.protocol.FreeBsdFormats.DiskLine;
import org.fleetflash.agent.protocol.FreeBsdFormats.GeomList;
import org.fleetflash.agent.protocol.FreeBsdFormats.GeomProvider;
import org.fleetflash.agent.protocol.FreeBsdFormats.MapLine;
import org.fleetflash.agent.protocol.ProbeFailedException.Problem;

/**
 * Collects the lines of one {@code probe} run (feed it as a {@link Consumer}, e.g. from
 * {@link AgentLineReader}) and turns them into {@link DeviceFacts}, or says precisely why it cannot.
 * Not thread-safe: one builder per probe, fed from one thread.
 */
public final class DeviceFactsBuilder implements Consumer<AgentLine> {

    /** FreeBSD's host names are at most 255 bytes (MAXHOSTNAMELEN 256 with its NUL); longer is not a host name. */
    static final int HOSTNAME_MAX = 255;

    /** The only protocol version this desktop speaks. */
    public static final int PROTOCOL_VERSION = 1;
    /** The sub-command this builder reads. */
    public static final String COMMAND = "probe";

    static final String SRC_CONFTXT = "conftxt";
    static final String SRC_GEOMMAP = "geommap";
    static final String SRC_CONFXML = "confxml";
    static final String SRC_HINTS = "hints";
    private static final Set<String> SOURCES = Set.of(SRC_CONFTXT, SRC_GEOMMAP, SRC_CONFXML, SRC_HINTS);

    /** Bounds what one probe may make the desktop keep. */
    static final int MAX_RAW_LINES_PER_SOURCE = 4096;
    static final int MAX_WARNINGS = 100;
    static final int LOG_TAIL = 10;

    private static final String RETRY = " Probe the router again; if it keeps happening, send the session log to the FleetFlash developers.";

    private boolean helloSeen;
    private AgentLine.Done done;
    private AgentLine.Error error;
    private ProbeFailedException protocolFailure;
    private final Map<String, String> facts = new LinkedHashMap<>();
    private final Map<String, List<String>> raw = new HashMap<>();
    private final Map<String, Boolean> tools = new LinkedHashMap<>();
    private final Map<String, String> toolPaths = new LinkedHashMap<>();
    private final Set<String> leds = new LinkedHashSet<>();
    private final Deque<String> logTail = new ArrayDeque<>();
    private final List<String> warnings = new ArrayList<>();
    private int droppedWarnings;

    /** Builds the facts of a whole probe transcript at once. */
    public static DeviceFacts from(List<? extends AgentLine> lines) throws ProbeFailedException {
        DeviceFactsBuilder builder = new DeviceFactsBuilder();
        lines.forEach(builder);
        return builder.build();
    }

    @Override
    public void accept(AgentLine line) {
        Objects.requireNonNull(line, "line");
        if (line.kind() != AgentLine.Kind.LOG && !inOrder(line)) {
            return;
        }
        // A switch expression, so that a new kind does not compile until this builder decides about it.
        Runnable handler = switch (line.kind()) {
            case HELLO -> () -> onHello((AgentLine.Hello) line);
            case FACT -> () -> onFact((AgentLine.Fact) line);
            case TOOL -> () -> onTool((AgentLine.Tool) line);
            case LED -> () -> leds.add(((AgentLine.Led) line).name());
            case RAW -> () -> onRaw((AgentLine.Raw) line);
            case PHASE, CHECK, PREPARED, FETCHED, STAGED, COMMITTED, CLAIMED, HOLDER, UNDONE, DIGEST -> () -> warn("Ignored an upgrade line in a probe: " + line);
            case DONE -> () -> onDone((AgentLine.Done) line);
            case ERROR -> () -> error = (AgentLine.Error) line;
            case LOG -> () -> onLog((AgentLine.Log) line);
        };
        handler.run();
    }

    /** Whether a machine line may come now; records the protocol failure when not. */
    private boolean inOrder(AgentLine line) {
        if (protocolFailure != null) {
            return false;
        }
        if (done != null || error != null) {
            protocolFailure = new ProbeFailedException(Problem.PROTOCOL, "The agent printed a machine line after it "
                    + (done != null ? "finished" : "failed") + " (" + line + "). Its output cannot be trusted." + RETRY);
            return false;
        }
        if (!helloSeen && line.kind() != AgentLine.Kind.HELLO) {
            protocolFailure = new ProbeFailedException(Problem.PROTOCOL, "The agent's first machine line was "
                    + line + " instead of hello. Upload the agent again and probe again.");
            return false;
        }
        return true;
    }

    private void onLog(AgentLine.Log log) {
        if (logTail.size() == LOG_TAIL) {
            logTail.removeFirst();
        }
        logTail.addLast(log.text());
        log.rejectedBecause().ifPresent(reason -> warn("Ignored an agent line (" + reason + "): " + shorten(log.text())));
    }

    private void onHello(AgentLine.Hello hello) {
        if (helloSeen) {
            protocolFailure = new ProbeFailedException(Problem.PROTOCOL,
                    "The agent said hello twice; two agents may be writing to one session." + RETRY);
        } else if (hello.agent() != PROTOCOL_VERSION) {
            protocolFailure = new ProbeFailedException(Problem.PROTOCOL, "The agent speaks protocol version "
                    + hello.agent() + ", this FleetFlash speaks " + PROTOCOL_VERSION
                    + ". Remove the old agent from the router's /tmp/fleetflash and let FleetFlash upload its own.");
        } else if (!COMMAND.equals(hello.cmd())) {
            protocolFailure = new ProbeFailedException(Problem.PROTOCOL, "The agent answered sub-command '"
                    + hello.cmd() + "' where FleetFlash asked for '" + COMMAND + "'." + RETRY);
        }
        helloSeen = true;
    }

    private void onFact(AgentLine.Fact fact) {
        String before = facts.putIfAbsent(fact.key(), fact.text());
        if (before != null && !before.equals(fact.text())) {
            protocolFailure = new ProbeFailedException(Problem.PROTOCOL, "The agent reported fact '" + fact.key()
                    + "' twice with different values ('" + shorten(before) + "' and '" + shorten(fact.text())
                    + "')." + RETRY);
        }
    }

    private void onTool(AgentLine.Tool tool) {
        Boolean before = tools.putIfAbsent(tool.name(), tool.present());
        if (before != null && before != tool.present()) {
            protocolFailure = new ProbeFailedException(Problem.PROTOCOL, "The agent reported tool '" + tool.name()
                    + "' both present and missing." + RETRY);
        }
        if (tool.present()) {
            tool.path().ifPresent(p -> toolPaths.putIfAbsent(tool.name(), p));
        }
    }

    private void onRaw(AgentLine.Raw line) {
        if (!SOURCES.contains(line.src())) {
            if (!raw.containsKey(line.src())) {
                warn("Ignored raw output of unknown source '" + line.src() + "'.");
            }
            raw.computeIfAbsent(line.src(), k -> new ArrayList<>());
            return;
        }
        List<String> lines = raw.computeIfAbsent(line.src(), k -> new ArrayList<>());
        if (lines.size() >= MAX_RAW_LINES_PER_SOURCE) {
            protocolFailure = new ProbeFailedException(Problem.BAD_VALUE, "The agent sent more than "
                    + MAX_RAW_LINES_PER_SOURCE + " lines of '" + line.src() + "'; a router's flash has far fewer."
                    + RETRY);
            return;
        }
        lines.add(line.text());
    }

    private void onDone(AgentLine.Done line) {
        if (!COMMAND.equals(line.cmd())) {
            protocolFailure = new ProbeFailedException(Problem.PROTOCOL, "The agent finished sub-command '"
                    + line.cmd() + "' instead of '" + COMMAND + "'." + RETRY);
        }
        done = line;
    }

    private void warn(String warning) {
        if (warnings.size() < MAX_WARNINGS) {
            warnings.add(warning);
        } else {
            droppedWarnings++;
        }
    }

    /**
     * Turns what was fed into facts.
     *
     * @throws ProbeFailedException when the agent failed or died, or a fact needed for the upgrade is
     *                              missing or unreadable; the message says what and what to do
     */
    public DeviceFacts build() throws ProbeFailedException {
        // build() may be called again (e.g. after more lines): warnings it adds must not pile up.
        int warningsBefore = warnings.size();
        int droppedBefore = droppedWarnings;
        try {
            return buildFacts();
        } finally {
            warnings.subList(warningsBefore, warnings.size()).clear();
            droppedWarnings = droppedBefore;
        }
    }

    private DeviceFacts buildFacts() throws ProbeFailedException {
        if (error != null) {
            throw new ProbeFailedException(Problem.AGENT_ERROR, error.code(), "The agent stopped the probe: "
                    + error.code() + ": " + error.text() + ". Fix that on the router (or choose another router), then probe again.",
                    null);
        }
        if (protocolFailure != null) {
            throw protocolFailure;
        }
        if (!helloSeen) {
            throw new ProbeFailedException(Problem.AGENT_DIED, "The agent never started (no hello line). Check that "
                    + "/bin/sh works on the router and that the agent upload succeeded." + lastLogs());
        }
        if (done == null) {
            throw new ProbeFailedException(Problem.AGENT_DIED, "The agent ended without 'done': it died or the "
                    + "connection broke during the probe. Probe again." + lastLogs());
        }
        long pageSize = requiredNumber("mem.pagesize");
        if (pageSize == 0) {
            throw new ProbeFailedException(Problem.BAD_VALUE, "The router reported a page size of 0 (mem.pagesize)." + RETRY);
        }
        long freePages = requiredNumber("mem.freepages");
        long freeMemory;
        try {
            freeMemory = Math.multiplyExact(freePages, pageSize);
        } catch (ArithmeticException e) {
            throw new ProbeFailedException(Problem.BAD_VALUE, "Free memory (" + freePages + " pages of " + pageSize
                    + " bytes) is too large to be true." + RETRY);
        }
        long physMemory = requiredNumber("mem.physmem");
        long userMemory = requiredNumber("mem.usermem");
        long relDate = requiredNumber("os.reldate");
        if (relDate > Integer.MAX_VALUE) {
            throw new ProbeFailedException(Problem.BAD_VALUE, "os.reldate " + relDate + " is not a FreeBSD version." + RETRY);
        }
        List<String> mdUnits = mdUnits();
        boolean tmpfs = choice("tmpfs", "yes", "no", false, "treating tmpfs as missing");
        boolean watchdogd = choice("watchdogd", "running", "stopped", true, "assuming watchdogd runs");

        Table table = partitionTable();
        return new DeviceFacts(text("os.release"), (int) relDate, text("arch"), text("machine_arch"),
                bounded("hostname", HOSTNAME_MAX), text("model"), physMemory, userMemory, pageSize, freeMemory,
                text("root.mountfrom"), tmpfs, watchdogd, mdUnits, tools, toolPaths, List.copyOf(leds),
                table.eraseBlock, table.flashDevice, table.flashSize, table.partitions, finalWarnings(),
                Optional.ofNullable(facts.get("firmware.version")).filter(v -> !v.isBlank()));
    }

    private List<String> finalWarnings() {
        List<String> all = new ArrayList<>(warnings);
        if (droppedWarnings > 0) {
            all.add(droppedWarnings + " more warnings not shown.");
        }
        return all;
    }

    private String lastLogs() {
        if (logTail.isEmpty()) {
            return " The agent printed no log lines.";
        }
        return " Its last log lines:\n" + String.join("\n", logTail);
    }

    private long requiredNumber(String key) throws ProbeFailedException {
        String value = facts.get(key);
        if (value == null) {
            throw new ProbeFailedException(Problem.MISSING_FACT, "The probe did not report '" + key
                    + "', which the upgrade needs. The agent may be an old version or the router's sysctl failed; "
                    + "upload the agent again and probe again.");
        }
        return FreeBsdFormats.parseNumber(value).orElseThrow(() -> new ProbeFailedException(Problem.BAD_VALUE,
                "The probe reported '" + key + "' as '" + shorten(value) + "', which is not a whole number." + RETRY));
    }

    /** A text fact cut to {@code max} code points (never inside a surrogate pair), with a warning when it was longer. */
    private String bounded(String key, int max) {
        String value = text(key);
        if (value.codePointCount(0, value.length()) <= max) {
            return value;
        }
        warn("The router's " + key + " is longer than " + max + " characters; it was cut there.");
        return value.substring(0, value.offsetByCodePoints(0, max));
    }

    private String text(String key) {
        String value = facts.get(key);
        if (value == null) {
            warn("The probe did not report '" + key + "'.");
            return "";
        }
        return value;
    }

    private boolean choice(String key, String yes, String no, boolean whenMissing, String assumption)
            throws ProbeFailedException {
        String value = facts.get(key);
        if (value == null) {
            warn("The probe did not report '" + key + "'; " + assumption + ".");
            return whenMissing;
        }
        if (value.equals(yes)) {
            return true;
        }
        if (value.equals(no)) {
            return false;
        }
        throw new ProbeFailedException(Problem.BAD_VALUE, "The probe reported '" + key + "' as '" + shorten(value)
                + "'; expected '" + yes + "' or '" + no + "'." + RETRY);
    }

    private List<String> mdUnits() throws ProbeFailedException {
        String value = facts.get("md.units");
        if (value == null) {
            warn("The probe did not report 'md.units' (memory disks in use).");
            return List.of();
        }
        try {
            return FreeBsdFormats.parseMdUnits(value);
        } catch (OutputFormatException e) {
            throw badOutput(e);
        }
    }

    private static ProbeFailedException badOutput(OutputFormatException e) {
        return new ProbeFailedException(Problem.BAD_VALUE, null, "FleetFlash cannot read the router's output: "
                + e.getMessage() + "." + RETRY, e);
    }

    private static ProbeFailedException table(String message) {
        return new ProbeFailedException(Problem.PARTITION_TABLE, message);
    }

    // ------------------------------------------------------------------ the partition table

    private record Table(String flashDevice, long flashSize, long eraseBlock, List<Partition> partitions) {
    }

    /** A partition before readonly and erase block are known. */
    private record Slice(String name, long offset, long size, int index) {
    }

    private Table partitionTable() throws ProbeFailedException {
        Conftxt conftxt;
        Optional<GeomList> geomList;
        Map<String, Long> confxml;
        try {
            conftxt = FreeBsdFormats.parseConftxt(raw.getOrDefault(SRC_CONFTXT, List.of()));
            geomList = raw.containsKey(SRC_GEOMMAP)
                    ? Optional.of(FreeBsdFormats.parseGeomList(raw.get(SRC_GEOMMAP))) : Optional.empty();
            confxml = FreeBsdFormats.parseConfxmlStripesizes(raw.getOrDefault(SRC_CONFXML, List.of()));
        } catch (OutputFormatException e) {
            throw badOutput(e);
        }
        Map<Integer, Map<String, String>> hints = FreeBsdFormats.parseMapHints(raw.getOrDefault(SRC_HINTS, List.of()));
        conftxt.warnings().forEach(this::warn);
        geomList.ifPresent(g -> g.warnings().forEach(this::warn));

        List<GeomProvider> mapProviders = geomList.map(GeomList::providers).orElse(List.of()).stream()
                .filter(p -> p.name().startsWith("map/")).toList();
        Map<String, Slice> slices = slices(conftxt, mapProviders);
        checkIndexes(slices);

        String flashDevice = flashDevice(conftxt, geomList, hints, slices);
        long flashSize = flashSize(flashDevice, conftxt, geomList);
        Map<String, Long> geomStripes = new HashMap<>();
        for (GeomProvider p : mapProviders) {
            p.stripesize().ifPresent(s -> {
                if (s > 0) {
                    geomStripes.put(p.shortName(), s);
                }
            });
        }
        Map<String, Long> xmlStripes = new HashMap<>();
        for (String name : slices.keySet()) {
            Long s = confxml.get("map/" + name);
            if (s != null && s > 0) {
                xmlStripes.put(name, s);
            }
        }
        long eraseBlock = eraseBlock(geomStripes, xmlStripes, confxml.get(flashDevice));

        List<Partition> partitions = new ArrayList<>();
        for (Slice s : slices.values()) {
            if (s.offset() + s.size() > flashSize || s.offset() + s.size() < 0) {
                throw table("Partition '" + s.name() + "' (offset " + s.offset() + ", size " + s.size()
                        + ") reaches past the end of " + flashDevice + " (" + flashSize + " bytes). The router's "
                        + "partition table is inconsistent; do not upgrade it online.");
            }
            long block = geomStripes.getOrDefault(s.name(), xmlStripes.getOrDefault(s.name(), eraseBlock));
            if (s.offset() % block != 0 || s.size() % block != 0) {
                warn("Partition '" + s.name() + "' (offset " + s.offset() + ", size " + s.size()
                        + ") is not aligned to the " + block + "-byte erase block; it cannot be written safely.");
            }
            partitions.add(new Partition(s.name(), s.offset(), s.size(), readonly(s, hints), s.index(), block,
                    hints.getOrDefault(s.index(), Map.of()).getOrDefault("start", "")));
        }
        partitions.sort(Comparator.comparingLong(Partition::offset).thenComparing(Partition::name));
        for (int i = 1; i < partitions.size(); i++) {
            Partition a = partitions.get(i - 1);
            Partition b = partitions.get(i);
            if (b.offset() < a.end()) {
                warn("Partitions '" + a.name() + "' and '" + b.name() + "' overlap.");
            }
        }
        hintsWithoutPartition(hints, slices);
        return new Table(flashDevice, flashSize, eraseBlock, partitions);
    }

    private Map<String, Slice> slices(Conftxt conftxt, List<GeomProvider> mapProviders) throws ProbeFailedException {
        Map<String, Slice> fromConftxt = new LinkedHashMap<>();
        for (MapLine m : conftxt.maps()) {
            if (fromConftxt.put(m.name(), new Slice(m.name(), m.offset(), m.mediasize(), m.index())) != null) {
                throw table("kern.geom.conftxt lists partition '" + m.name() + "' twice; FleetFlash cannot tell "
                        + "which one is meant. Do not upgrade this router online.");
            }
            if (m.dsize() != m.mediasize()) {
                warn("kern.geom.conftxt: partition '" + m.name() + "' has size " + m.mediasize() + " but dsize "
                        + m.dsize() + "; using the size.");
            }
        }
        Map<String, Slice> fromGeom = new LinkedHashMap<>();
        for (GeomProvider p : mapProviders) {
            String name = p.shortName();
            Slice slice;
            try {
                slice = new Slice(name, FreeBsdFormats.number("geom map list", 0, name + " offset",
                        configValue(p, "offset")), p.mediasize(),
                        FreeBsdFormats.intNumber("geom map list", 0, name + " index", configValue(p, "index")));
            } catch (OutputFormatException e) {
                throw badOutput(e);
            }
            if (fromGeom.put(name, slice) != null) {
                throw table("geom map list lists partition '" + name + "' twice; FleetFlash cannot tell which one "
                        + "is meant. Do not upgrade this router online.");
            }
        }
        if (fromConftxt.isEmpty() && fromGeom.isEmpty()) {
            throw table("The probe found no flash partition table: no MAP lines in kern.geom.conftxt"
                    + (raw.containsKey(SRC_GEOMMAP) ? " and no map providers in 'geom map list'" : "")
                    + ". FleetFlash upgrades only routers whose flash is split into GEOM_MAP partitions "
                    + "(/dev/map/*); check that this firmware has GEOM_MAP and hint.map.* hints.");
        }
        if (fromConftxt.isEmpty()) {
            return fromGeom;
        }
        for (Slice g : fromGeom.values()) {
            Slice c = fromConftxt.get(g.name());
            if (c == null) {
                warn("Partition '" + g.name() + "' is in 'geom map list' but not in kern.geom.conftxt; ignored.");
            } else if (!c.equals(g)) {
                throw table("kern.geom.conftxt and 'geom map list' disagree about partition '" + g.name()
                        + "' (" + describe(c) + " vs " + describe(g) + "). The probe is inconsistent; probe again, "
                        + "and do not upgrade if it persists.");
            }
        }
        if (!fromGeom.isEmpty()) {
            for (String name : fromConftxt.keySet()) {
                if (!fromGeom.containsKey(name)) {
                    warn("Partition '" + name + "' is in kern.geom.conftxt but not in 'geom map list'.");
                }
            }
        }
        return fromConftxt;
    }

    private static String configValue(GeomProvider p, String key) throws OutputFormatException {
        String v = p.config().get(key);
        if (v == null) {
            throw new OutputFormatException("geom map list", 0, "'" + p.name() + "' has no '" + key + "'");
        }
        return v.strip();
    }

    private static String describe(Slice s) {
        return "offset " + s.offset() + " size " + s.size() + " index " + s.index();
    }

    private static void checkIndexes(Map<String, Slice> slices) throws ProbeFailedException {
        Map<Integer, String> byIndex = new HashMap<>();
        for (Slice s : slices.values()) {
            String other = byIndex.put(s.index(), s.name());
            if (other != null) {
                throw table("Partitions '" + other + "' and '" + s.name() + "' have the same hint index "
                        + s.index() + "; FleetFlash cannot tell which readonly hint applies. Do not upgrade this "
                        + "router online.");
            }
        }
    }

    private String flashDevice(Conftxt conftxt, Optional<GeomList> geomList, Map<Integer, Map<String, String>> hints,
            Map<String, Slice> slices) throws ProbeFailedException {
        Set<String> fromHints = new TreeSet<>();
        for (Slice s : slices.values()) {
            Map<String, String> hint = hints.get(s.index());
            if (hint != null && hint.containsKey("at")) {
                fromHints.add(hint.get("at"));
            }
        }
        if (fromHints.size() > 1) {
            throw table("The partitions sit on more than one device (" + String.join(", ", fromHints)
                    + "); FleetFlash supports one flash chip per router.");
        }
        if (fromHints.size() == 1) {
            return fromHints.iterator().next();
        }
        List<String> geoms = geomList.map(GeomList::geomNames).orElse(List.of());
        if (geoms.size() == 1) {
            return geoms.get(0);
        }
        if (conftxt.disks().size() == 1) {
            return conftxt.disks().get(0).name();
        }
        throw table("FleetFlash cannot tell which disk holds the flash partitions ("
                + (conftxt.disks().isEmpty() ? "kern.geom.conftxt lists no DISK"
                        : "kern.geom.conftxt lists " + conftxt.disks().stream().map(DiskLine::name)
                                .collect(Collectors.joining(", ")))
                + ", and no hint.map.N.at names one). Remove extra disks (USB sticks) and probe again.");
    }

    private static long flashSize(String flashDevice, Conftxt conftxt, Optional<GeomList> geomList)
            throws ProbeFailedException {
        for (DiskLine d : conftxt.disks()) {
            if (d.name().equals(flashDevice)) {
                return d.mediasize();
            }
        }
        for (GeomProvider c : geomList.map(GeomList::consumers).orElse(List.of())) {
            if (c.name().equals(flashDevice)) {
                return c.mediasize();
            }
        }
        throw table("The flash device '" + flashDevice + "' named by the hints is neither a DISK in "
                + "kern.geom.conftxt nor a consumer in 'geom map list', so its size is unknown. Probe again.");
    }

    private long eraseBlock(Map<String, Long> geomStripes, Map<String, Long> xmlStripes, Long deviceStripe)
            throws ProbeFailedException {
        Set<Long> fromGeom = new TreeSet<>(geomStripes.values());
        Set<Long> fromXml = new TreeSet<>(xmlStripes.values());
        if (fromXml.isEmpty() && deviceStripe != null && deviceStripe > 0) {
            fromXml.add(deviceStripe);
        }
        if (fromGeom.size() > 1) {
            throw table("'geom map list' reports different erase blocks (Stripesize " + fromGeom
                    + ") for partitions of one flash. Do not upgrade this router online.");
        }
        if (fromXml.size() > 1) {
            throw table("kern.geom.confxml reports different erase blocks (stripesize " + fromXml
                    + ") for partitions of one flash. Do not upgrade this router online.");
        }
        OptionalLong geom = fromGeom.isEmpty() ? OptionalLong.empty() : OptionalLong.of(fromGeom.iterator().next());
        OptionalLong xml = fromXml.isEmpty() ? OptionalLong.empty() : OptionalLong.of(fromXml.iterator().next());
        if (geom.isPresent() && xml.isPresent() && geom.getAsLong() != xml.getAsLong()) {
            warn("'geom map list' says the erase block is " + geom.getAsLong() + " bytes but kern.geom.confxml says "
                    + xml.getAsLong() + "; using " + geom.getAsLong() + ".");
        }
        long block;
        if (geom.isPresent()) {
            block = geom.getAsLong();
        } else if (xml.isPresent()) {
            block = xml.getAsLong();
        } else {
            throw table("The flash erase block size is unknown: the probe carried no Stripesize from 'geom map "
                    + "list' and no <stripesize> from kern.geom.confxml for the partitions. FleetFlash writes whole "
                    + "erase blocks and does not guess: probe again; if it persists, this router cannot be upgraded "
                    + "online.");
        }
        if (Long.bitCount(block) != 1) {
            throw table("The flash erase block size " + block + " is not a power of two; the probe output is wrong."
                    + RETRY);
        }
        return block;
    }

    private boolean readonly(Slice s, Map<Integer, Map<String, String>> hints) {
        Map<String, String> hint = hints.get(s.index());
        if (hint == null) {
            return false;
        }
        String hintName = hint.get("name");
        if (hintName != null && !hintName.equals(s.name())) {
            warn("hint.map." + s.index() + ".name is '" + hintName + "' but partition " + s.index() + " is '"
                    + s.name() + "' (hints changed since boot?); treating '" + s.name() + "' as readonly.");
            return true;
        }
        String value = hint.get("readonly");
        if (value == null) {
            return false;
        }
        OptionalLong n = FreeBsdFormats.hintNumber(value);
        if (n.isEmpty()) {
            warn("hint.map." + s.index() + ".readonly is '" + shorten(value) + "', not a number; treating '"
                    + s.name() + "' as readonly.");
            return true;
        }
        return n.getAsLong() != 0;
    }

    private void hintsWithoutPartition(Map<Integer, Map<String, String>> hints, Map<String, Slice> slices) {
        if (!raw.containsKey(SRC_HINTS)) {
            warn("The probe sent no hint.map.* lines; readonly flags are unknown, so every partition counts as "
                    + "writable until a write proves otherwise.");
            return;
        }
        Set<Integer> indexes = slices.values().stream().map(Slice::index).collect(Collectors.toSet());
        for (Map.Entry<Integer, Map<String, String>> e : hints.entrySet()) {
            if (!indexes.contains(e.getKey())) {
                warn("hint.map." + e.getKey() + " (" + e.getValue().getOrDefault("name", "no name")
                        + ") has no partition: the kernel did not create it (start/end not found?).");
            }
        }
    }

    private static String shorten(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}

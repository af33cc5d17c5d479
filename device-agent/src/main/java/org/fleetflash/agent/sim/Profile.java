package org.fleetflash.agent.sim;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;
import org.fleetflash.agent.image.UImageHeader;

/**
  * A router model loaded from a profile file (key=value lines, see docs/simulator.md): what the
  * simulated router reports, how its flash is cut into partitions, and which tools it lacks.
  */
public record Profile(
        String name,
        String model,
        String hostname,
        String osRelease,
        int osReldate,
        String osVersion,
        String hwModel,
        String hwMachine,
        String hwMachineArch,
        long physmem,
        long usermem,
        int pageSize,
        long freePages,
        String flashDevice,
        long flashSize,
        int eraseBlock,
        int sectorSize,
        long flashReadBps,
        long flashWriteBps,
        List<Partition> partitions,
        List<String> layout,
        String rootMountFrom,
        long rootUncompressedSize,
        boolean tmpfs,
        boolean watchdogd,
        List<String> leds,
        List<MemoryDisk> preallocatedMds,
        Set<String> toolsAbsent,
        String user,
        String password,
        Duration rebootDelay,
        Duration shutdownGrace,
        String firmwareVersion,
        long imageSize,
        long imageKernelSize,
        OptionalLong boardHwid,
        long flashBase,
        long kernelLoadAddress,
        long kernelEntryPoint) {

    /** Where a FreeBSD MIPS kernel for the Atheros AR71xx-AR934x is loaded, where a profile does not say ({@code boot.kernel_load}). */
    public static final long DEFAULT_KERNEL_LOAD = 0x80050000L;
    /** Its entry point, where a profile does not say ({@code boot.kernel_entry}). */
    public static final long DEFAULT_KERNEL_ENTRY = 0x80050100L;
    /** rc.shutdown's longest run where a profile does not say ({@code shutdown.grace}). */
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofMillis(1500);
    private static final String RESOURCE_DIR = "/org/fleetflash/agent/sim/profiles/";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /** One GEOM_MAP partition as the hints describe it: start and end may be searched for. */
    public record Partition(int index, String name, Bound start, Bound end, boolean readonly) {}

    /** A partition boundary from a hint: a fixed offset or a search over the flash. */
    public sealed interface Bound permits Fixed, Search {
        /** The hint value as FreeBSD's hints would spell it. */
        String hint();
    }

    /** A fixed flash offset. */
    public record Fixed(long offset) implements Bound {
        @Override
        public String hint() {
            return String.format(Locale.ROOT, "0x%08x", offset);
        }
    }

    /**
      * geom_map's {@code search:<start>:<step>:<key>}: the first offset from start, in steps, whose
      * bytes match key ({@code .} matches any byte).
      */
    public record Search(long start, long step, String key) implements Bound {
        @Override
        public String hint() {
            return String.format(Locale.ROOT, "search:0x%08x:0x%x:%s", start, step, key);
        }

        /** The concrete marker an image puts at the boundary: the key with every wildcard as '#'. */
        public byte[] marker() {
            return key.replace('.', '#').getBytes(StandardCharsets.ISO_8859_1);
        }

        /** Whether the bytes at {@code at} in {@code data} match the key. */
        public boolean matches(byte[] data, int at) {
            byte[] k = key.getBytes(StandardCharsets.ISO_8859_1);
            if (at < 0 || at + k.length > data.length) {
                return false;
            }
            for (int i = 0; i < k.length; i++) {
                if (k[i] != '.' && data[at + i] != k[i]) {
                    return false;
                }
            }
            return true;
        }
    }

    /** A memory disk that exists when the router has booted (NanoBSD-style /etc, /var). */
    public record MemoryDisk(int unit, String type, long size, String mountPoint) {}

    /** Loads a built-in profile by name ("tl-wdr3600") or a profile file by path. */
    public static Profile load(String nameOrPath) {
        if (nameOrPath == null || nameOrPath.isBlank()) {
            throw new ProfileException("No profile given: use one of " + builtInNames() + " or a path to a .profile file");
        }
        if (builtInNames().contains(nameOrPath)) {
            try (InputStream in = Profile.class.getResourceAsStream(RESOURCE_DIR + nameOrPath + ".profile")) {
                if (in == null) {
                    throw new ProfileException("Built-in profile '" + nameOrPath + "' is listed but missing from the jar");
                }
                return parse(nameOrPath, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Path file = Path.of(nameOrPath);
        if (!Files.isRegularFile(file)) {
            throw new ProfileException("Unknown profile '" + nameOrPath + "': use one of " + builtInNames()
                    + " or the path of an existing .profile file");
        }
        String base = file.getFileName().toString().replaceFirst("\\.profile$", "");
        try {
            return parse(base, Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ProfileException("Cannot read profile " + file + ": " + e.getMessage(), e);
        }
    }

    /** The names of the profiles shipped with the simulator. */
    public static List<String> builtInNames() {
        try (InputStream in = Profile.class.getResourceAsStream(RESOURCE_DIR + "profiles.list")) {
            if (in == null) {
                return List.of();
            }
            List<String> names = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (!line.isBlank() && !line.startsWith("#")) {
                        names.add(line.trim());
                    }
                }
            }
            return List.copyOf(names);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses profile text; {@code defaultName} is used unless the text has a {@code name=} line. */
    public static Profile parse(String defaultName, String text) {
        Map<String, String> kv = new LinkedHashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new ProfileException("Profile " + defaultName + " line " + (i + 1)
                        + ": expected key=value, got '" + line + "'");
            }
            String key = line.substring(0, eq).strip();
            if (kv.put(key, line.substring(eq + 1).strip()) != null) {
                throw new ProfileException("Profile " + defaultName + " line " + (i + 1) + ": duplicate key " + key);
            }
        }
        return new Reader(defaultName, kv).profile();
    }

    /** The same model with flash reads and writes unthrottled (fast tests). */
    public Profile unthrottled() {
        return withFlashSpeed(0, 0);
    }

    /** The same model with other flash speeds in bytes per second (0 = unthrottled). */
    public Profile withFlashSpeed(long readBps, long writeBps) {
        return new Profile(name, model, hostname, osRelease, osReldate, osVersion, hwModel, hwMachine,
                hwMachineArch, physmem, usermem, pageSize, freePages, flashDevice, flashSize, eraseBlock,
                sectorSize, readBps, writeBps, partitions, layout, rootMountFrom, rootUncompressedSize, tmpfs,
                watchdogd, leds, preallocatedMds, toolsAbsent, user, password, rebootDelay, shutdownGrace, firmwareVersion,
                imageSize, imageKernelSize, boardHwid, flashBase, kernelLoadAddress, kernelEntryPoint);
    }

    /** The same model without these tools too (a leaner firmware build). */
    public Profile withToolsAbsent(String... tools) {
        Set<String> absent = new java.util.TreeSet<>(toolsAbsent);
        absent.addAll(java.util.Arrays.asList(tools));
        return new Profile(name, model, hostname, osRelease, osReldate, osVersion, hwModel, hwMachine,
                hwMachineArch, physmem, usermem, pageSize, freePages, flashDevice, flashSize, eraseBlock,
                sectorSize, flashReadBps, flashWriteBps, partitions, layout, rootMountFrom, rootUncompressedSize, tmpfs,
                watchdogd, leds, preallocatedMds, Set.copyOf(absent), user, password, rebootDelay, shutdownGrace,
                firmwareVersion, imageSize, imageKernelSize, boardHwid, flashBase, kernelLoadAddress, kernelEntryPoint);
    }

    /** The partition with this name. */
    public Optional<Partition> partition(String partitionName) {
        return partitions.stream().filter(p -> p.name().equals(partitionName)).findFirst();
    }

    /** Offset of the first layout partition: where an image starts on the flash. */
    public long spanStart() {
        return ((Fixed) partition(layout.get(0)).orElseThrow().start()).offset();
    }

    /** End offset (exclusive) of the last layout partition. */
    public long spanEnd() {
        return ((Fixed) partition(layout.get(layout.size() - 1)).orElseThrow().end()).offset();
    }

    /** The search rule of the kernel/rootfs boundary, if the profile's hints search for it. */
    public Optional<Search> boundarySearch() {
        return partitions.stream()
                .flatMap(p -> java.util.stream.Stream.of(p.start(), p.end()))
                .filter(Search.class::isInstance).map(Search.class::cast).findFirst();
    }

    /** Collects and checks the fields of one profile. */
    private static final class Reader {
        private final String name;
        private final Map<String, String> kv;

        Reader(String defaultName, Map<String, String> kv) {
            this.kv = kv;
            this.name = kv.getOrDefault("name", defaultName);
            if (!NAME.matcher(name).matches()) {
                throw fail("name", "'" + name + "' is not a valid profile name (letters, digits, . _ -)");
            }
        }

        Profile profile() {
            long flashSize = number("flash.size");
            int erase = (int) number("flash.erase_block");
            if (erase <= 0 || Long.bitCount(erase) != 1 || flashSize % erase != 0) {
                throw fail("flash.erase_block", "must be a power of two that divides flash.size");
            }
            List<Partition> parts = partitions(flashSize, erase);
            List<String> layout = words("layout", true);
            for (String l : layout) {
                if (parts.stream().noneMatch(p -> p.name().equals(l))) {
                    throw fail("layout", "names partition '" + l + "' that no partition.N line defines");
                }
            }
            Partition first = parts.stream().filter(p -> p.name().equals(layout.get(0))).findFirst().orElseThrow();
            Partition last = parts.stream().filter(p -> p.name().equals(layout.get(layout.size() - 1))).findFirst().orElseThrow();
            if (!(first.start() instanceof Fixed) || !(last.end() instanceof Fixed)) {
                throw fail("layout", "the first layout partition must start and the last must end at a fixed offset");
            }
            long spanStart = ((Fixed) first.start()).offset();
            long spanEnd = ((Fixed) last.end()).offset();
            long imageSize = optionalNumber("image.size", (spanEnd - spanStart) * 15 / 16 / 512 * 512);
            if (imageSize <= SimImage.HEADER_SIZE || imageSize > spanEnd - spanStart) {
                throw fail("image.size", "must be larger than the image header and fit " + layout);
            }
            long kernelSize = optionalNumber("image.kernel_size", 0);
            Duration delay = duration("reboot.delay", Duration.ofSeconds(20));
            Duration grace = duration("shutdown.grace", DEFAULT_SHUTDOWN_GRACE);
            if (UImageHeader.archOfMachineArch(text("hw.machine_arch")).isEmpty()) {
                throw fail("hw.machine_arch", "'" + text("hw.machine_arch") + "' is not a FreeBSD machine architecture the "
                        + "simulated boot loader knows (mips, mipsel, mips64, armv7, aarch64, amd64, i386, powerpc, riscv64)");
            }
            return new Profile(name, text("model"), text("hostname"), text("os.release"),
                    (int) number("os.reldate"), text("os.version"), text("hw.model"), text("hw.machine"),
                    text("hw.machine_arch"), number("mem.physmem"), number("mem.usermem"),
                    (int) number("mem.pagesize"), number("mem.free_pages"), text("flash.device"), flashSize,
                    erase, (int) optionalNumber("flash.sector_size", 512), optionalNumber("flash.read_bps", 0),
                    optionalNumber("flash.write_bps", 0), parts, layout, text("root.mountfrom"),
                    optionalNumber("root.uncompressed_size", 16L << 20), bool("tmpfs"), bool("watchdogd"),
                    words("leds", false), mds(), Set.copyOf(words("tools.absent", false)), text("ssh.user"),
                    text("ssh.password"), delay, grace, text("firmware.version"), imageSize, kernelSize, hwid(),
                    optionalNumber("boot.flash_base", 0), address("boot.kernel_load", DEFAULT_KERNEL_LOAD),
                    address("boot.kernel_entry", DEFAULT_KERNEL_ENTRY));
        }

        private List<Partition> partitions(long flashSize, int erase) {
            List<Partition> parts = new ArrayList<>();
            for (Map.Entry<String, String> e : kv.entrySet()) {
                if (!e.getKey().startsWith("partition.")) {
                    continue;
                }
                String key = e.getKey();
                int index;
                try {
                    index = Integer.parseInt(key.substring("partition.".length()));
                } catch (NumberFormatException ex) {
                    throw fail(key, "the part after 'partition.' must be the hint index, a number");
                }
                String[] f = e.getValue().split("\\s+");
                if (f.length != 4 || !(f[3].equals("ro") || f[3].equals("rw")) || !WORD.matcher(f[0]).matches()) {
                    throw fail(key, "expected '<name> <start> <end> ro|rw', got '" + e.getValue() + "'");
                }
                parts.add(new Partition(index, f[0], bound(key, f[1], flashSize, erase),
                        bound(key, f[2], flashSize, erase), f[3].equals("ro")));
            }
            if (parts.isEmpty()) {
                throw fail("partition.N", "at least one partition line is required");
            }
            parts.sort(Comparator.comparingInt(Partition::index));
            return List.copyOf(parts);
        }

        private Bound bound(String key, String value, long flashSize, int erase) {
            if (value.startsWith("search:")) {
                String[] s = value.split(":", 4);
                if (s.length != 4 || s[3].isEmpty()) {
                    throw fail(key, "a search bound is search:<start>:<step>:<key>, got '" + value + "'");
                }
                long step = parseNumber(key, s[2]);
                if (step <= 0 || step % erase != 0) {
                    throw fail(key, "the search step must be a positive multiple of the erase block");
                }
                return new Search(parseNumber(key, s[1]), step, s[3]);
            }
            long off = parseNumber(key, value);
            if (off < 0 || off > flashSize || off % erase != 0) {
                throw fail(key, "offset " + value + " must be inside the flash and aligned to the erase block");
            }
            return new Fixed(off);
        }

        private long address(String key, long dflt) {
            long a = optionalNumber(key, dflt);
            if (a < 0 || a > 0xffffffffL) {
                throw fail(key, "must be a 32-bit address such as 0x80050000");
            }
            return a;
        }

        private OptionalLong hwid() {
            String v = kv.get("board.hwid");
            if (v == null || v.isEmpty()) {
                return OptionalLong.empty();
            }
            long id = parseNumber("board.hwid", v);
            if (id < 0 || id > 0xffffffffL) {
                throw fail("board.hwid", "must be a 32-bit TP-Link hardware id such as 0x36000001");
            }
            return OptionalLong.of(id);
        }

        private List<MemoryDisk> mds() {
            List<MemoryDisk> out = new ArrayList<>();
            for (String w : words("md.preallocated", false)) {
                String[] f = w.split(":", 4);
                if (f.length != 4 || !f[0].matches("md[0-9]+") || !(f[1].equals("malloc") || f[1].equals("swap"))) {
                    throw fail("md.preallocated", "expected mdN:malloc|swap:SIZE:/mountpoint, got '" + w + "'");
                }
                out.add(new MemoryDisk(Integer.parseInt(f[0].substring(2)), f[1], size("md.preallocated", f[2]), f[3]));
            }
            return List.copyOf(out);
        }

        private long size(String key, String v) {
            String lower = v.toLowerCase(Locale.ROOT);
            long mult = switch (lower.isEmpty() ? ' ' : lower.charAt(lower.length() - 1)) {
                case 'k' -> 1024L;
                case 'm' -> 1024L * 1024;
                case 'g' -> 1024L * 1024 * 1024;
                default -> 1L;
            };
            String digits = mult == 1 ? lower : lower.substring(0, lower.length() - 1);
            return parseNumber(key, digits) * mult;
        }

        private String text(String key) {
            String v = kv.get(key);
            if (v == null || v.isEmpty()) {
                throw fail(key, "is required");
            }
            return v;
        }

        private long number(String key) {
            return parseNumber(key, text(key));
        }

        private long optionalNumber(String key, long dflt) {
            String v = kv.get(key);
            return v == null || v.isEmpty() ? dflt : parseNumber(key, v);
        }

        private long parseNumber(String key, String v) {
            try {
                return v.startsWith("0x") || v.startsWith("0X") ? Long.parseLong(v.substring(2), 16) : Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw fail(key, "'" + v + "' is not a number (decimal or 0x-hex)");
            }
        }

        private boolean bool(String key) {
            return switch (text(key)) {
                case "yes" -> true;
                case "no" -> false;
                default -> throw fail(key, "must be yes or no");
            };
        }

        private Duration duration(String key, Duration absent) {
            String v = kv.get(key);
            if (v == null || v.isEmpty()) {
                return absent;
            }
            Duration d;
            try {
                d = v.matches("[0-9]+") ? Duration.ofSeconds(Long.parseLong(v)) : Duration.parse(v);
            } catch (DateTimeParseException e) {
                throw fail(key, "'" + v + "' is neither seconds nor an ISO-8601 duration like PT20S");
            }
            if (d.isNegative()) {
                throw fail(key, "'" + v + "' is negative");
            }
            return d;
        }

        private List<String> words(String key, boolean required) {
            String v = required ? text(key) : kv.getOrDefault(key, "");
            if (v.isBlank()) {
                return List.of();
            }
            List<String> out = Arrays.asList(v.strip().split("\\s+"));
            return List.copyOf(out);
        }

        private ProfileException fail(String key, String message) {
            return new ProfileException("Profile " + name + ": " + key + " " + message);
        }
    }
}

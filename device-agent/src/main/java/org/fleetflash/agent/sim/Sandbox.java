package org.fleetflash.agent.sim;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.WatchKey;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
  * One simulated router's sandbox on disk ({@code STATE_DIR/<router>/}): the flash file, the
  * FreeBSD-like root the agent sees as {@code FF_ROOT}, and the simulator state the stand-ins read
  * and write. Creating it "boots" the router: memory disks, mounts and /tmp start afresh, the
  * flash and the kernel environment are kept.
  */
public final class Sandbox implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Sandbox.class);
    private static final String RES = "/org/fleetflash/agent/sim/standins/";
    private static final Pattern ROUTER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final List<String> BIN_DIRS = List.of("bin", "sbin", "usr/bin", "usr/sbin");

    private final Path routerDir;
    private final Profile profile;
    private final Shell shell;
    private final String routerName;
    private final FlashLayout layout;
    private final SimBoot.Result boot;
    private Process watchdog;
    private WatchKey ledKey;

    /** A write to /dev/led/NAME as the LED recorder saw it. */
    public record LedEvent(Instant at, String led, String value) {}

    private Sandbox(Path routerDir, Profile profile, Shell shell, String routerName, FlashLayout layout,
            SimBoot.Result boot) {
        this.routerDir = routerDir;
        this.profile = profile;
        this.shell = shell;
        this.routerName = routerName;
        this.layout = layout;
        this.boot = boot;
    }

    /**
      * Lays out the sandbox if missing and boots it; keeps an existing flash.bin (a restarted router keeps its
      * flash) and forgets what its last run held only in RAM: the kernel environment goes back to the profile's
      * hints (FreeBSD's kenv is in-kernel memory, lost at a real reboot), a reroot's state and pending requests are
      * dropped. Starts the simulated watchdogd when the profile has one: close the sandbox to stop it.
      */
    public static Sandbox create(Path routerDir, Profile profile, Shell shell, String routerName) throws IOException {
        if (!ROUTER_NAME.matcher(routerName).matches()) {
            throw new IllegalArgumentException("Router name '" + routerName
                    + "' must be 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        Files.createDirectories(routerDir);
        // the physical path: stand-ins map relative names through the physical working directory
        Path dir = routerDir.toRealPath();
        Path sim = dir.resolve("sim");
        Path root = dir.resolve("root");
        Files.createDirectories(sim);
        Files.createDirectories(root);
        undoMounts(sim, root);
        // a simulator stopped mid-upgrade left its kenv pointing root at a memory disk that no longer exists:
        // a router powered up again boots from its flash
        resetForBoot(dir);

        Path flash = dir.resolve("flash.bin");
        if (Files.exists(flash)) {
            long size = Files.size(flash);
            if (size != profile.flashSize()) {
                throw new IOException("Existing " + flash + " has " + size + " bytes but profile " + profile.name()
                        + " needs " + profile.flashSize() + ": delete the router's directory to start it afresh");
            }
            if (SimImage.givesOldKernelTheBoardsAddresses(profile, dir, flash)) {
                LOG.info("Router {}: its flash, made by an earlier simulator, has its kernel at the board's load address now",
                        routerName);
            }
        } else {
            Files.write(flash, initialFlash(profile, routerName));
            SimImage.markFlashFormat(dir);
            LOG.info("Created flash of router {} with firmware {}", routerName, profile.firmwareVersion());
        }
        byte[] contents = Files.readAllBytes(flash);
        FlashLayout layout = FlashLayout.resolve(profile, contents);
        for (String name : profile.layout()) {
            if (layout.slice(name).isEmpty()) {
                LOG.warn("Router {}: partition {} not found on the flash (its search key is missing)", routerName, name);
            }
        }
        SimBoot.Result boot = SimBoot.boot(profile, contents);
        if (!boot.booted()) {
            LOG.warn("Router {}: its flash does not boot: {}", routerName, boot.console().get(boot.console().size() - 1));
        }
        Sandbox sb = new Sandbox(dir, profile, shell, routerName, layout, boot);
        sb.writeState();
        sb.buildRoot();
        try {
            sb.startWatchdog();
            sb.startLedRecorder();
        } catch (IOException | RuntimeException e) {
            sb.close();
            throw e;
        }
        return sb;
    }

    // ---------------------------------------------------------------- accessors

    public Path routerDir() {
        return routerDir;
    }

    /** The value of FF_ROOT: the router's "/". */
    public Path root() {
        return routerDir.resolve("root");
    }

    /** The simulator state directory the stand-ins read and write. */
    public Path simDir() {
        return routerDir.resolve("sim");
    }

    public Path flashFile() {
        return routerDir.resolve("flash.bin");
    }

    /** Where the SSH server keeps this router's host key (the server writes it). */
    public Path hostKeyFile() {
        return routerDir.resolve("ssh_host_key");
    }

    /** The shell to run commands with: root/bin/sh, a symlink to the real shell (busybox needs the name sh). */
    public Path shellBinary() {
        return root().resolve("bin/sh");
    }

    /** The login home inside the root. */
    public Path workingDirectory() {
        return root().resolve("root");
    }

    public Profile profile() {
        return profile;
    }

    public Shell shell() {
        return shell;
    }

    public String routerName() {
        return routerName;
    }

    /**
      * The firmware version this boot started ({@link SimBoot}); empty when the boot loader or the kernel
      * stopped (the router is dead). Also written to {@code /etc/version}, where the probe reads it.
      */
    public Optional<String> bootVersion() {
        return boot.version();
    }

    /** What the boot loader and the kernel printed on the serial console at this boot. */
    public List<String> bootConsole() {
        return boot.console();
    }

    /** The partitions as the router found them at this boot. */
    public FlashLayout layout() {
        return layout;
    }

    /** The complete environment of a command (the SSH server adds SSH_CLIENT and SSH_CONNECTION). */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        String r = root().toString();
        env.put("PATH", r + "/bin:" + r + "/sbin:" + r + "/usr/bin:" + r + "/usr/sbin");
        env.put("FF_ROOT", r);
        env.put("HOME", workingDirectory().toString());
        env.put("USER", profile.user());
        env.put("LOGNAME", profile.user());
        env.put("SHELL", shellBinary().toString());
        return env;
    }

    /** The pid of the simulated watchdogd, while it runs. */
    public Optional<Long> watchdogPid() {
        Process p = watchdog;
        return p != null && p.isAlive() ? Optional.of(p.pid()) : Optional.empty();
    }

    /** Whether the watchdog was disarmed (watchdogd got SIGTERM/SIGINT) since it started. */
    public boolean watchdogDisarmed() throws IOException {
        Path f = simDir().resolve("watchdog");
        return Files.exists(f) && Files.readString(f).startsWith("disarmed");
    }

    /** Current free RAM in pages, as vm.stats.vm.v_free_count reports it. */
    public long freePages() throws IOException {
        return Long.parseLong(Files.readString(simDir().resolve("freepages")).strip());
    }

    /** Every LED write the recorder saw, oldest first. */
    public List<LedEvent> ledHistory() throws IOException {
        Path log = simDir().resolve("led.log");
        if (!Files.exists(log)) {
            return List.of();
        }
        List<LedEvent> out = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            String[] f = line.split(" ", 3);
            if (f.length == 3) {
                out.add(new LedEvent(Instant.ofEpochMilli(Long.parseLong(f[0])), f[1], f[2]));
            }
        }
        return out;
    }

    /** The kernel environment as kenv lists it, in order. */
    public Map<String, String> kenv() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(simDir().resolve("kenv"))) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                out.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return out;
    }

    /** Stops the watchdogd and the LED recording. The files stay: create() again to restart the router. */
    @Override
    public void close() {
        try {
            Files.deleteIfExists(simDir().resolve("watchdogd.run"));
        } catch (IOException e) {
            LOG.warn("Router {}: cannot remove the watchdog marker: {}", routerName, e.getMessage());
        }
        Process p = watchdog;
        if (p != null) {
            p.destroy();
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        WatchKey k = ledKey;
        if (k != null) {
            LedRecorder.unwatch(k);
        }
    }

    /**
      * Deletes a stopped router's directory (flash, state and root) so its next start is a first
      * boot. Symbolic links (to host tools and devices) are removed, never followed.
      */
    public static void delete(Path routerDir) throws IOException {
        deleteTree(routerDir);
    }

    // ---------------------------------------------------------------- reroot and reboot

    /** Kills the simulated watchdogd with SIGKILL, as a reroot does: a watchdog not disarmed before stays armed. */
    void killWatchdog() {
        Process p = watchdog;
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
      * Makes memory disk {@code unit}'s contents the router's "/" as the kernel's reroot does: the old root's
      * mounts go, the devfs of the old root shows under the new root's /dev (map, led, md and the null devices),
      * and the stand-ins take the new root as FF_SIM_ROOT. Returns the new root directory.
      */
    Path rerootInto(int unit) throws IOException {
        Path sim = simDir();
        Path newRoot = sim.resolve("md/" + unit + ".fs").toRealPath();
        undoMounts(sim, root());
        Files.writeString(sim.resolve("mounts"), "/dev/md" + unit + " / ufs local,read-only -\n"
                + "devfs /dev devfs local,multilabel -\n");
        Path dev = newRoot.resolve("dev");
        for (String d : List.of("map", "led")) {
            deleteTree(dev.resolve(d));
            Files.createSymbolicLink(dev.resolve(d), root().resolve("dev/" + d));
        }
        for (String d : List.of("null", "zero", "random", "urandom")) {
            deleteTree(dev.resolve(d));
            Files.createSymbolicLink(dev.resolve(d), Path.of("/dev", d));
        }
        try (java.util.stream.Stream<Path> mds = Files.list(root().resolve("dev"))) {
            for (Path md : mds.filter(p -> p.getFileName().toString().matches("md[0-9]+")).toList()) {
                deleteTree(dev.resolve(md.getFileName().toString()));
                Files.createSymbolicLink(dev.resolve(md.getFileName().toString()), md);
            }
        }
        Path env = sim.resolve("router.env");
        StringBuilder sb = new StringBuilder();
        for (String line : Files.readAllLines(env)) {
            sb.append(line.startsWith("FF_SIM_ROOT=") ? "FF_SIM_ROOT=" + shQuote(newRoot.toString()) : line).append('\n');
        }
        Files.writeString(env, sb.toString());
        Files.deleteIfExists(sim.resolve("flashwrites"));
        Files.writeString(sim.resolve("stage"), "rerooted md" + unit + "\n");
        return newRoot;
    }

    /**
      * Forgets the runtime state of the last boot before the router boots again: the kernel environment goes
      * back to the profile's hints, a rerooted root's mount table and every pending request are dropped.
      */
    static void resetForBoot(Path routerDir) throws IOException {
        Path sim = routerDir.resolve("sim");
        if (Files.exists(sim.resolve("stage"))) {
            Files.deleteIfExists(sim.resolve("mounts"));
            Files.delete(sim.resolve("stage"));
        }
        for (String f : List.of("kenv", "reboot.request", "reroot.request", "powerloss.request", "flashwrites")) {
            Files.deleteIfExists(sim.resolve(f));
        }
    }

    // ---------------------------------------------------------------- flash

    /**
      * A new router's flash: erased (0xFF) everywhere, the initial image over the layout span, and a
      * pattern seeded by router and partition name in every other partition.
      */
    static byte[] initialFlash(Profile profile, String routerName) {
        byte[] flash = new byte[(int) profile.flashSize()];
        Arrays.fill(flash, (byte) 0xff);
        for (Profile.Partition p : profile.partitions()) {
            if (profile.layout().contains(p.name())
                    || !(p.start() instanceof Profile.Fixed s) || !(p.end() instanceof Profile.Fixed e)) {
                continue;
            }
            byte[] fill = new byte[(int) (e.offset() - s.offset())];
            new Random((routerName + "/" + p.name()).hashCode() * 31L + fill.length).nextBytes(fill);
            byte[] tag = (p.name() + "@" + routerName + "\n").getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(tag, 0, fill, 0, Math.min(tag.length, fill.length));
            System.arraycopy(fill, 0, flash, (int) s.offset(), fill.length);
        }
        byte[] image = SimImage.bytes(profile, profile.firmwareVersion(), 0);
        System.arraycopy(image, 0, flash, (int) profile.spanStart(), image.length);
        return flash;
    }

    // ---------------------------------------------------------------- state

    private void writeState() throws IOException {
        Path sim = simDir();
        deleteTree(sim.resolve("md"));
        deleteTree(sim.resolve("tmp"));
        deleteTree(sim.resolve("mnt"));
        Files.createDirectories(sim.resolve("md"));
        Files.createDirectories(sim.resolve("tmp"));
        Files.createDirectories(sim.resolve("mnt"));

        String mountFrom = profile.rootMountFrom();
        String rootDev = "";
        String rootPart = "";
        if (mountFrom.startsWith("ufs:map/") && mountFrom.endsWith(".uncompress")) {
            rootDev = mountFrom.substring("ufs:".length());
            rootPart = rootDev.substring("map/".length(), rootDev.length() - ".uncompress".length());
        }
        String version = profile.osVersion();
        String ident = version.substring(version.lastIndexOf('/') + 1).strip();
        if (ident.contains(" ")) {
            ident = ident.substring(ident.lastIndexOf(' ') + 1);
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("FF_SIM_ROUTER", routerName);
        env.put("FF_SIM_ROOT", root().toString());
        env.put("FF_SIM_FLASH", flashFile().toString());
        env.put("FF_SIM_RELEASE", profile.osRelease());
        env.put("FF_SIM_RELDATE", Integer.toString(profile.osReldate()));
        env.put("FF_SIM_VERSION", version);
        env.put("FF_SIM_IDENT", ident);
        env.put("FF_SIM_HWMODEL", profile.hwModel());
        env.put("FF_SIM_MACHINE", profile.hwMachine());
        env.put("FF_SIM_ARCH", profile.hwMachineArch());
        env.put("FF_SIM_PHYSMEM", Long.toString(profile.physmem()));
        env.put("FF_SIM_USERMEM", Long.toString(profile.usermem()));
        env.put("FF_SIM_PAGESIZE", Integer.toString(profile.pageSize()));
        env.put("FF_SIM_FLASHDEV", profile.flashDevice());
        env.put("FF_SIM_FLASHSIZE", Long.toString(profile.flashSize()));
        env.put("FF_SIM_ERASE", Integer.toString(profile.eraseBlock()));
        env.put("FF_SIM_SECTOR", Integer.toString(profile.sectorSize()));
        env.put("FF_SIM_READBPS", Long.toString(profile.flashReadBps()));
        env.put("FF_SIM_WRITEBPS", Long.toString(profile.flashWriteBps()));
        env.put("FF_SIM_TMPFS", profile.tmpfs() ? "yes" : "no");
        env.put("FF_SIM_ROOTDEV", rootDev);
        env.put("FF_SIM_ROOTPART", rootPart);
        env.put("FF_SIM_UNCOMPSIZE", Long.toString(profile.rootUncompressedSize()));
        StringBuilder sb = new StringBuilder("# Facts of router ").append(routerName)
                .append(" (profile ").append(profile.name()).append("), sourced by the stand-ins.\n");
        env.forEach((k, v) -> sb.append(k).append('=').append(shQuote(v)).append('\n'));
        Files.writeString(sim.resolve("router.env"), sb.toString());

        StringBuilder parts = new StringBuilder();
        for (FlashLayout.Slice s : layout.slices()) {
            parts.append(s.index()).append(' ').append(s.name()).append(' ').append(s.offset()).append(' ')
                    .append(s.size()).append(' ').append(s.readonly() ? 1 : 0).append('\n');
        }
        Files.writeString(sim.resolve("partitions"), parts.toString());

        StringBuilder mounts = new StringBuilder();
        if (!rootDev.isEmpty()) {
            mounts.append("/dev/").append(rootDev).append(" / ufs local,read-only -\n");
        }
        mounts.append("devfs /dev devfs local,multilabel -\n");
        for (Profile.MemoryDisk md : profile.preallocatedMds()) {
            Files.writeString(sim.resolve("md/" + md.unit()), md.type() + " " + md.size() + "\n");
            Files.writeString(sim.resolve("md/" + md.unit() + ".boot"), "");
            mounts.append("/dev/md").append(md.unit()).append(' ').append(md.mountPoint()).append(" ufs local -\n");
        }
        Files.writeString(sim.resolve("mounts"), mounts.toString());
        Files.writeString(sim.resolve("freepages"), profile.freePages() + "\n");
        Files.writeString(sim.resolve("debugflags"), "0\n");
        Files.writeString(sim.resolve("hostname"), profile.hostname() + "\n");
        Path kenv = sim.resolve("kenv");
        if (!Files.exists(kenv)) {
            Files.writeString(kenv, initialKenv());
        }
    }

    private String initialKenv() {
        StringBuilder sb = new StringBuilder();
        for (Profile.Partition p : profile.partitions()) {
            String h = "hint.map." + p.index() + ".";
            sb.append(h).append("at=").append(profile.flashDevice()).append('\n');
            sb.append(h).append("start=").append(p.start().hint()).append('\n');
            sb.append(h).append("end=").append(p.end().hint()).append('\n');
            sb.append(h).append("name=").append(p.name()).append('\n');
            sb.append(h).append("readonly=").append(p.readonly() ? 1 : 0).append('\n');
        }
        int pin = 11;
        for (int i = 0; i < profile.leds().size(); i++) {
            String h = "hint.gpioled." + i + ".";
            sb.append(h).append("at=gpiobus0\n");
            sb.append(h).append("name=").append(profile.leds().get(i)).append('\n');
            sb.append(h).append(String.format(Locale.ROOT, "pins=0x%08x%n", 1L << (pin + i)));
            sb.append(h).append("invert=1\n");
        }
        sb.append("kern.bootfile=/boot/kernel/kernel\n");
        sb.append("vfs.root.mountfrom=").append(profile.rootMountFrom()).append('\n');
        return sb.toString();
    }

    /** Puts back every directory a mount of the previous boot replaced. */
    private static void undoMounts(Path sim, Path root) throws IOException {
        Path mounts = sim.resolve("mounts");
        if (!Files.exists(mounts)) {
            return;
        }
        for (String line : Files.readAllLines(mounts)) {
            String[] f = line.split(" ");
            if (f.length != 5 || f[4].equals("-")) {
                continue;
            }
            Path point = root.resolve(f[1].substring(1));
            Path saved = sim.resolve("mnt").resolve(f[4]);
            if (Files.exists(saved, LinkOption.NOFOLLOW_LINKS)) {
                deleteTree(point);
                Files.move(saved, point);
            }
        }
        Files.delete(mounts);
    }

    // ---------------------------------------------------------------- root

    private void buildRoot() throws IOException {
        Path root = root();
        for (String d : BIN_DIRS) {
            deleteTree(root.resolve(d));
        }
        deleteTree(root.resolve("tmp"));
        deleteTree(root.resolve("dev"));
        deleteTree(root.resolve("var/run"));
        for (String d : List.of("bin", "sbin", "usr/bin", "usr/sbin", "dev/map", "dev/led", "tmp", "mnt",
                "var/run", "var/log", "etc", "root", "lib", "libexec")) {
            Files.createDirectories(root.resolve(d));
        }
        String simDir = simDir().toString();
        Files.writeString(simDir().resolve("sim.subr"), resource("sim.subr").replace("@FF_SIM_DIR@", simDir));
        Path wd = simDir().resolve("watchdogd.sh");
        Files.writeString(wd, resource("watchdogd.sh").replace("@FF_SIM_DIR@", simDir));

        for (String line : lines(resource("hosttools.list"))) {
            String[] f = line.split("\\s+");
            for (int i = 1; i < f.length; i++) {
                Path host = hostTool(f[i]);
                if (host == null) {
                    LOG.warn("Router {}: host tool {} not found, the sandbox will lack it", routerName, f[i]);
                    continue;
                }
                Files.createSymbolicLink(root.resolve(f[0].substring(1)).resolve(f[i]), host);
            }
        }
        for (String line : lines(resource("standins.list"))) {
            String[] f = line.split("\\s+");
            Path target = root.resolve(f[1].substring(1));
            Files.deleteIfExists(target);
            Files.writeString(target, resource(f[0]).replace("@FF_SIM_DIR@", simDir));
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.createSymbolicLink(root.resolve("bin/sh"), shell.binary());
        for (String tool : profile.toolsAbsent()) {
            for (String d : BIN_DIRS) {
                Files.deleteIfExists(root.resolve(d).resolve(tool));
            }
        }

        for (FlashLayout.Slice s : layout.slices()) {
            Files.writeString(root.resolve("dev/map/" + s.name()), "");
        }
        for (String led : profile.leds()) {
            Files.writeString(root.resolve("dev/led/" + led), "");
        }
        for (String dev : List.of("null", "zero", "random", "urandom")) {
            Files.createSymbolicLink(root.resolve("dev/" + dev), Path.of("/dev", dev));
        }
        for (Profile.MemoryDisk md : profile.preallocatedMds()) {
            Files.writeString(root.resolve("dev/md" + md.unit()), "");
        }
        Path version = root.resolve("etc/version");
        if (boot.booted()) {
            Files.writeString(version, boot.version().get() + "\n");
        } else {
            Files.deleteIfExists(version);
        }
        Path hostname = root.resolve("etc/rc.conf");
        if (!Files.exists(hostname)) {
            Files.writeString(hostname, "hostname=\"" + profile.hostname() + "\"\n");
        }
    }

    private static Path hostTool(String name) {
        for (String d : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- watchdog and LEDs

    private void startWatchdog() throws IOException {
        Path pidFile = root().resolve("var/run/watchdogd.pid");
        Files.deleteIfExists(pidFile);
        if (!profile.watchdogd()) {
            return;
        }
        Files.writeString(simDir().resolve("watchdogd.run"), "");
        watchdog = new ProcessBuilder(BootProcess.command(List.of("/bin/sh", simDir().resolve("watchdogd.sh").toString())))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        Files.writeString(pidFile, watchdog.pid() + "\n");
        LOG.debug("Router {}: watchdogd runs as pid {}", routerName, watchdog.pid());
    }

    private void startLedRecorder() throws IOException {
        ledKey = LedRecorder.watch(root().resolve("dev/led"), simDir().resolve("led.log"));
    }

    // ---------------------------------------------------------------- helpers

    private static String resource(String name) {
        try (InputStream in = Sandbox.class.getResourceAsStream(RES + name)) {
            if (in == null) {
                throw new IllegalStateException("Stand-in resource " + name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names of the stand-in script resources, for tests that lint them. */
    public static List<String> standInResources() {
        List<String> out = new ArrayList<>(List.of("sim.subr", "watchdogd.sh"));
        for (String line : lines(resource("standins.list"))) {
            String script = line.split("\\s+")[0];
            if (!out.contains(script)) {
                out.add(script);
            }
        }
        return out;
    }

    /** The text of one stand-in resource as shipped (before the sim path is filled in). */
    public static String standInSource(String name) {
        return resource(name);
    }

    private static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new java.io.StringReader(text))) {
            for (String l = r.readLine(); l != null; l = r.readLine()) {
                if (!l.isBlank() && !l.startsWith("#")) {
                    out.add(l.strip());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static String shQuote(String v) {
        return "'" + v.replace("'", "'\\''") + "'";
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isSymbolicLink(p) || !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(p);
            return;
        }
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}

package org.fleetflash.agent.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated router: its sandbox (flash file, FreeBSD stand-ins, the real shell) and its SSH server
 * on a loopback address, with FreeBSD's reroot ({@code reboot -r}: the memory disk's {@code /etc/rc}
 * runs with its output on the "serial console" {@link #consoleLog()}) and reboot (the router boots
 * whatever its flash holds, or never comes back). Closing it stops the server; the sandbox and its flash
 * stay on disk, so a router started again on the same state directory keeps its flash and host key.
 */
public final class SimRouter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SimRouter.class);
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Pattern MD_ROOT = Pattern.compile("ufs:(?:/dev/)?md([0-9]{1,4})");

    /** Where the router is in its life. */
    public enum State {
        /** Booted; the SSH server answers. */
        UP,
        /** {@code reboot -r} was called: sessions are going, the kernel mounts the new root. */
        REROOTING,
        /** The new root's {@code /etc/rc} (the flasher) runs; no SSH. */
        FLASHING,
        /** Going down or waiting out the reboot delay; comes back UP if the flash is bootable. */
        REBOOTING,
        /** Hung or powered off: never comes back by itself ({@link #powerOn()} boots it again). */
        DEAD
    }

    /** How to start one router. An empty password means the profile's own. */
    public record Options(String name, Profile profile, Shell shell, String address, int port,
            Optional<String> password, Optional<Path> authorizedKeys) {
        public Options {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(profile, "profile");
            Objects.requireNonNull(shell, "shell");
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(password, "password");
            Objects.requireNonNull(authorizedKeys, "authorizedKeys");
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
                throw new IllegalArgumentException("Router name must be letters, digits, '.', '_' or '-': " + name);
            }
        }
    }

    private final Options options;
    private final Path routerDir;
    private final String password;
    private final ScheduledExecutorService life;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private State state = State.UP;
    /** How many state changes so far, and the number of the last change into each state (guarded by the lock). */
    private long transitions;
    private final java.util.Map<State, Long> entered = new java.util.EnumMap<>(State.class);
    private volatile Sandbox sandbox;
    private volatile SimSshServer server;
    private volatile Process flasher;
    private volatile Faults faults = Faults.none();
    private volatile Duration rebootDelay;
    private volatile Duration shutdownGrace;
    private volatile Optional<String> running = Optional.empty();
    private volatile boolean closed;
    /** A reroot happened since the last boot: the next boot runs the new firmware (life thread only). */
    private boolean rerootedSinceBoot;
    private int port;

    private SimRouter(Options options, Path routerDir, Sandbox sandbox, String password) {
        this.options = options;
        this.routerDir = routerDir;
        this.sandbox = sandbox;
        this.password = password;
        this.rebootDelay = options.profile().rebootDelay();
        this.shutdownGrace = options.profile().shutdownGrace();
        this.life = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sim-" + options.name() + "-life");
            t.setDaemon(true);
            return t;
        });
    }

    /** Lays out (or reopens) the router's sandbox under {@code stateDir/<name>} and starts its SSH server. */
    public static SimRouter start(Path stateDir, Options options) throws IOException {
        Sandbox sandbox = Sandbox.create(stateDir.resolve(options.name()), options.profile(), options.shell(), options.name());
        SimRouter router = new SimRouter(options, sandbox.routerDir(), sandbox,
                options.password().orElse(options.profile().password()));
        try {
            router.writeRouterFiles();
            sandbox.bootConsole().forEach(router::console);
            if (sandbox.bootVersion().isEmpty()) {
                // a flash that does not boot: the router is dead until something powers it on again
                router.console("(the router stops here: it needs a console cable)");
                sandbox.close();
                router.port = options.port();
                router.state = State.DEAD;
                router.life.scheduleWithFixedDelay(router::watch, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
                return router;
            }
            router.server = SimSshServer.start(router.serverConfig(options.port()));
        } catch (IOException | RuntimeException e) {
            router.life.shutdownNow();
            sandbox.close();
            throw e;
        }
        router.port = router.server.port();
        router.running = sandbox.bootVersion();
        router.life.scheduleWithFixedDelay(router::watch, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
        return router;
    }

    private SimSshServer.Config serverConfig(int port) {
        return new SimSshServer.Config(options.name(), options.address(), port, sandbox.hostKeyFile(),
                options.profile().user(), password, options.authorizedKeys(),
                () -> {
                    Sandbox sb = sandbox;
                    return new ExecSpec(sb.shellBinary(), sb.workingDirectory(), sb.environment());
                });
    }

    public String name() {
        return options.name();
    }

    public String address() {
        return options.address();
    }

    /** The SSH port (the real one when 0 was asked for); the same after every reboot. */
    public int port() {
        return port;
    }

    public String user() {
        return options.profile().user();
    }

    public String password() {
        return password;
    }

    /** The sandbox of the current boot (a reboot makes a new one on the same directory). */
    public Sandbox sandbox() {
        return sandbox;
    }

    /** The line {@code fleetflash sim} prints for this router: {@code name address:port user password}. */
    public String describe() {
        return name() + " " + address() + ":" + port() + " " + user() + " " + password();
    }

    // ---------------------------------------------------------------- life cycle API

    /** Where the router is now. */
    public State state() {
        lock.lock();
        try {
            return state;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A point in the router's life, to be taken before the action that leads to a state: a state entered after it
     * counts for {@link #awaitState(State, long, Duration)} even when the router has already left it.
     */
    public long mark() {
        lock.lock();
        try {
            return transitions;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the router is in {@code wanted}, or has passed through it since this call. Where the action that
     * leads there came before this call, take a {@link #mark()} before it instead: a fast flasher can be FLASHING and
     * gone before a busy machine runs the waiting thread again.
     *
     * @throws TimeoutException when it is not there within {@code timeout} (the message says where it is)
     */
    public void awaitState(State wanted, Duration timeout) throws InterruptedException, TimeoutException {
        awaitState(wanted, mark(), timeout);
    }

    /**
     * Waits until the router is in {@code wanted}, or has entered it after {@code since} (a {@link #mark()}).
     *
     * @throws TimeoutException when it is not there within {@code timeout} (the message says where it is)
     */
    public void awaitState(State wanted, long since, Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (state != wanted && (entered.get(wanted) == null || entered.get(wanted) <= since)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("Simulated router " + name() + " is " + state + ", not " + wanted
                            + ", after " + timeout + "; the end of its console log " + consoleLog() + ":\n"
                            + tail(consoleLog(), 20) + commitLogTail());
                }
                changed.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The end of the agent's commit log, where there is one: why a commit undid itself instead of rerooting. */
    private String commitLogTail() {
        Path log = sandbox().root().resolve("tmp/fleetflash/commit.log");
        return Files.isRegularFile(log) ? "\nand of the agent's commit log " + log + ":\n" + tail(log, 20) : "";
    }

    /** The last {@code n} lines of a log (a test's cleanup may delete the file before anyone reads it). */
    private static String tail(Path file, int n) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
        } catch (IOException | java.io.UncheckedIOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** The router's serial console: the kernel's reroot messages and everything the new root's /etc/rc prints. */
    public Path consoleLog() {
        return routerDir.resolve("console.log");
    }

    /** The faults in force. */
    public Faults faults() {
        return faults;
    }

    /** Replaces the faults; "once" faults (a cut download, RAM taken) are armed again. */
    public void setFaults(Faults newFaults) throws IOException {
        faults = Objects.requireNonNull(newFaults, "faults");
        writeRouterFiles();
        Files.deleteIfExists(routerDir.resolve("sim/fault.cut.spent"));
        Files.deleteIfExists(routerDir.resolve("sim/fault.ram.spent"));
        Files.deleteIfExists(routerDir.resolve("sim/fault.pause.spent"));
        Files.deleteIfExists(routerDir.resolve("sim/fault.rot.spent"));
    }

    /** How long a reboot takes before the router answers again (default: the profile's {@code reboot.delay}). */
    public Duration rebootDelay() {
        return rebootDelay;
    }

    /** Overrides the reboot delay of this router (tests use about a second). */
    public void setRebootDelay(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("A reboot delay cannot be negative: " + delay);
        }
        rebootDelay = delay;
    }

    /**
     * The longest rc.shutdown runs after {@code reboot -r} before init ends the SSH sessions that are still open
     * (default: the profile's {@code shutdown.grace}); it ends sooner once the sessions open at the reroot have ended.
     */
    public Duration shutdownGrace() {
        return shutdownGrace;
    }

    /**
     * Overrides the shutdown grace of this router. Zero ends the sessions as soon as the reroot is seen, which may
     * cut the result lines of the session that ran {@code reboot -r}.
     */
    public void setShutdownGrace(Duration grace) {
        if (grace.isNegative()) {
            throw new IllegalArgumentException("A shutdown grace cannot be negative: " + grace);
        }
        shutdownGrace = grace;
    }

    /** The firmware version the running kernel was booted from; empty while the router is down or dead. */
    public Optional<String> runningVersion() {
        State s = state();
        return s == State.REBOOTING || s == State.DEAD ? Optional.empty() : running;
    }

    /** Power-cycles a DEAD router (after a power loss, a hang or a failed boot): it boots what its flash holds. */
    public void powerOn() {
        lock.lock();
        try {
            if (state != State.DEAD) {
                throw new IllegalStateException("Router " + name() + " is " + state + "; only a DEAD router is powered on");
            }
            setState(State.REBOOTING);
        } finally {
            lock.unlock();
        }
        console("Power on.");
        later(this::boot, rebootDelay.plus(faults.extraRebootDelay()));
    }

    /**
     * Gives the running router a new SSH host key outside any upgrade, as a router that was reinstalled or replaced
     * at the same address (or a machine in between) presents one: the SSH server restarts on the same port with a
     * freshly generated key; open sessions drop.
     *
     * @throws IllegalStateException when the router is not UP
     */
    public void replaceHostKey() throws IOException {
        lock.lock();
        try {
            if (state != State.UP) {
                throw new IllegalStateException("Router " + name() + " is " + state + "; only an UP router gets a new host key");
            }
            stopServer();
            Files.deleteIfExists(sandbox.hostKeyFile());
            server = SimSshServer.start(serverConfig(port));
        } finally {
            lock.unlock();
        }
        console("(simulator: the SSH host key was replaced)");
        LOG.info("Simulated router {} has a new SSH host key", name());
    }

    // ---------------------------------------------------------------- the simulated kernel and init

    /** Runs every POLL on the life thread: acts on the requests the reboot and dd stand-ins leave in sim/. */
    private void watch() {
        if (closed) {
            return;
        }
        try {
            Path sim = routerDir.resolve("sim");
            switch (state()) {
                case UP -> {
                    if (Files.exists(sim.resolve("reroot.request"))) {
                        reroot(Files.readString(sim.resolve("reroot.request")).strip().split(" ")[0]);
                    } else if (Files.exists(sim.resolve("reboot.request"))) {
                        reboot();
                    }
                }
                case FLASHING -> {
                    Process p = flasher;
                    if (Files.exists(sim.resolve("powerloss.request"))) {
                        powerLoss(Files.readString(sim.resolve("powerloss.request")).strip());
                    } else if (Files.exists(sim.resolve("reboot.request"))) {
                        reboot();
                    } else if (p != null && !p.isAlive()) {
                        console("init: /etc/rc exited with status " + p.exitValue() + " without rebooting; single-user mode on the console");
                        hang();
                    }
                }
                case REROOTING, REBOOTING, DEAD -> {
                    // nothing to watch: the transition in progress owns the router
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("Simulated router {}: life cycle failed, the router is DEAD: {}", name(), e.toString(), e);
            console("simulator error: " + e);
            hang();
        }
    }

    private void reroot(String user) throws IOException {
        Files.deleteIfExists(routerDir.resolve("sim/reroot.request"));
        setState(State.REROOTING);
        LOG.info("Simulated router {} reroots", name());
        console("reroot: rerooted by " + (user.isEmpty() ? "root" : user));
        // rc.shutdown runs while the sessions finish: the one that ran reboot -r gets its last lines out. On a router
        // rc.shutdown takes a second or more, longer than that session needs; here it ends as soon as every session
        // that was running a command at the reroot has closed, and after the grace at the latest, when init kills
        // what is left.
        SimSshServer s = server;
        CompletableFuture<Void> sessionsEnded = s == null ? CompletableFuture.completedFuture(null) : s.openSessionsClosed();
        long asked = System.nanoTime();
        sessionsEnded.completeOnTimeout(null, shutdownGrace.toMillis(), TimeUnit.MILLISECONDS).thenRun(() -> {
            LOG.debug("Simulated router {}: rc.shutdown over after {} ms", name(), (System.nanoTime() - asked) / 1_000_000);
            later(this::rerootAfterShutdown, Duration.ZERO);
        });
    }

    private void rerootAfterShutdown() {
        try {
            stopServer();
            Sandbox sb = sandbox;
            boolean armed = sb.watchdogPid().isPresent() && !sb.watchdogDisarmed();
            sb.killWatchdog();
            if (armed) {
                console("watchdogd was killed while armed (nobody sent it SIGTERM)");
            }
            String mountFrom = sb.kenv().getOrDefault("vfs.root.mountfrom", "");
            console("Trying to mount root from " + mountFrom + " []...");
            Matcher m = MD_ROOT.matcher(mountFrom);
            Path md = routerDir.resolve("sim/md");
            if (!m.matches() || !Files.isRegularFile(md.resolve(m.group(1)))
                    || !Files.exists(md.resolve(m.group(1) + ".newfs")) || !Files.isDirectory(md.resolve(m.group(1) + ".fs"))) {
                console("Mounting from " + mountFrom + " failed with error 2.");
                console("mountroot>");
                hang();
                return;
            }
            Path fs = md.resolve(m.group(1) + ".fs");
            if (!Files.isDirectory(fs.resolve("dev"))) {
                console("mountroot: unable to remount devfs under /dev (error 2)");
                hang();
                return;
            }
            if (!Files.isRegularFile(fs.resolve("sbin/init"))) {
                console("init: not found in path /sbin/init:/sbin/oinit:/sbin/init.bak:/rescue/init");
                hang();
                return;
            }
            if (!Files.isRegularFile(fs.resolve("etc/rc")) || !Files.isRegularFile(fs.resolve("bin/sh"))) {
                console("init: /etc/rc or /bin/sh missing on the new root; single-user mode on the console");
                hang();
                return;
            }
            Path newRoot = sb.rerootInto(Integer.parseInt(m.group(1)));
            rerootedSinceBoot = true;
            startFlasher(newRoot);
            setState(State.FLASHING);
        } catch (IOException | RuntimeException e) {
            LOG.error("Simulated router {}: reroot failed: {}", name(), e.toString(), e);
            console("simulator error during reroot: " + e);
            hang();
        }
    }

    private void startFlasher(Path newRoot) throws IOException {
        String r = newRoot.toString();
        ProcessBuilder pb = new ProcessBuilder(BootProcess.command(List.of(newRoot.resolve("bin/sh").toString(),
                newRoot.resolve("etc/rc").toString(), "autoboot"))).directory(newRoot.toFile());
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", r + "/bin:" + r + "/sbin:" + r + "/usr/bin:" + r + "/usr/sbin");
        env.put("FF_ROOT", r);
        env.put("HOME", r);
        pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(consoleLog().toFile()));
        pb.redirectErrorStream(true);
        flasher = pb.start();
        LOG.info("Simulated router {} runs /etc/rc of its new root (pid {})", name(), flasher.pid());
    }

    private void reboot() throws IOException {
        setState(State.REBOOTING);
        LOG.info("Simulated router {} reboots", name());
        console("Rebooting...");
        goDown();
        Path request = routerDir.resolve("sim/reboot.request");
        killRequester(request);
        Files.deleteIfExists(request);
        if (faults.neverReturns()) {
            console("(simulator fault: this router never comes back)");
            hang();
            return;
        }
        later(this::boot, rebootDelay.plus(faults.extraRebootDelay()));
    }

    /** Kills the stand-in that asked for the reboot ("USER PID" in the request), wherever it was started from. */
    private void killRequester(Path request) throws IOException {
        if (!Files.exists(request)) {
            return;
        }
        String[] f = Files.readString(request).strip().split(" ");
        if (f.length == 2 && f[1].matches("[0-9]{1,9}")) {
            ProcessHandle.of(Long.parseLong(f[1]))
                    .filter(h -> h.info().commandLine().map(c -> c.contains("reboot")).orElse(false))
                    .ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** Runs {@code step} on the life thread after {@code delay}, unless the router was closed meanwhile. */
    private void later(Runnable step, Duration delay) {
        if (closed) {
            return;
        }
        try {
            life.schedule(step, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("Simulated router {} closed; {} dropped", name(), step);
        }
    }

    private void powerLoss(String block) {
        LOG.info("Simulated router {} loses power at flash block {}", name(), block);
        goDown();
        console("(simulator fault: power lost while writing erase block " + block + ")");
        hang();
    }

    /** Kills everything that runs on the router and stops its sandbox's background processes. */
    private void goDown() {
        killFlasher();
        stopServer();
        sandbox.close();
    }

    private void boot() {
        if (closed) {
            return;
        }
        try {
            sandbox.close();
            Sandbox.resetForBoot(routerDir);
            Sandbox sb = Sandbox.create(routerDir, options.profile(), options.shell(), options.name());
            sandbox = sb;
            writeRouterFiles();
            Optional<String> version = sb.bootVersion();
            sb.bootConsole().forEach(this::console);
            if (version.isEmpty()) {
                console("(the router stops here: it needs a console cable)");
                sb.close();
                hang();
                return;
            }
            if (rerootedSinceBoot && faults.newHostKeysOnUpgrade()) {
                Files.deleteIfExists(sb.hostKeyFile()); // the server generates a new one as it starts
                console("(simulator fault: the new firmware brings new SSH host keys)");
            }
            rerootedSinceBoot = false;
            server = SimSshServer.start(serverConfig(port));
            running = version;
            console("FreeBSD booted firmware " + version.get() + "; sshd listening on " + address() + ":" + port);
            LOG.info("Simulated router {} is up again running {}", name(), version.get());
            setState(State.UP);
        } catch (IOException | RuntimeException e) {
            LOG.error("Simulated router {} failed to boot: {}", name(), e.toString(), e);
            console("simulator error during boot: " + e);
            hang();
        }
    }

    private void hang() {
        killFlasher();
        setState(State.DEAD);
    }

    private void killFlasher() {
        Process p = flasher;
        flasher = null;
        if (p == null) {
            return;
        }
        List<ProcessHandle> all = new ArrayList<>();
        p.descendants().forEach(all::add);
        all.add(p.toHandle());
        all.forEach(ProcessHandle::destroyForcibly);
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void stopServer() {
        SimSshServer s = server;
        if (s != null && s.isRunning()) {
            try {
                s.close();
            } catch (IOException e) {
                LOG.warn("Simulated router {}: stopping its SSH server failed: {}", name(), e.toString());
            }
        }
    }

    private void setState(State next) {
        lock.lock();
        try {
            if (state != next) {
                LOG.debug("Simulated router {}: {} -> {}", name(), state, next);
                state = next;
                entered.put(next, ++transitions);
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private void console(String line) {
        try {
            Files.writeString(consoleLog(), line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            LOG.warn("Simulated router {}: cannot write its console log: {}", name(), e.toString());
        }
    }

    /** Files the stand-ins read that the sandbox does not know: faults and the router's own address. */
    private void writeRouterFiles() throws IOException {
        Path sim = routerDir.resolve("sim");
        Files.writeString(sim.resolve("faults"), faults.toShell());
        Files.writeString(sim.resolve("address"), options.address() + "\n");
    }

    @Override
    public void close() throws IOException {
        LOG.info("Stopping simulated router {}", name());
        closed = true;
        life.shutdownNow();
        try {
            life.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        killFlasher();
        try {
            SimSshServer s = server;
            if (s != null) {
                s.close();
            }
        } finally {
            sandbox.close();
        }
    }
}

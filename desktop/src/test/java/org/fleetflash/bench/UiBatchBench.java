package org.fleetflash.bench;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.fleetflash.cli.WindowLauncher;
import org.fleetflash.core.device.SshTarget;
import org.fleetflash.core.settings.DataDirectory;
import org.fleetflash.core.settings.LocalInterfaces;
import org.fleetflash.core.settings.SettingsStore;
import org.fleetflash.core.upgrade.Preflight;
import org.fleetflash.ui.FleetFlashApp;
import org.fleetflash.ui.MainWindow;
import org.fleetflash.ui.fleet.KnownRouter;
import org.fleetflash.ui.upgrade.ConfirmSheet;

/**
 * How long the window's FX thread stalls while a batch of many routers reports at once ({@code bench/ui-bench.sh}
 * runs it; it is not a test). It opens the real window through the application's composition root with the routers
 * that {@code fleetflash sim} printed, does what a technician does (chooses the image, checks every router, presses
 * Upgrade, gives the login, waits for every pre-flight and confirms), and lets the batch run for a bounded time, then
 * cancels what is left. A heartbeat posts a task to the FX thread every 10 ms and records how late it ran; while the
 * FX thread is late by more than 100 ms its stack is sampled, so a stall can be traced to its code.
 *
 * <p>Arguments: {@code ROUTERS IMAGE CONCURRENCY MINUTES DATA_DIR CONFIG_DIR}; ROUTERS holds the lines
 * {@code name address:port user password} of {@code fleetflash sim}. Prints its figures on stdout; exit status 0 when
 * it ran (whatever the figures), 2 when it could not.
 */
public final class UiBatchBench {

    private static final long BEAT_MS = 10;
    private static final long STALL_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long IDLE_MS = 5000;
    /** The window's pre-flights at once (UpgradeViewModel.PARALLEL_CHECKS, package-private there). */
    private static final int PREFLIGHTS_AT_ONCE = 6;
    private static final long OPEN_LIMIT_S = 600;
    private static final Duration STEP = Duration.ofSeconds(60);

    private final List<long[]> beats = new ArrayList<>(); // {posted, ran} in nanoTime, FX thread only
    private final Map<String, Long> marks = new LinkedHashMap<>();
    private final Map<String, Integer> stallFrames = new HashMap<>();
    /** When the heartbeats not yet run were posted, oldest first. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Long> pending = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile long maxHeapUsed;
    private volatile long timerLateMax;
    private volatile Thread fxThread;
    private int stallSamples;
    private double openSeconds;
    private int routers;
    private int concurrency;
    private double minutes;
    private String preflightLine = "not reached";
    private String batchLine = "not reached";
    private String stoppedEarly;
    private volatile String phase = "";
    /** The FX thread's stack deepest into the longest stall sampled, and how far into it. */
    private StackTraceElement[] longestStack;
    private long longestStackAge;
    private String longestStackPhase;
    private ScheduledExecutorService timer;
    private MainWindow window;
    private Stage stage;

    private UiBatchBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: UiBatchBench ROUTERS IMAGE CONCURRENCY MINUTES DATA_DIR CONFIG_DIR");
            System.exit(2);
        }
        int status;
        try {
            status = new UiBatchBench().run(Path.of(args[0]), Path.of(args[1]), Integer.parseInt(args[2]), Double.parseDouble(args[3]),
                    Path.of(args[4]), Path.of(args[5]));
        } catch (Exception e) {
            System.err.println("ui bench: " + e);
            e.printStackTrace();
            status = 2;
        }
        Platform.exit();
        System.exit(status);
    }

    private int run(Path routersFile, Path image, int concurrency, double minutes, Path dataDir, Path configDir) throws Exception {
        List<KnownRouter> fleet = new ArrayList<>();
        String user = null;
        String password = null;
        for (String line : Files.readAllLines(routersFile, StandardCharsets.UTF_8)) {
            String[] f = line.trim().split(" ");
            if (f.length != 4) {
                continue;
            }
            int colon = f[1].lastIndexOf(':');
            String host = f[1].substring(0, colon);
            if (!host.startsWith("127.")) {
                throw new IllegalArgumentException("Only loopback routers, not " + host);
            }
            fleet.add(new KnownRouter(f[0], new SshTarget(host, Integer.parseInt(f[1].substring(colon + 1))), Optional.empty(),
                    Optional.empty(), Optional.empty()));
            user = f[2];
            password = f[3];
        }
        if (fleet.isEmpty()) {
            throw new IllegalArgumentException("No router in " + routersFile);
        }
        SettingsStore store = new SettingsStore(configDir, LocalInterfaces.SYSTEM, Clock.systemUTC());
        DataDirectory data = DataDirectory.forThisUser(Optional.of(dataDir));
        // the application's log, as it writes it (logs/ of the work folder, kept with KEEP=1): the bench must be able to
        // tell why a router needs attention
        org.fleetflash.app.logging.LogFile.start(data);
        try (WindowLauncher.Session session = WindowLauncher.open(data, store, fleet, false)) {
            CountDownLatch shown = new CountDownLatch(1);
            long opening = System.nanoTime();
            Platform.startup(() -> {
                stage = new Stage();
                window = FleetFlashApp.show(stage, session.inputs());
                fxThread = Thread.currentThread();
                shown.countDown();
            });
            if (!shown.await(OPEN_LIMIT_S, TimeUnit.SECONDS)) {
                throw new IllegalStateException("The window did not open within " + OPEN_LIMIT_S + " s");
            }
            openSeconds = (System.nanoTime() - opening) / 1e9;
            startHeartbeat();
            this.routers = fleet.size();
            this.concurrency = concurrency;
            this.minutes = minutes;
            try {
                drive(image, user, password);
            } catch (Exception e) {
                stoppedEarly = e.toString();
            }
            try {
                mark("end");
                timer.shutdownNow();
                Thread.sleep(3 * BEAT_MS); // the last heartbeats posted reach the FX thread
                report(onFx(() -> List.copyOf(beats)));
                return stoppedEarly == null ? 0 : 2;
            } finally {
                timer.shutdownNow();
                onFx(() -> {
                    stage.hide();
                    return null;
                });
            }
        }
    }

    private void drive(Path image, String user, String password) throws Exception {
        int n = routers;
        mark("open window");
        Thread.sleep(IDLE_MS / 2); // the window settles
        mark("idle window");
        Thread.sleep(IDLE_MS); // the baseline: the window doing nothing on this machine
        mark("choose image");
        onFx(() -> {
            window.useImagePicker(() -> Optional.of(image));
            ((Button) find("#chooseImageButton").orElseThrow()).fire();
            return null;
        });
        waitUntil("the image is read", STEP, () -> window.upgrades().imageProperty().get() != null);
        int listed = onFx(() -> {
            window.fleet().allRows().forEach(r -> r.checkedProperty().set(true));
            return window.fleet().allRows().size();
        });
        if (listed != n) {
            throw new IllegalStateException(listed + " rows listed, not " + n);
        }

        mark("pre-flight");
        Platform.runLater(() -> ((Button) find("#upgradeButton").orElseThrow()).fire()); // returns when the sheet closes
        waitUntil("the login or the confirmation sheet", STEP, () -> window.confirmSheet().isPresent() || window.openLogin().isPresent());
        if (onFx(() -> window.confirmSheet().isEmpty())) {
            onFx(() -> {
                ((TextField) find("#userField").orElseThrow()).setText(user);
                ((TextField) find("#passwordField").orElseThrow()).setText(password);
                ((CheckBox) find("#trustNewHostKeys").orElseThrow()).setSelected(true);
                return null;
            });
            Platform.runLater(() -> ((Button) find("#loginOk").orElseThrow()).fire());
        }
        waitUntil("the confirmation sheet", STEP, () -> window.confirmSheet().isPresent());
        ConfirmSheet sheet = onFx(() -> window.confirmSheet().orElseThrow());
        onFx(() -> {
            @SuppressWarnings("unchecked")
            Spinner<Integer> spinner = (Spinner<Integer>) find("#concurrency").orElseThrow();
            spinner.getValueFactory().setValue(concurrency);
            return null;
        });
        long preflightStart = System.nanoTime();
        long preflightEnd = preflightStart + (long) (minutes * 60e9);
        long nextNote = preflightStart + TimeUnit.SECONDS.toNanos(30);
        int answered = 0;
        while (answered < n && System.nanoTime() < preflightEnd) {
            answered = onFx(() -> (int) sheet.items().stream().filter(i -> i.resultProperty().get() != null).count());
            if (System.nanoTime() >= nextNote) {
                System.err.printf(Locale.ROOT, "  pre-flight %3.0f s: %d of %d answered%n", (System.nanoTime() - preflightStart) / 1e9, answered, n);
                nextNote += TimeUnit.SECONDS.toNanos(30);
            }
            Thread.sleep(500); // polling the pre-flights, bounded by the run's minutes
        }
        double preflightSeconds = (System.nanoTime() - preflightStart) / 1e9;
        Map<String, Integer> verdicts = onFx(() -> {
            Map<String, Integer> v = new TreeMap<>();
            sheet.items().forEach(i -> v.merge(i.resultProperty().get() == null ? "not answered" : verdictWord(i.resultProperty().get()), 1,
                    Integer::sum));
            return v;
        });
        preflightLine = String.format(Locale.ROOT, "%.1f s for %d routers (%d at once): %s", preflightSeconds, n, PREFLIGHTS_AT_ONCE, verdicts);
        if (answered < n) {
            Platform.runLater(() -> find("#confirmCancel").map(Button.class::cast).ifPresent(Button::fire));
            throw new IllegalStateException("the pre-flight did not end within " + minutes + " min");
        }
        boolean blocked = onFx(() -> ((Button) find("#confirmUpgrade").orElseThrow()).isDisabled());
        if (blocked) {
            String why = onFx(() -> sheet.items().stream().map(i -> i.resultProperty().get()).filter(p -> !p.mayUpgrade()).findFirst()
                    .map(Preflight::message).orElse(""));
            Platform.runLater(() -> ((Button) find("#confirmCancel").orElseThrow()).fire());
            throw new IllegalStateException("the pre-flight blocks the batch: " + why);
        }

        mark("batch");
        long batchStart = System.nanoTime();
        Platform.runLater(() -> ((Button) find("#confirmUpgrade").orElseThrow()).fire());
        waitUntil("the batch to start", STEP, () -> window.upgrades().runningProperty().get()
                || window.fleet().allRows().stream().allMatch(r -> !r.lastOutcomeProperty().get().isEmpty()));
        long deadline = batchStart + (long) (minutes * 60e9);
        long nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        boolean cancelled = false;
        while (onFx(() -> window.upgrades().runningProperty().get())) {
            long now = System.nanoTime();
            if (now >= deadline) {
                mark("cancel");
                cancelled = true;
                onFx(() -> {
                    window.upgrades().cancel();
                    return null;
                });
                waitUntil("the cancelled batch to end", Duration.ofMinutes(5), () -> !window.upgrades().runningProperty().get());
                break;
            }
            if (now >= nextReport) {
                System.err.printf(Locale.ROOT, "  %3.0f s: %d of %d routers done%n", (now - batchStart) / 1e9, done(), n);
                nextReport = now + TimeUnit.SECONDS.toNanos(30);
            }
            Thread.sleep(500); // polling the batch's end, bounded by the deadline above
        }
        double batchSeconds = (System.nanoTime() - batchStart) / 1e9;
        Map<String, Integer> outcomes = onFx(() -> {
            Map<String, Integer> o = new TreeMap<>();
            window.fleet().allRows().forEach(r -> o.merge(r.lastOutcomeProperty().get().isEmpty() ? "not finished"
                    : r.lastOutcomeProperty().get(), 1, Integer::sum));
            return o;
        });
        // what the window says of each router that needs attention (at most five): the bench must tell a stuck
        // simulator from a defect
        String attention = onFx(() -> window.fleet().allRows().stream()
                .filter(r -> "NEEDS_ATTENTION".equals(r.lastOutcomeProperty().get())).limit(5)
                .map(r -> "\n                          " + r.address() + ": " + r.statusProperty().get() + " | "
                        + r.problemProperty().get())
                .collect(java.util.stream.Collectors.joining()));
        batchLine = String.format(Locale.ROOT, "%.1f s%s: %s%s", batchSeconds,
                cancelled ? " (cancelled after " + minutes + " min, then waited for its end)" : "", outcomes, attention);
    }

    private static String verdictWord(Preflight p) {
        return p.mayUpgrade() ? p.verdict().name() : "BLOCKED " + p.code().name();
    }

    private int done() throws Exception {
        return onFx(() -> (int) window.fleet().allRows().stream().filter(r -> !r.lastOutcomeProperty().get().isEmpty()).count());
    }

    private void report(List<long[]> all) {
        System.out.printf(Locale.ROOT, "routers                   %d listed, Routers at once %d, %d cores%n", routers, concurrency,
                Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "window                    opened in %.1f s with the %d routers listed (JavaFX start-up included)%n",
                openSeconds, routers);
        System.out.println("pre-flight                " + preflightLine);
        System.out.println("batch                     " + batchLine);
        if (stoppedEarly != null) {
            System.out.println("stopped early             " + stoppedEarly + "; the figures below cover what ran");
        }
        List<String> names = new ArrayList<>(marks.keySet());
        System.out.println("FX thread, heartbeat every " + BEAT_MS + " ms (late = when it ran minus when it was posted):");
        for (int i = 0; i < names.size() - 1; i++) {
            long from = marks.get(names.get(i));
            long to = marks.get(names.get(i + 1));
            phaseLine(names.get(i), all.stream().filter(b -> b[0] >= from && b[0] < to).toList());
        }
        long first = marks.get(names.get(0));
        phaseLine("whole run", all.stream().filter(b -> b[0] >= first).toList());
        System.out.printf(Locale.ROOT, "heartbeat timer           posted up to %.0f ms late itself (CPU contention, not the FX thread)%n",
                timerLateMax / 1e6);
        System.out.printf(Locale.ROOT, "heap                      max %.0f MiB in use (sampled every 20 ms), -Xmx %.0f MiB%n",
                maxHeapUsed / 1048576.0, Runtime.getRuntime().maxMemory() / 1048576.0);
        synchronized (stallFrames) {
            if (stallSamples > 0) {
                System.out.println("FX thread stacks while more than 100 ms late (" + stallSamples
                        + " samples, 20 ms apart), per phase: the top frame, the first frame outside the JDK under a top frame in it, the first FleetFlash frame:");
                Map<String, List<Map.Entry<String, Integer>>> byPhase = new LinkedHashMap<>();
                marks.keySet().forEach(p -> byPhase.put(p, new ArrayList<>()));
                stallFrames.entrySet().forEach(e -> byPhase.get(e.getKey().substring(0, e.getKey().indexOf(" | "))).add(e));
                byPhase.forEach((p, frames) -> frames.stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(8)
                        .forEach(e -> System.out.printf(Locale.ROOT, "  %4d  %s%n", e.getValue(), e.getKey())));
                System.out.printf(Locale.ROOT, "FX thread's stack %.0f ms into the longest stall sampled (%s):%n", longestStackAge / 1e6,
                        longestStackPhase);
                int app = 0;
                for (int i = 0; i < longestStack.length && app < 3; i++) {
                    boolean ours = longestStack[i].getClassName().startsWith("org.fleetflash.");
                    if (i < 15 || ours) {
                        System.out.println((i >= 15 ? "    ... at " : "        at ") + longestStack[i]);
                    }
                    app += ours ? 1 : 0;
                }
            }
        }
    }

    private static void phaseLine(String name, List<long[]> beats) {
        if (beats.isEmpty()) {
            System.out.printf(Locale.ROOT, "  %-22s no heartbeat%n", name);
            return;
        }
        long[] late = beats.stream().mapToLong(b -> b[1] - b[0]).sorted().toArray();
        int over = 0;
        long stallEnd = Long.MIN_VALUE;
        long phaseStart = beats.stream().mapToLong(b -> b[0]).min().orElse(0);
        StringBuilder when = new StringBuilder();
        for (long[] b : beats.stream().sorted(Comparator.comparingLong(b -> b[0])).toList()) {
            if (b[1] - b[0] > STALL_NS && b[0] > stallEnd) {
                over++; // one stall, however many heartbeats waited behind it
                stallEnd = b[1];
                long wallMillis = System.currentTimeMillis() - (System.nanoTime() - b[0]) / 1_000_000; // to match a JFR recording
                when.append(String.format(Locale.ROOT, "%s%.0f ms at %.2f s (%s)", when.length() == 0 ? "" : ", ", (b[1] - b[0]) / 1e6,
                        (b[0] - phaseStart) / 1e9, java.time.Instant.ofEpochMilli(wallMillis)));
            }
        }
        double spanS = (beats.get(beats.size() - 1)[0] - beats.get(0)[0]) / 1e9;
        System.out.printf(Locale.ROOT, "  %-22s %6.1f s  longest %6.1f ms  p99 %6.1f ms  p50 %5.1f ms  stalls over 100 ms: %d  (%d beats)%s%n",
                name, spanS, late[late.length - 1] / 1e6, late[(int) Math.min(late.length - 1, Math.ceil(late.length * 0.99) - 1)] / 1e6,
                late[late.length / 2] / 1e6, over, late.length, when.length() == 0 ? "" : "\n" + " ".repeat(28) + "the stalls: " + when);
    }

    private void mark(String name) {
        marks.put(name, System.nanoTime());
        phase = name;
    }

    private void startHeartbeat() {
        timer = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "ui-bench-heartbeat");
            t.setDaemon(true);
            t.setPriority(Thread.MAX_PRIORITY);
            return t;
        });
        long start = System.nanoTime();
        long[] count = {0};
        timer.scheduleAtFixedRate(() -> {
            long posted = System.nanoTime();
            long expected = start + count[0]++ * TimeUnit.MILLISECONDS.toNanos(BEAT_MS);
            timerLateMax = Math.max(timerLateMax, posted - expected);
            pending.add(posted);
            Platform.runLater(() -> {
                long ran = System.nanoTime();
                pending.poll();
                beats.add(new long[] {posted, ran});
            });
        }, 0, BEAT_MS, TimeUnit.MILLISECONDS);
        timer.scheduleAtFixedRate(this::sample, 20, 20, TimeUnit.MILLISECONDS);
    }

    /** Heap in use, and the FX thread's stack while it is late. */
    private void sample() {
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        maxHeapUsed = Math.max(maxHeapUsed, used);
        Long oldest = pending.peek();
        long age = oldest == null ? 0 : System.nanoTime() - oldest;
        if (age > STALL_NS && fxThread != null) {
            StackTraceElement[] stack = fxThread.getStackTrace();
            String in = phase;
            synchronized (stallFrames) {
                stallSamples++;
                if (age > longestStackAge) {
                    longestStackAge = age;
                    longestStack = stack;
                    longestStackPhase = in;
                }
                if (stack.length > 0) {
                    stallFrames.merge(in + " | top:  " + stack[0], 1, Integer::sum);
                }
                for (int i = 0; i < stack.length && jdk(stack[0]); i++) {
                    if (!jdk(stack[i])) {
                        stallFrames.merge(in + " | in:   " + stack[i], 1, Integer::sum); // below a park or a wait: what it waits in
                        break;
                    }
                }
                for (StackTraceElement e : stack) {
                    if (e.getClassName().startsWith("org.fleetflash.")) {
                        stallFrames.merge(in + " | app:  " + e, 1, Integer::sum);
                        break;
                    }
                }
            }
        }
    }

    private static boolean jdk(StackTraceElement e) {
        return e.getClassName().startsWith("java.") || e.getClassName().startsWith("jdk.") || e.getClassName().startsWith("sun.");
    }

    /** The node of {@code id} in any showing window (the main window, the login dialog, the confirmation sheet). */
    private static Optional<Node> find(String id) {
        // the newest window first: the dialog looked for is there, and the main window's many nodes are searched last
        // (this polling is the bench's own work on the FX thread, not the window's)
        List<Window> windows = new ArrayList<>(Window.getWindows());
        java.util.Collections.reverse(windows);
        for (Window w : windows) {
            if (w.isShowing() && w.getScene() != null) {
                Node n = w.getScene().lookup(id);
                if (n != null) {
                    return Optional.of(n);
                }
            }
        }
        return Optional.empty();
    }

    private static <T> T onFx(Callable<T> task) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                f.complete(task.call());
            } catch (Exception | Error e) {
                f.completeExceptionally(e);
            }
        });
        return f.get(60, TimeUnit.SECONDS);
    }

    private static void waitUntil(String what, Duration limit, Callable<Boolean> condition) throws Exception {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            if (onFx(condition)) {
                return;
            }
            Thread.sleep(100); // polling, bounded by the limit
        }
        throw new IllegalStateException("Not reached within " + limit.toSeconds() + " s: " + what);
    }
}

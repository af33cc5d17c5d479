package org.fleetflash.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.fleetflash.core.discovery.MacAddress;
import org.fleetflash.core.discovery.DiscoveredHost;
import org.fleetflash.core.discovery.Discovery;
import org.fleetflash.core.discovery.NeighbourCache;
import org.fleetflash.core.discovery.OuiTable;
import org.fleetflash.core.discovery.ReverseNames;
import org.fleetflash.core.discovery.ScanHit;
import org.fleetflash.core.discovery.ScanJob;
import org.fleetflash.core.discovery.ScanOptions;
import org.fleetflash.core.discovery.ScanPlan;
import org.fleetflash.core.discovery.ScanRefusedException;
import org.fleetflash.core.discovery.ScanSummary;
import org.fleetflash.core.text.Sanitize;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fleetflash scan}: finds open SSH ports in the given ranges and says which look like FreeBSD routers. */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = {"Runs a TCP connect scan of the given addresses, ranges and blocks, reads the first line every open port "
                + "sends (the SSH identification) and guesses FreeBSD, OpenSSH, dropbear or not SSH.",
            "Adds the MAC address and vendor from this computer's neighbour table (read, never probed).",
            "Prints one line per open address:port, as found, then a summary.",
            "Nothing is written to any target; see docs/discovery.md."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:scan complete", "2:bad command line or refused targets", "4:stopped at --max-seconds",
            "130:cancelled (Ctrl-C)", "1:anything else"})
final class ScanCommand implements java.util.concurrent.Callable<Integer> {

    static final int DEADLINE = 4;
    static final int CANCELLED = 130;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "TARGET",
            description = "What to scan: 192.168.1.1, 192.168.1.10-20, 192.168.1.10-192.168.2.5 or 192.168.1.0/24 (IPv4; names are "
                    + "not resolved).")
    List<String> targets;

    @Option(names = {"-p", "--port"}, split = ",", defaultValue = "22", paramLabel = "PORT", converter = PortNumber.class,
            description = "Port(s) to try, comma separated (default: ${DEFAULT-VALUE}).")
    List<Integer> ports;

    /** A port as the technician typed it: a number, or a sentence that says how to write one (not picocli's "not an int"). */
    static final class PortNumber implements picocli.CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String text) {
            try {
                return Integer.valueOf(text.strip());
            } catch (NumberFormatException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + org.fleetflash.core.text.Sanitize.line(text, 20) + "' is not"
                        + " a port number: give one or more, comma separated, as 22 or 22,2222 (ranges such as 1-3 are not taken).");
            }
        }
    }

    @Option(names = "--timeout-ms", defaultValue = "1000", paramLabel = "N",
            description = "Deadline of each connect (default: ${DEFAULT-VALUE} ms).")
    long timeoutMs;

    @Option(names = "--banner-timeout-ms", defaultValue = "2000", paramLabel = "N",
            description = "How long an open port gets to send its first line (default: ${DEFAULT-VALUE} ms).")
    long bannerTimeoutMs;

    @Option(names = "--concurrency", defaultValue = "1024", paramLabel = "N",
            description = "Connects in flight at most, 1-8192 (default: ${DEFAULT-VALUE}; lowered to fit the file descriptor limit).")
    int concurrency;

    @Option(names = "--max-seconds", defaultValue = "1800", paramLabel = "N",
            description = "Stop the whole scan after this long (default: ${DEFAULT-VALUE} s).")
    long maxSeconds;

    @Option(names = "--force", description = "Allow more than a /16 (65536 addresses); never more than a /8.")
    boolean force;

    @Option(names = "--resolve", description = "Look up reverse DNS names of open hosts (sends DNS queries; off by default).")
    boolean resolve;

    @Option(names = "--no-neighbours", description = "Do not read the neighbour table for MAC addresses and vendors.")
    boolean noNeighbours;

    @Option(names = "--json", description = "Print one JSON object per line: each open port, then the summary.")
    boolean json;

    private ObjectMapper mapper;

    /** Jackson is loaded only for --json: a plain scan starts faster without it. */
    private ObjectMapper mapper() {
        if (mapper == null) {
            mapper = new ObjectMapper();
            // exact strings, every non-ASCII character escaped: no terminal obeys a banner or a reverse name
            mapper.getFactory().configure(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII.mappedFeature(), true);
        }
        return mapper;
    }

    /** One JSON line, written by {@link #mapper()} so that non-ASCII characters are escaped. */
    private String json(ObjectNode o) {
        try {
            return mapper().writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("A JSON tree could not be written", e);
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ScanPlan plan;
        ScanOptions options;
        try {
            plan = ScanPlan.of(targets, ports, force);
            options = new ScanOptions(concurrency, Duration.ofMillis(timeoutMs), Duration.ofMillis(bannerTimeoutMs),
                    Duration.ofSeconds(maxSeconds));
        } catch (ScanRefusedException | IllegalArgumentException e) {
            Failures.print(err, spec, e.getMessage());
            err.println("Try '" + spec.qualifiedName() + " --help'.");
            return ExitCodes.USAGE;
        }
        NeighbourCache neighbours = noNeighbours ? null : NeighbourCache.local(Duration.ofMillis(500));
        ExecutorService printer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fleetflash-scan-printer");
            t.setDaemon(true);
            return t;
        });
        List<CompletableFuture<Void>> printed = new ArrayList<>();
        AtomicReference<ScanJob> running = new AtomicReference<>();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            ScanJob j = running.get();
            if (j != null) {
                j.cancel();
            }
            try {
                finished.await(3, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "fleetflash-scan-cancel");
        try (ReverseNames names = resolve ? new ReverseNames(8, Duration.ofSeconds(2)) : null) {
            Runtime.getRuntime().addShutdownHook(hook);
            ScanJob job = ScanJob.start(plan, options, hit -> {
                CompletableFuture<Optional<String>> name = names == null
                        ? CompletableFuture.completedFuture(Optional.empty()) : names.lookup(hit.address());
                synchronized (printed) {
                    printed.add(name.thenAcceptAsync(n -> print(out, hit, neighbours, n), printer));
                }
            });
            running.set(job);
            if (job.concurrency() < concurrency && plan.probeCount() > job.concurrency()) {
                Failures.print(err, spec, "concurrency lowered to " + job.concurrency()
                        + " by the file descriptor limit (raise 'ulimit -n' for more)");
            }
            ScanSummary summary = job.await(Duration.ofSeconds(maxSeconds).plusSeconds(30));
            CompletableFuture<?>[] all;
            synchronized (printed) {
                all = printed.toArray(CompletableFuture[]::new);
            }
            try {
                CompletableFuture.allOf(all).get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
                Failures.print(err, spec, "some results could not be printed: " + e.getMessage());
            }
            printSummary(out, plan, summary);
            out.flush();
            if (summary.cancelled()) {
                return CANCELLED;
            }
            return summary.deadlineReached() ? DEADLINE : ExitCodes.OK;
        } catch (ScanRefusedException e) {
            Failures.print(err, spec, e.getMessage());
            return ExitCodes.USAGE;
        } catch (IOException | TimeoutException e) {
            Failures.print(err, spec, e.getMessage());
            return ExitCodes.OTHER;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CANCELLED;
        } finally {
            ScanJob j = running.get();
            if (j != null) {
                j.close();
            }
            printer.shutdownNow();
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is already stopping (Ctrl-C): the hook is running.
            }
        }
    }

    private void print(PrintWriter out, ScanHit hit, NeighbourCache neighbours, Optional<String> found) {
        DiscoveredHost host = Discovery.identify(hit, neighbours, OuiTable.bundled(), found);
        Optional<MacAddress> mac = host.mac();
        Optional<String> vendor = host.vendor();
        Optional<String> name = host.reverseName();
        if (json) {
            ObjectNode o = mapper().createObjectNode();
            o.put("address", hit.address().toString());
            o.put("port", hit.port());
            o.put("banner", hit.banner());
            o.put("guess", hit.guess().label());
            o.put("detail", hit.detail());
            o.put("connectMs", hit.connectTime().toMillis());
            o.put("mac", mac.map(MacAddress::toString).orElse(null));
            o.put("vendor", vendor.orElse(null));
            o.put("name", name.orElse(null));
            out.println(json(o));
        } else {
            StringBuilder extra = new StringBuilder();
            mac.ifPresent(m -> extra.append("  ").append(m).append(vendor.map(v -> " (" + Sanitize.line(v, 80) + ")").orElse("")));
            name.ifPresent(n -> extra.append("  ").append(Sanitize.line(n, 253)));
            out.printf("%-21s %-9s %s%s%n", hit.hostPort(), hit.guess().label(),
                    hit.banner().isEmpty() ? "(" + Sanitize.line(hit.detail()) + ")" : Sanitize.line(hit.banner()), extra);
        }
        out.flush();
    }

    private void printSummary(PrintWriter out, ScanPlan plan, ScanSummary s) {
        String end = s.cancelled() ? " (cancelled)" : s.deadlineReached() ? " (stopped at --max-seconds)" : "";
        if (json) {
            ObjectNode o = mapper().createObjectNode();
            o.put("summary", true);
            o.put("addressesTried", s.addressesTried());
            o.put("connects", s.connects());
            o.put("open", s.open());
            o.put("timedOut", s.timedOut());
            o.put("errors", s.errors());
            o.put("elapsedMs", s.elapsed().toMillis());
            o.put("cancelled", s.cancelled());
            o.put("deadlineReached", s.deadlineReached());
            o.put("concurrency", s.concurrency());
            plan.ports().forEach(o.putArray("ports")::add);
            out.println(json(o));
        } else {
            out.printf("Tried %d of %d addresses (%d connects, port %s): %d open, %d timed out, in %.3f s%s%n",
                    s.addressesTried(), plan.addressCount(), s.connects(), plan.ports().stream().map(String::valueOf)
                            .reduce((a, b) -> a + "," + b).orElse(""),
                    s.open(), s.timedOut(), s.elapsed().toNanos() / 1e9, end);
        }
    }
}

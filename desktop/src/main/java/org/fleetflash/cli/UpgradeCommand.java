package org.fleetflash.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.fleetflash.core.app.AppServices;
import org.fleetflash.core.batch.BatchEvent;
import org.fleetflash.core.batch.BatchListener;
import org.fleetflash.core.batch.BatchResult;
import org.fleetflash.core.batch.BatchRunner;
import org.fleetflash.core.batch.BatchSettings;
import org.fleetflash.core.history.History;
import org.fleetflash.core.history.InstanceLockedException;
import org.fleetflash.core.settings.DataDirectory;
import org.fleetflash.core.upgrade.FailureCode;
import org.fleetflash.core.upgrade.ImageHosting;
import org.fleetflash.core.upgrade.Phase;
import org.fleetflash.core.upgrade.RouterId;
import org.fleetflash.core.upgrade.UpgradeEvent;
import org.fleetflash.core.upgrade.UpgradeRequest;
import org.fleetflash.core.upgrade.UpgradeResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code fleetflash upgrade}: upgrades one router, or a batch of them, end to end, from the command line. */
@Command(name = "upgrade", mixinStandardHelpOptions = true,
        description = {"Upgrades routers online: checks that the image is for each router, backs up its flash, stages "
                + "the image in RAM, reroots, flashes the changed erase blocks, and checks that the router came back with "
                + "the image. Several routers are upgraded as one batch, at most --concurrency at once.",
            "Ctrl+C before the reroot cancels and undoes; after it, the router finishes on its own."},
        exitCodeListHeading = "%nExit status (for a batch: the worst router's):%n",
        exitCodeList = {"0:SUCCEEDED: every router runs the new image, checked byte for byte (or already held it)",
            "10:FAILED_SAFE: stopped before the reroot; the router runs its old firmware, untouched",
            "11:FAILED_SAFE (CANCELLED): Ctrl+C or SIGTERM before the reroot; what was made on the router was undone",
            "20:NEEDS_ATTENTION: after the reroot something did not check out; see the message",
            "21:interrupted after the reroot: the router finishes flashing on its own; 'fleetflash resume' records it later",
            "1:another FleetFlash uses this data directory (the message names its process), or an unexpected error",
            "2:bad command line",
            "130:Ctrl+C before any router was contacted: nothing was done"})
final class UpgradeCommand implements Callable<Integer> {

    static final int EXIT_FAILED_SAFE = 10;
    static final int EXIT_CANCELLED = 11;
    static final int EXIT_NEEDS_ATTENTION = 20;
    static final int EXIT_LEFT_FLASHING = 21;
    /** How long Ctrl+C waits for the routers to be cleaned up before giving up and saying what to do. */
    private static final Duration CANCEL_WAIT = Duration.ofSeconds(60);
    private static final long MAX_RETURN_TIMEOUT = 86_400;
    /** How long the end of a run waits for the history to hold every event. */
    private static final Duration RECORD_WAIT = Duration.ofSeconds(15);

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "HOST[:PORT]", description = "The routers (port 22 unless given).")
    List<String> targets = new ArrayList<>();

    @Option(names = "--image", required = true, paramLabel = "FILE", description = "The firmware image.")
    Path image;

    @Option(names = "--layout", required = true, paramLabel = "\"kernel rootfs\"",
            description = "The contiguous partitions the image spans, in flash order.")
    String layout;

    @Mixin
    ProbeCommand.ConnectOptions connect;

    @Mixin
    BatchOptions batch;

    @Option(names = "--bind", paramLabel = "ADDR",
            description = "Laptop address the router downloads from and reports to (default: the address of the SSH connection).")
    String bind;

    @Option(names = "--transport", defaultValue = "auto", paramLabel = "auto|ftp|ssh",
            description = "How the image reaches the router: fetch from FleetFlash's FTP server, or over SSH (default: ${DEFAULT-VALUE}).")
    UpgradeRequest.Transport transport;

    @Option(names = "--return-timeout", defaultValue = "600", paramLabel = "SECONDS",
            description = "How long to wait for the router to answer again after the reroot (default: ${DEFAULT-VALUE} s).")
    long returnTimeoutSeconds;

    @Option(names = "--json-events", description = "Print one JSON object per event (docs/events.md), the last one with the outcome.")
    boolean jsonEvents;

    @Option(names = "--reflash",
            description = "Write the image even when the router's flash already holds it byte for byte (by default such a router is left alone).")
    boolean reflash;

    @Option(names = "--force-image",
            description = "Expert override: flash an image of an unknown format, or one for another TP-Link model. The"
                    + " result records it as forced. It never overrides a corrupt header, another architecture or a missing root.")
    boolean forceImage;

    private final EventJson json = new EventJson();

    /** How long a printed event may wait in the buffer while more events keep coming. */
    private static final long FLUSH_AT_LEAST_EVERY = Duration.ofMillis(500).toNanos();
    /** When {@link #print} last flushed ({@link System#nanoTime()}). */
    private long lastFlush = System.nanoTime();

    /**
     * Whether the command writes to this process's own standard output, so that a live table may be drawn there
     * when it is a terminal (set by {@link FleetFlashCommand#run}; a command line built on other streams prints lines).
     */
    boolean processStdout;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        // the image and the layout are the same for every router: refused here once, not by each router after its login
        if (Files.isDirectory(image)) {
            throw new ParameterException(spec.commandLine(), "The image " + image + " is a folder: give the firmware image file itself.");
        }
        if (!Files.isReadable(image)) {
            throw new ParameterException(spec.commandLine(), "Cannot read the image " + image + ": check the path and its permissions.");
        }
        if (!Files.isRegularFile(image)) { // /dev/zero, a named pipe: never "empty", and never to be read to its end
            throw new ParameterException(spec.commandLine(), "The image " + image + " is a device, a pipe or a socket, not a file: give"
                    + " the firmware image file itself.");
        }
        if (Files.size(image) == 0) {
            throw new ParameterException(spec.commandLine(), "The image " + image + " is empty (0 bytes): check that it was copied or "
                    + "downloaded completely.");
        }
        if (layout.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--layout names no partition: give the partitions the image spans, in "
                    + "flash order, for example --layout \"kernel rootfs\".");
        }
        if (returnTimeoutSeconds < 1 || returnTimeoutSeconds > MAX_RETURN_TIMEOUT) {
            throw new ParameterException(spec.commandLine(), "--return-timeout must be 1 to " + MAX_RETURN_TIMEOUT + " seconds, not "
                    + returnTimeoutSeconds + " (a router with a slow flash needs a few minutes; the default is 600).");
        }
        List<BatchOptions.Target> routers = batch.targets(spec, targets);
        String operator = BatchOptions.label(spec, "--operator", batch.operator);
        String site = BatchOptions.label(spec, "--site", batch.site);
        BatchSettings settings = batch.settings(spec, routers.size());
        ImageHosting hosting = batch.imageHosting(spec, Math.min(settings.concurrency(), routers.size())); // checked before anything
        Optional<InetAddress> bindAddress = bind == null ? Optional.empty() : Optional.of(LocalAddresses.parseLocal(bind, spec));
        DataDirectory data = connect.dataDirectory();
        Path home = data.ensureExists();
        org.fleetflash.core.device.Credentials credentials = connect.credentials(spec); // a bad secret file fails before anything
        LiveTable live = new LiveTable();
        History history;
        try {
            history = connect.openHistory(spec); // one FleetFlash per data directory: a second one is told who holds it
        } catch (InstanceLockedException e) {
            Failures.print(spec.commandLine().getErr(), spec, e.getMessage());
            return ExitCodes.OTHER;
        }
        try (History recorded = history) {
            List<UpgradeRequest> requests = new ArrayList<>();
            for (BatchOptions.Target t : routers) {
                requests.add(new UpgradeRequest(t.target(), t.credentials(credentials), connect.sshOptions(),
                        recorded.hostKeys(), image, Arrays.asList(layout.trim().split("\\s+")), bindAddress, transport,
                        Duration.ofSeconds(returnTimeoutSeconds), data.backups(), reflash, forceImage));
            }
            try (AppServices app = AppServices.start(home, hosting, recorded.hostKeys());
                    TerminalTable table = processStdout && !jsonEvents && routers.size() > 1 ? TerminalTable.open(live).orElse(null)
                            : null) {
                recorded.offerBackups(app.upgrades());
                app.upgrades().delivery().whenIdle(() -> flushed(out));
                BatchListener shown = table != null ? live.listener() : listener(out, routers.size(), settings);
                BatchRunner runner = new BatchRunner(app.upgrades(), requests, settings, BatchListener.both(shown, recorded.writer()))
                        .journalBeforeCommit(ref -> recorded.writer().awaitPhaseWritten(ref.attemptId(), Phase.COMMIT, RECORD_WAIT));
                if (operator != null || site != null) {
                    recorded.writer().labelBatch(runner.batchId(), operator, site, Instant.now());
                }
                CompletableFuture<BatchResult> finished = new CompletableFuture<>();
                Thread onInterrupt = new Thread(() -> interrupted(runner, finished, table, live, recorded), "fleetflash-interrupt");
                Runtime.getRuntime().addShutdownHook(onInterrupt);
                BatchResult result = runner.run();
                finished.complete(result);
                try {
                    Runtime.getRuntime().removeShutdownHook(onInterrupt);
                } catch (IllegalStateException shuttingDown) {
                    onInterrupt.join(); // Ctrl+C came meanwhile: the hook reports and ends the process
                }
                if (table != null) {
                    table.close(); // the table's last state, then the summary below it
                }
                if (!jsonEvents && routers.size() > 1) {
                    BatchReport.summary(out, result);
                }
                out.flush();
                awaitRecorded(recorded);
                return exitStatus(result);
            }
        }
    }

    /** Waits (a little) until the history holds every event; what could not be written is in the log. */
    private void awaitRecorded(History history) {
        try {
            if (!history.writer().awaitWritten(RECORD_WAIT)) {
                Failures.print(spec.commandLine().getErr(), spec, "the history " + history.file() + " is not up to date:"
                        + " writing it took longer than " + RECORD_WAIT.toSeconds() + " s (see the log).");
            }
            String missed = History.incomplete(history.writer(), 0);
            if (!missed.isEmpty()) {
                Failures.print(spec.commandLine().getErr(), spec, "the history " + history.file() + " " + missed);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private BatchListener listener(PrintWriter out, int routers, BatchSettings settings) {
        return new BatchListener() {
            private final HumanEvents human = new HumanEvents();

            @Override
            public void on(UpgradeEvent e) {
                String line = jsonEvents ? json.of(e) : human.line(e);
                if (line != null) {
                    print(out, line);
                }
            }

            private boolean batchFinished;

            @Override
            public void onBatch(BatchEvent e) {
                if (batchFinished) {
                    return; // batchFinished is the last line a script reads; it holds the final totals already
                }
                batchFinished = e instanceof BatchEvent.Finished;
                if (jsonEvents && routers > 1) {
                    print(out, BatchReport.json(json, e));
                } else if (!jsonEvents && e instanceof BatchEvent.Halted h) {
                    print(out, "batch  halted: " + h.reason() + "; " + h.forTheRunning() + ".");
                } else if (!jsonEvents && e instanceof BatchEvent.Retrying t) {
                    // its FAILED_SAFE line above is not its end: say so, and when it is tried again
                    print(out, String.format("%s  to be tried again (try %d of %d) in %d s, after %s", t.router().hostPort(), t.attempt(),
                            settings.retries() + 1, settings.retryDelay().multipliedBy(t.attempt() - 1).toSeconds(), t.previous().code()));
                }
            }
        };
    }

    /**
     * Prints a line of the event stream. A JSON line reaches the output when the engine has delivered every event
     * queued so far ({@link #flushed}), or half a second after the last flush while events keep coming: one write
     * for a burst of events, not one per erase block of sixteen routers.
     */
    private synchronized void print(PrintWriter out, String line) {
        if (line != null) {
            out.println(line);
            // a human line at once, in its order with what stderr says; JSON lines are read by a program
            if (!jsonEvents || System.nanoTime() - lastFlush > FLUSH_AT_LEAST_EVERY) {
                flushed(out);
            }
        }
    }

    /** Flushes what {@link #print} wrote. */
    private synchronized void flushed(PrintWriter out) {
        out.flush();
        lastFlush = System.nanoTime();
    }

    static int exitStatus(BatchResult result) {
        return result.results().stream().mapToInt(UpgradeCommand::exitStatus).max().orElse(ExitCodes.OK);
    }

    static int exitStatus(UpgradeResult result) {
        return switch (result.outcome()) {
            case SUCCEEDED -> ExitCodes.OK;
            case FAILED_SAFE -> result.code() == FailureCode.CANCELLED ? EXIT_CANCELLED : EXIT_FAILED_SAFE;
            case NEEDS_ATTENTION -> EXIT_NEEDS_ATTENTION;
        };
    }

    /**
     * Ctrl+C / SIGTERM (a shutdown hook): the routers before their reroot are cancelled and undone, and the process
     * ends with {@link #EXIT_CANCELLED}; the ones past it cannot be stopped, so the technician is told what they do on
     * their own and how to check them later ({@link #EXIT_LEFT_FLASHING}). Ends the process itself.
     */
    private void interrupted(BatchRunner runner, CompletableFuture<BatchResult> finished, TerminalTable table, LiveTable live,
            History history) {
        PrintWriter err = spec.commandLine().getErr();
        int status;
        if (finished.isDone()) {
            status = exitStatus(finished.join());
        } else {
            BatchRunner.CancelSummary answer = runner.cancel();
            if (answer.undoing() > 0) {
                String cancelling = "cancelling " + answer.undoing() + " router(s) before the reroot; undoing what was made on them...";
                if (table != null) {
                    live.status(cancelling); // on the table, which goes on showing the routers being undone
                } else {
                    err.println("fleetflash upgrade: " + cancelling);
                    err.flush();
                }
            }
            boolean cleaned = runner.awaitOnlyPastPointOfNoReturn(CANCEL_WAIT);
            if (cleaned) {
                runner.flushEvents(Duration.ofSeconds(5));
            }
            if (table != null) {
                table.close(); // before any sentence on stderr, so that the two do not overwrite each other
            }
            status = cancelledStatus(runner, finished, cleaned, err);
            for (RouterId past : answer.pastPointOfNoReturn()) {
                status = Math.max(status, EXIT_LEFT_FLASHING);
                String text = "Stopped watching " + past.hostPort() + ", but the router is past the point of no return: it"
                        + " writes the image to its flash on its own, reboots into it and answers SSH again within a few"
                        + " minutes. Do not power it off. Later, run 'fleetflash resume': it checks the router's flash and"
                        + " records the outcome of this attempt, which the history keeps open until then.";
                if (jsonEvents) {
                    ObjectNode o = json.node();
                    o.put("event", "interrupted");
                    o.put("router", past.hostPort());
                    o.put("message", text);
                    print(spec.commandLine().getOut(), json.write(o));
                } else {
                    err.println("fleetflash upgrade: " + text);
                }
            }
        }
        awaitRecorded(history);
        spec.commandLine().getOut().flush();
        err.flush();
        Runtime.getRuntime().halt(status);
    }

    /**
     * The exit status once the cancelled routers' clean-up was waited for ({@code cleaned}: it ended in time): the
     * worst of the routers that ended; says what to do when the clean-up did not end in time.
     */
    private static int cancelledStatus(BatchRunner runner, CompletableFuture<BatchResult> finished, boolean cleaned,
            PrintWriter err) {
        if (!cleaned) {
            err.println("fleetflash upgrade: not every router confirmed its clean-up within " + CANCEL_WAIT.toSeconds() + " s."
                    + " Nothing was written to their flash. Run 'fleetflash cleanup HOST' on each of them to remove what the"
                    + " upgrade made there.");
            return EXIT_NEEDS_ATTENTION;
        }
        int status = finished.isDone() ? exitStatus(finished.join()) : ExitCodes.OK;
        for (UpgradeResult r : runner.resultsSoFar()) {
            status = Math.max(status, exitStatus(r));
        }
        return status;
    }
}

package org.fleetflash.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorCompletionService;
import org.fleetflash.core.device.Credentials;
import org.fleetflash.core.device.SshConnector;
import org.fleetflash.core.history.History;
import org.fleetflash.core.history.InstanceLockedException;
import org.fleetflash.core.text.Sanitize;
import org.fleetflash.core.upgrade.InterruptedAttempt;
import org.fleetflash.core.upgrade.Outcome;
import org.fleetflash.core.upgrade.ResumeCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code fleetflash resume}: judges every attempt an earlier FleetFlash left unfinished (killed, crashed, power cut)
 * from its router's flash, and records what really happened.
 */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = {"Checks the routers of upgrade attempts that never ended because FleetFlash itself stopped (killed, "
                + "crashed, power cut; 'history list' shows them as INTERRUPTED) and records what really happened to each: "
                + "it logs in, removes what the attempt left before its reroot, reads the flash and compares it with the image "
                + "and with the backup the attempt took.",
            "A router past its reroot may still be flashing: it is waited for (--wait). A router that cannot be reached "
                    + "or logged into stays INTERRUPTED; run resume again later."},
        exitCodeListHeading = "%nExit status (the worst router's):%n",
        exitCodeList = {"0:nothing was interrupted, or every router runs the new image (checked byte for byte)",
            "10:FAILED_SAFE: some router was left as it was (and cleaned up); upgrade it again",
            "12:some router could not be judged now and stays INTERRUPTED (the message says why)",
            "20:NEEDS_ATTENTION: some router holds neither the image nor its old flash, or never came back",
            "1:another FleetFlash uses this data directory (the message names its process), or an unexpected error",
            "2:bad command line",
            "130:Ctrl+C: the attempts not judged yet stay INTERRUPTED; run resume again"})
final class ResumeCommand implements Callable<Integer> {

    static final int EXIT_STILL_INTERRUPTED = 12;
    private static final int MAX_PARALLEL = 8;
    private static final long MAX_WAIT = 86_400;

    @Spec
    CommandSpec spec;

    @Mixin
    ProbeCommand.ConnectOptions connect;

    @Option(names = "--router", paramLabel = "HOST[:PORT]", description = "Only the interrupted attempts of this router.")
    String router;

    @Option(names = "--targets", paramLabel = "FILE",
            description = "The batch's targets file ([USER@]HOST[:PORT] per line): a router it names is logged into as its user.")
    java.nio.file.Path targetsFile;

    @Option(names = "--wait", defaultValue = "600", paramLabel = "SECONDS",
            description = "How long to wait for a router that was past its reroot (it may still be flashing) (default: ${DEFAULT-VALUE} s).")
    long waitSeconds;

    @Override
    public Integer call() throws Exception {
        if (waitSeconds < 0 || waitSeconds > MAX_WAIT) {
            throw new ParameterException(spec.commandLine(), "--wait must be 0 to " + MAX_WAIT + " seconds, not " + waitSeconds + ".");
        }
        if (router != null) {
            try {
                org.fleetflash.core.device.SshTarget.parse(router);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--router: " + e.getMessage());
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Credentials credentials = connect.credentials(spec);
        java.util.Map<String, BatchOptions.Target> named = new java.util.HashMap<>();
        if (targetsFile != null) {
            BatchOptions.readTargets(spec, targetsFile).forEach(t -> named.put(t.target().hostPort(), t));
        }
        History history;
        try {
            history = connect.openHistory(spec, false); // resume is what the reminder asks for
        } catch (InstanceLockedException e) {
            Failures.print(err, spec, e.getMessage());
            return ExitCodes.OTHER;
        }
        try (History recorded = history; SshConnector connector = SshConnector.start()) {
            List<InterruptedAttempt> todo = recorded.interrupted().stream().filter(this::wanted).toList();
            if (todo.isEmpty()) {
                out.println("No interrupted upgrade attempt" + (router == null ? "" : " of " + Sanitize.line(router, 80))
                        + " to check.");
                return ExitCodes.OK;
            }
            out.println("Checking " + todo.size() + " interrupted attempt(s)...");
            out.flush();
            ResumeCheck check = new ResumeCheck(connector, r -> java.util.Optional.ofNullable(named.get(r.hostPort()))
                    .map(t -> t.credentials(credentials)).orElse(credentials), connect.sshOptions(), recorded.hostKeys(), Duration.ofSeconds(waitSeconds),
                    Clock.systemUTC(), d -> Thread.sleep(d.toMillis()));
            int status = ExitCodes.OK;
            // Ctrl+C / SIGTERM while routers are checked (a wait can last minutes): what was found so far is written,
            // and the technician is told that the others stay interrupted, not left with a silent stop
            java.util.concurrent.atomic.AtomicInteger judgedCount = new java.util.concurrent.atomic.AtomicInteger();
            Thread onStop = new Thread(() -> {
                try {
                    recorded.writer().awaitWritten(Duration.ofSeconds(5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                int left = todo.size() - judgedCount.get();
                if (left > 0) {
                    Failures.print(err, spec, "stopped before every router was checked: " + left + " interrupted attempt(s) stay"
                            + " INTERRUPTED, nothing was changed for them. Run 'fleetflash resume' again to check them.");
                }
                out.flush();
                err.flush();
            }, "fleetflash-resume-stop");
            Runtime.getRuntime().addShutdownHook(onStop);
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(MAX_PARALLEL, todo.size()), r -> {
                Thread t = new Thread(r, "fleetflash-resume");
                t.setDaemon(true);
                return t;
            });
            try {
                // each router's lines as soon as it is judged: one still flashing must not hold back the others
                ExecutorCompletionService<List<Judged>> judged = new ExecutorCompletionService<>(pool);
                java.util.Collection<List<InterruptedAttempt>> perRouter = InterruptedAttempt.perRouter(todo);
                for (List<InterruptedAttempt> attempts : perRouter) {
                    judged.submit(() -> {
                        List<Judged> found = new java.util.ArrayList<>();
                        for (InterruptedAttempt a : attempts) {
                            String router = Sanitize.line(a.router().hostPort(), 80);
                            ResumeCheck.Finding f = check.check(a, why -> {
                                synchronized (out) { // a line at a time among the routers checked at once
                                    out.println(router + "  waiting: " + Sanitize.line(why, Failures.MAX_MESSAGE));
                                    out.flush();
                                }
                            });
                            recorded.writer().resumed(a.attemptId(), f, Instant.now());
                            judgedCount.incrementAndGet();
                            found.add(new Judged(a, f));
                        }
                        return found;
                    });
                }
                for (int i = 0; i < perRouter.size(); i++) {
                    for (Judged j : judged.take().get()) {
                        out.println(Sanitize.line(j.attempt().router().hostPort(), 80) + "  " + j.finding().outcome().map(Outcome::name)
                                .orElse("INTERRUPTED") + "  attempt " + j.attempt().attemptId() + ": " + Sanitize.line(j.finding().message(),
                                Failures.MAX_MESSAGE));
                        status = Math.max(status, exitStatus(j.finding()));
                    }
                    out.flush();
                }
            } finally {
                pool.shutdownNow();
                try {
                    Runtime.getRuntime().removeShutdownHook(onStop);
                } catch (IllegalStateException shuttingDown) {
                    onStop.join(); // stopped meanwhile: the hook says so
                }
            }
            if (!recorded.writer().awaitWritten(Duration.ofSeconds(15))) {
                Failures.print(err, spec, "the history " + recorded.file() + " is not up to date: writing it took too long (see the log).");
                return ExitCodes.OTHER;
            }
            return status;
        }
    }

    private boolean wanted(InterruptedAttempt a) {
        if (router == null) {
            return true;
        }
        return org.fleetflash.core.device.SshTarget.matches(router, a.router().host(), a.router().port());
    }

    /** An attempt and what resume found. */
    private record Judged(InterruptedAttempt attempt, ResumeCheck.Finding finding) {
    }

    static int exitStatus(ResumeCheck.Finding f) {
        if (f.outcome().isEmpty()) {
            return EXIT_STILL_INTERRUPTED;
        }
        return switch (f.outcome().get()) {
            case SUCCEEDED -> ExitCodes.OK;
            case FAILED_SAFE -> UpgradeCommand.EXIT_FAILED_SAFE;
            case NEEDS_ATTENTION -> UpgradeCommand.EXIT_NEEDS_ATTENTION;
        };
    }
}

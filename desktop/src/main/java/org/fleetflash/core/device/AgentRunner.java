package org.fleetflash.core.device;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.fleetflash.agent.Agent;
import org.fleetflash.agent.protocol.AgentLine;
import org.fleetflash.agent.protocol.AgentLineParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the agent on a router and runs its sub-commands: finds where the agent lives (the router's
 * {@code sh} expands {@link Agent#HOME_EXPRESSION}), uploads it with {@code cat >}, checks it arrived
 * intact, and turns its output into {@link AgentLine}s. Every remote command runs through {@code sh -c},
 * whatever the user's login shell is (decision 0003).
 */
public final class AgentRunner {

    private static final Logger LOG = LoggerFactory.getLogger(AgentRunner.class);

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private final DeviceSession session;
    private final String home;
    private final UploadResult upload;

    private AgentRunner(DeviceSession session, String home, UploadResult upload) {
        this.session = session;
        this.home = home;
        this.upload = upload;
    }

    /** Uploads the agent over {@code session} and verifies it; each step within {@code deadline}. */
    public static AgentRunner install(DeviceSession session, Duration deadline) throws DeviceException {
        ExecResult where = session.execChecked(DeviceSession.sh("printf '%s\\n' \"" + Agent.HOME_EXPRESSION + "\""), deadline);
        String home = where.stdout().strip();
        if (!home.startsWith("/") || home.contains("\n")) {
            throw new RemoteCommandFailedException(session.target(), "find the agent's directory", 0,
                    home, "The router's shell answered oddly; is /bin/sh a POSIX shell?");
        }
        // Uploaded under a name of its own, then renamed over the agent: an upgrade of this router running at the
        // same moment keeps reading the file it started (a rename replaces the name, not the open file).
        String path = home + "/" + Agent.FILE_NAME;
        String temp = home + "/." + Agent.FILE_NAME + "." + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE);
        UploadResult sent = session.upload(Agent.script(), temp, deadline);
        session.execChecked(DeviceSession.sh("mv -f " + DeviceSession.shellQuote(temp) + " " + DeviceSession.shellQuote(path)),
                deadline);
        UploadResult upload = new UploadResult(path, sent.size(), sent.sha256(), sent.check());
        LOG.info("Agent on {} at {} ({})", session.target(), upload.remotePath(), upload.check().description());
        return new AgentRunner(session, home, upload);
    }

    /**
     * Uploads the agent and runs {@code sh ffagent.sh ARGS...} in one exec channel: the router's shell finds the
     * agent's directory, writes the script under a name of its own, checks its SHA-256 against the one sent with the
     * command, renames it over the agent and only then runs it, its lines handed to {@code sink}. One round trip
     * instead of five (home, upload, check, rename, run). A router without {@code sha256} cannot check the copy
     * itself: it runs nothing, and the agent is then installed the long way ({@link #install}, which reads the copy
     * back) and run on a channel of its own.
     *
     * @return the runner and the sub-command's exit status
     */
    public static Installed installAndRun(DeviceSession session, Duration deadline, List<String> args,
            Consumer<? super AgentLine> sink) throws DeviceException {
        return installAndChain(session, deadline, List.of(args), sink);
    }

    /**
     * As {@link #installAndRun(DeviceSession, Duration, List, Consumer)}, with several sub-commands run one after the
     * other once the agent is verified ({@code &&}: the first that fails ends the chain); their lines follow each
     * other, each run's starting with its {@code hello}. The exit status is the last run's that ran.
     */
    public static Installed installAndChain(DeviceSession session, Duration deadline, List<List<String>> runs,
            Consumer<? super AgentLine> sink) throws DeviceException {
        Objects.requireNonNull(sink, "sink");
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no sub-command to run");
        }
        byte[] script = Agent.script();
        String sha = Agent.sha256();
        String temp = "." + Agent.FILE_NAME + "." + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE);
        StringBuilder run = new StringBuilder();
        for (int i = 0; i < runs.size(); i++) {
            // the last run replaces the shell (exec), as a single one always did
            run.append(i == 0 ? "" : " && ").append(i == runs.size() - 1 ? "exec " : "").append("sh \"$h\"/")
                    .append(Agent.FILE_NAME);
            for (String a : runs.get(i)) {
                run.append(' ').append(DeviceSession.shellQuote(a));
            }
        }
        // line 1: the agent's directory; line 2: verified (then the agent's own lines), unverified or mismatch HEX
        String command = DeviceSession.sh("h=\"" + Agent.HOME_EXPRESSION + "\"; printf '%s\\n' \"$h\"; "
                + "case $h in /*) ;; *) exit 1 ;; esac; t=\"$h\"/" + temp + "; "
                + "mkdir -p \"$h\" && cat >\"$t\" || exit 1; "
                + "if command -v sha256 >/dev/null 2>&1; then s=$(sha256 -q \"$t\"); "
                + "if [ \"$s\" != " + sha + " ]; then rm -f \"$t\"; printf 'mismatch %s\\n' \"$s\"; exit 1; fi; "
                + "mv -f \"$t\" \"$h\"/" + Agent.FILE_NAME + " || exit 1; printf 'verified\\n'; " + run + "; fi; "
                + "rm -f \"$t\"; printf 'unverified\\n'");
        List<String> head = new ArrayList<>();
        StringBuilder installErrors = new StringBuilder();
        int status = session.stream(command, script, deadline, line -> {
            if (head.size() >= 2 && "verified".equals(head.get(1))) {
                sink.accept(toAgentLine(line));
            } else if (line.stream() == StdStream.STDOUT) {
                head.add(line.text());
            } else if (installErrors.length() < 2000) {
                installErrors.append(line.text()).append('\n');
            }
        });
        String home = head.isEmpty() ? "" : head.get(0).strip();
        if (!home.startsWith("/")) {
            throw new RemoteCommandFailedException(session.target(), "find the agent's directory", status, home,
                    "The router's shell answered oddly; is /bin/sh a POSIX shell?");
        }
        String verdict = head.size() < 2 ? "" : head.get(1);
        if (verdict.startsWith("mismatch")) {
            String remote = verdict.substring("mismatch".length()).strip();
            throw new UploadVerificationException(session.target(), home + "/" + temp, UploadCheck.REMOTE_SHA256, "SHA-256 "
                    + sha, remote.matches("[0-9a-f]{64}") ? "SHA-256 " + remote : "sha256 output \"" + Durations.abbreviate(remote)
                    + "\"");
        }
        if ("unverified".equals(verdict)) {
            AgentRunner runner = install(session, deadline);
            int last = 0;
            for (List<String> args : runs) {
                last = runner.run(args, deadline, sink);
                if (last != 0) {
                    break;
                }
            }
            return new Installed(runner, last);
        }
        if (!"verified".equals(verdict)) {
            throw new RemoteCommandFailedException(session.target(), "upload the agent to " + home, status,
                    installErrors.toString(), "Check that the directory is writable and that the router has free space (df -h).");
        }
        UploadResult upload = new UploadResult(home + "/" + Agent.FILE_NAME, script.length, sha, UploadCheck.REMOTE_SHA256);
        LOG.info("Agent on {} at {} ({}), ran {}", session.target(), upload.remotePath(), upload.check().description(), runs);
        return new Installed(new AgentRunner(session, home, upload), status);
    }

    /** An agent installed by {@link #installAndRun}, and the exit status of the sub-command it ran. */
    public record Installed(AgentRunner runner, int exitStatus) {
    }

    /** A runner for an agent uploaded earlier (e.g. over a session that has since ended). */
    public static AgentRunner installed(DeviceSession session, String home, UploadResult upload) {
        return new AgentRunner(session, home, upload);
    }

    /** The session the agent runs over. */
    public DeviceSession session() {
        return session;
    }

    /** Where the agent lives on the router. */
    public String home() {
        return home;
    }

    /** How the agent's upload was verified. */
    public UploadResult upload() {
        return upload;
    }

    /**
     * Runs {@code sh ffagent.sh <subcommand>} and hands every line to {@code sink} as it arrives: stdout
     * through the strict protocol parser, stderr as log. Returns the agent's exit status.
     */
    public int run(String subcommand, Duration deadline, Consumer<? super AgentLine> sink) throws DeviceException {
        return run(List.of(subcommand), deadline, sink);
    }

    /** Runs {@code sh ffagent.sh ARGS...} (each argument quoted) and hands every line to {@code sink}; returns the exit status. */
    public int run(List<String> args, Duration deadline, Consumer<? super AgentLine> sink) throws DeviceException {
        return run(args, null, deadline, sink);
    }

    /** As {@link #run(List, Duration, Consumer)}, with {@code stdin} (when not null) as the agent's standard input. */
    public int run(List<String> args, byte[] stdin, Duration deadline, Consumer<? super AgentLine> sink) throws DeviceException {
        Objects.requireNonNull(sink, "sink");
        return session.stream(command(args.toArray(String[]::new)), stdin, deadline, line -> sink.accept(toAgentLine(line)));
    }

    /**
     * The remote command line {@code sh ffagent.sh ARGS...}: every argument goes through the one quoting
     * function, so a value that came from the router (a partition name) stays one word of data.
     */
    public String command(String... args) {
        StringBuilder cmd = new StringBuilder("sh ").append(DeviceSession.shellQuote(upload.remotePath()));
        for (String a : args) {
            cmd.append(' ').append(DeviceSession.shellQuote(a));
        }
        return DeviceSession.sh(cmd.toString());
    }

    /**
     * One remote command line that runs several agent sub-commands one after the other ({@code &&}: the first that
     * fails ends the chain), each argument quoted as in {@link #command}; a stdin given to it reaches every one.
     */
    public String chain(List<List<String>> runs) {
        StringBuilder cmd = new StringBuilder();
        for (List<String> args : runs) {
            cmd.append(cmd.length() == 0 ? "" : " && ").append("sh ").append(DeviceSession.shellQuote(upload.remotePath()));
            for (String a : args) {
                cmd.append(' ').append(DeviceSession.shellQuote(a));
            }
        }
        return DeviceSession.sh(cmd.toString());
    }

    /** One line of a run's output as an agent line (stdout parsed strictly, stderr a log line). */
    public static AgentLine lineOf(OutputLine line) {
        return toAgentLine(line);
    }

    /** Runs a sub-command and collects its lines. */
    public Result runCollecting(String subcommand, Duration deadline) throws DeviceException {
        List<AgentLine> lines = new ArrayList<>();
        int status = run(subcommand, deadline, lines::add);
        return new Result(status, List.copyOf(lines));
    }

    /** Lines and exit status of one agent run. */
    public record Result(int exitStatus, List<AgentLine> lines) {
    }

    static AgentLine toAgentLine(OutputLine line) {
        if (line.cut()) {
            return AgentLine.Log.rejected(AgentLineParser.sanitize(line.text()), "line longer than the session keeps; cut");
        }
        return line.stream() == StdStream.STDOUT ? AgentLineParser.parse(line.text()) : AgentLineParser.parseLog(line.text());
    }

}

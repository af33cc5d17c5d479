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

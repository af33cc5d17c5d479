package org.fleetflash.agent.protocol;

import java.util.Objects;
import java.util.Optional;

/**
 * One line of the agent's output, as read by {@link AgentLineParser}: a machine line of a known kind,
 * or a {@link Log} line for humans (including machine lines that were rejected, with the reason).
 */
public sealed interface AgentLine {

    /** The kind of a line; a {@code switch} expression over it is checked for exhaustiveness. */
    enum Kind { HELLO, FACT, TOOL, LED, RAW, PHASE, CHECK, PREPARED, FETCHED, STAGED, COMMITTED, CLAIMED, HOLDER, UNDONE, DONE,
        ERROR, LOG, DIGEST }

    /** Which of the kinds this line is. */
    Kind kind();

    /** {@code @FF hello agent=N cmd=C}: the first line of every sub-command. */
    record Hello(int agent, String cmd) implements AgentLine {
        public Hello {
            Objects.requireNonNull(cmd, "cmd");
        }

        @Override
        public Kind kind() {
            return Kind.HELLO;
        }
    }

    /** {@code @FF fact key=K text=V}: one scalar fact; {@code text} may be empty and is kept verbatim. */
    record Fact(String key, String text) implements AgentLine {
        public Fact {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(text, "text");
        }

        @Override
        public Kind kind() {
            return Kind.FACT;
        }
    }

    /** {@code @FF tool name=N present=yes|no [path=P]}: a tool the upgrade needs. */
    record Tool(String name, boolean present, Optional<String> path) implements AgentLine {
        public Tool {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(path, "path");
        }

        @Override
        public Kind kind() {
            return Kind.TOOL;
        }
    }

    /** {@code @FF led name=N}: an LED under {@code /dev/led/}. */
    record Led(String name) implements AgentLine {
        public Led {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public Kind kind() {
            return Kind.LED;
        }
    }

    /** {@code @FF raw src=S text=LINE}: one line of a FreeBSD tool's own output, kept verbatim. */
    record Raw(String src, String text) implements AgentLine {
        public Raw {
            Objects.requireNonNull(src, "src");
            Objects.requireNonNull(text, "text");
        }

        @Override
        public Kind kind() {
            return Kind.RAW;
        }
    }

    /** {@code @FF phase name=N}: an upgrade sub-command entered a step (preflight, md, download, verify, root, ...). */
    record Phase(String name) implements AgentLine {
        public Phase {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public Kind kind() {
            return Kind.PHASE;
        }
    }

    /** {@code @FF check name=N ok=yes|no text=T}: one pre-flight check and what it found. */
    record Check(String name, boolean ok, String text) implements AgentLine {
        public Check {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(text, "text");
        }

        @Override
        public Kind kind() {
            return Kind.CHECK;
        }
    }

    /** {@code @FF prepared md=mdN mount=PATH image=PATH mdsize=BYTES}: the memory disk is made and mounted. */
    record Prepared(String md, String mount, String image, long mdSize) implements AgentLine {
        public Prepared {
            Objects.requireNonNull(md, "md");
            Objects.requireNonNull(mount, "mount");
            Objects.requireNonNull(image, "image");
        }

        @Override
        public Kind kind() {
            return Kind.PREPARED;
        }
    }

    /**
     * {@code @FF digest blocks=N bytes=B sha256=HEX}: the SHA-256 of the first N erase blocks (B bytes) of the
     * partitions the {@code digest} sub-command was given, read one after the other on the router.
     */
    record Digest(long blocks, long bytes, String sha256) implements AgentLine {
        public Digest {
            Objects.requireNonNull(sha256, "sha256");
        }

        @Override
        public Kind kind() {
            return Kind.DIGEST;
        }
    }

    /** {@code @FF fetched bytes=N}: the image is downloaded into the memory disk. */
    record Fetched(long bytes) implements AgentLine {
        @Override
        public Kind kind() {
            return Kind.FETCHED;
        }
    }

    /**
     * {@code @FF staged md=mdN mdsize=B imagesize=B sha256=HEX|unavailable}: the reroot root is built and
     * mount-tested; {@code sha256} is empty where the router has no {@code sha256} tool.
     */
    record Staged(String md, long mdSize, long imageSize, Optional<String> sha256) implements AgentLine {
        public Staged {
            Objects.requireNonNull(md, "md");
            Objects.requireNonNull(sha256, "sha256");
        }

        @Override
        public Kind kind() {
            return Kind.STAGED;
        }
    }

    /** {@code @FF committed md=mdN}: root points at the memory disk and {@code reboot -r} follows: no way back. */
    record Committed(String md) implements AgentLine {
        public Committed {
            Objects.requireNonNull(md, "md");
        }

        @Override
        public Kind kind() {
            return Kind.COMMITTED;
        }
    }

    /**
     * {@code @FF claimed attempt=ID since=UTC laptop=ADDR}: attempt {@code ID} is now the one upgrade of this router;
     * {@code since} is the claim's UTC time ({@code 2026-12-01T04:15:00Z}) and {@code laptop} the address it came
     * from, each {@code unknown} where the router could not tell.
     */
    record Claimed(String attempt, String since, String laptop) implements AgentLine {
        public Claimed {
            Objects.requireNonNull(attempt, "attempt");
            Objects.requireNonNull(since, "since");
            Objects.requireNonNull(laptop, "laptop");
        }

        @Override
        public Kind kind() {
            return Kind.CLAIMED;
        }
    }

    /**
     * {@code @FF holder attempt=ID since=UTC laptop=ADDR state=claimed|committing}: who holds the router, printed
     * right before {@code error code=BUSY}; {@code committing} means it is about to reroot (never clean it up).
     */
    record Holder(String attempt, String since, String laptop, boolean committing) implements AgentLine {
        public Holder {
            Objects.requireNonNull(attempt, "attempt");
            Objects.requireNonNull(since, "since");
            Objects.requireNonNull(laptop, "laptop");
        }

        @Override
        public Kind kind() {
            return Kind.HOLDER;
        }
    }

    /**
     * {@code @FF undone what=root|watchdogd|md|files|claim text=T}: cleanup (or a commit that could not reroot)
     * found this left by an upgrade attempt and put it back; {@code text} says what exactly.
     */
    record Undone(String what, String text) implements AgentLine {
        public Undone {
            Objects.requireNonNull(what, "what");
            Objects.requireNonNull(text, "text");
        }

        @Override
        public Kind kind() {
            return Kind.UNDONE;
        }
    }

    /** {@code @FF done cmd=C status=ok}: the sub-command finished; the last machine line on success. */
    record Done(String cmd, String status) implements AgentLine {
        public Done {
            Objects.requireNonNull(cmd, "cmd");
            Objects.requireNonNull(status, "status");
        }

        @Override
        public Kind kind() {
            return Kind.DONE;
        }
    }

    /** {@code @FF error code=CODE text=T}: the sub-command failed; {@code code} is stable, {@code text} is for humans. */
    record Error(String code, String text) implements AgentLine {
        public Error {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(text, "text");
        }

        @Override
        public Kind kind() {
            return Kind.ERROR;
        }
    }

    /**
     * A line for humans. {@code rejectedBecause} is present when the line looked like a machine line
     * but broke the protocol, or was cut because it was too long; it says why.
     */
    record Log(String text, Optional<String> rejectedBecause) implements AgentLine {
        public Log {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(rejectedBecause, "rejectedBecause");
        }

        /** A plain log line that nobody rejected. */
        public static Log plain(String text) {
            return new Log(text, Optional.empty());
        }

        /** A line kept as log because of {@code reason}. */
        public static Log rejected(String text, String reason) {
            return new Log(text, Optional.of(reason));
        }

        @Override
        public Kind kind() {
            return Kind.LOG;
        }
    }
}

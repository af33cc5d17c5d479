package org.fleetflash.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Optional;
import org.fleetflash.app.logging.LogFile;
import org.fleetflash.core.text.Sanitize;
import picocli.CommandLine.Model.CommandSpec;

/**
 * How the command line reports failures: one line {@code fleetflash <command>: <sentence>} on stderr, text from
 * routers, the network or the file system escaped, never a stack trace (that goes to the log file).
 */
public final class Failures {

    /** Longest error message printed (a router's stderr tail can be long). */
    static final int MAX_MESSAGE = 2000;

    private Failures() {
    }

    /** {@code fleetflash probe: } for that command, {@code fleetflash: } for the root. */
    static String prefix(CommandSpec spec) {
        return (spec == null ? "fleetflash" : spec.qualifiedName()) + ": ";
    }

    /** Prints one error line for {@code spec}'s command, escaped and bounded. */
    static void print(PrintWriter err, CommandSpec spec, String message) {
        err.println(prefix(spec) + Sanitize.line(message, MAX_MESSAGE));
        err.flush();
    }

    /** The sentence for a failure nobody planned for: what happened (no class names) and where the details are. */
    public static String unexpected(Throwable t) {
        Optional<Path> log = LogFile.current();
        String what = describe(t);
        return what + (what.endsWith(".") ? "" : ".") + log.map(p -> " Details are in " + p + ".").orElse(" No log file was written.");
    }

    /** What happened, as a technician reads it. */
    static String describe(Throwable t) {
        if (t instanceof NoSuchFileException e) {
            return "the file or directory " + e.getFile() + " does not exist";
        }
        if (t instanceof AccessDeniedException e) {
            return "permission denied for " + e.getFile();
        }
        if (t instanceof FileAlreadyExistsException e) {
            return e.getFile() + " already exists";
        }
        if (t instanceof NotDirectoryException e) {
            return e.getFile() + " is not a directory";
        }
        if (t instanceof DirectoryNotEmptyException e) {
            return "the directory " + e.getFile() + " is not empty";
        }
        if (t instanceof FileSystemException e) {
            return "the file system refused to use " + e.getFile() + (e.getReason() == null ? "" : " (" + e.getReason() + ")");
        }
        if (t instanceof IOException && t.getMessage() != null && !t.getMessage().isBlank()) {
            String m = t.getMessage().strip();
            // FleetFlash's own sentences (what happened and what to do) stand as they are; a library's terse one is introduced
            boolean sentence = Character.isUpperCase(m.charAt(0)) && m.endsWith(".");
            return sentence ? m : "an input/output error stopped it: " + m;
        }
        if (t instanceof OutOfMemoryError) {
            return "it ran out of memory (give Java more with -Xmx)";
        }
        return "an unexpected internal error stopped it";
    }

    /** Tells the technician that attempts of an earlier FleetFlash never ended, and what to do about them. */
    static void interruptedHint(CommandSpec spec, org.fleetflash.core.history.History history) {
        int n = history.interruptedAtOpen();
        if (n > 0) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("fleetflash: " + n + " upgrade attempt(s) were interrupted (FleetFlash stopped before they ended) and are"
                    + " not checked yet: run 'fleetflash resume' to check those routers and record what happened.");
            err.flush();
        }
    }
}

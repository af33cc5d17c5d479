package org.fleetflash.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fleetflash.core.batch.BatchSettings;
import org.fleetflash.core.device.Credentials;
import org.fleetflash.core.device.SshTarget;
import org.fleetflash.core.text.Sanitize;
import org.fleetflash.core.upgrade.ImageHosting;
import org.fleetflash.server.ftp.PassivePorts;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The batch options of {@code fleetflash upgrade}: which routers, and how many at once. */
final class BatchOptions {

    /** The most routers one batch takes (a site); more is almost surely a wrong file. */
    static final int MAX_ROUTERS = 10_000;
    private static final long MAX_TARGETS_FILE = 4L * 1024 * 1024;

    @Option(names = "--targets", paramLabel = "FILE",
            description = "Routers to upgrade, one per line: [USER@]HOST[:PORT]; '#' starts a comment. A USER there replaces --user"
                    + " for that router.")
    Path targetsFile;

    @Option(names = "--concurrency", defaultValue = "8", paramLabel = "N",
            description = "Routers worked on at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--canary", defaultValue = "0", paramLabel = "N",
            description = "The first N routers must all succeed before any other starts (default: no canary wave).")
    int canary;

    @Option(names = "--max-failures", defaultValue = "0", paramLabel = "F",
            description = "After F routers failed, start no new router; the running ones finish (default: no limit).")
    int maxFailures;

    @Option(names = "--stage-all-first",
            description = "Stage every router in RAM before any of them reroots; if one cannot be staged, none reroots.")
    boolean stageAllFirst;

    @Option(names = "--retries", defaultValue = "0", paramLabel = "N",
            description = "Try a router again up to N times when it failed safely for a reason that may pass (unreachable, timeout,"
                    + " cut download) (default: ${DEFAULT-VALUE}).")
    int retries;

    @Option(names = "--ftp-port", defaultValue = "0", paramLabel = "PORT",
            description = "FTP port of this computer the routers download the image from (default: any free port;"
                    + " give one to allow it in this computer's firewall).")
    int ftpPort;

    @Option(names = "--ftp-passive-ports", defaultValue = "any", paramLabel = "FIRST-LAST",
            description = "Ports of this computer the routers download the image through, to allow in its firewall along"
                    + " with the FTP port, e.g. 50000-50100; at least --concurrency of them (default: ${DEFAULT-VALUE} free port).")
    String passivePorts;

    @Option(names = "--operator", paramLabel = "NAME",
            description = "Who runs the batch, kept in the history and shown in its reports (at most 200 characters).")
    String operator;

    @Option(names = "--site", paramLabel = "NAME",
            description = "Where the routers are (a customer's site), kept in the history and shown in its reports (at most 200 characters).")
    String site;

    /** The {@code --operator} or {@code --site} value, checked: printable text, stripped; null when not given or blank. */
    static String label(CommandSpec spec, String option, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String s = value.strip();
        if (!Sanitize.isSafe(s) || s.codePointCount(0, s.length()) > 200) {
            throw new ParameterException(spec.commandLine(), option + " must be printable text of at most 200 characters (no control"
                    + " or format characters), not '" + Sanitize.line(s, 60) + "'.");
        }
        return s;
    }

    /**
     * A router of the batch, with its own user when the targets file names one.
     *
     * @param where where it was named: {@code the command line} or {@code FILE line N}
     */
    record Target(SshTarget target, Optional<String> user, String where) {
        Credentials credentials(Credentials common) {
            return user.map(common::withUser).orElse(common);
        }
    }

    /** The routers from the command line and the targets file, in that order, each once. */
    List<Target> targets(CommandSpec spec, List<String> arguments) {
        List<Target> all = new ArrayList<>();
        for (String a : arguments) {
            all.add(parse(spec, a, "the command line"));
        }
        if (targetsFile != null) {
            all.addAll(readTargets(spec, targetsFile));
        }
        if (all.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "Name the routers to upgrade: HOST[:PORT] arguments, or --targets FILE.");
        }
        if (all.size() > MAX_ROUTERS) {
            throw new ParameterException(spec.commandLine(), "A batch takes at most " + MAX_ROUTERS + " routers, not " + all.size()
                    + ": split the site into several batches.");
        }
        Map<String, Target> seen = new HashMap<>();
        for (Target t : all) {
            Target first = seen.putIfAbsent(t.target().hostPort(), t);
            if (first != null) {
                throw new ParameterException(spec.commandLine(), "The router " + Sanitize.line(t.target().hostPort(), 80) + " is named"
                        + " twice (" + (first.where().equals(t.where()) ? "on " + t.where() : first.where() + ", and " + t.where())
                        + "): name each router once (two upgrades of one router at"
                        + " once are refused by the router anyway).");
            }
        }
        return all;
    }

    static List<Target> readTargets(CommandSpec spec, Path file) {
        List<String> lines;
        try {
            if (Files.size(file) > MAX_TARGETS_FILE) {
                throw new ParameterException(spec.commandLine(), "The targets file " + file + " is larger than 4 MiB: is it the right"
                        + " file?");
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new ParameterException(spec.commandLine(), "The targets file " + file + " is not UTF-8 text (saved as \"Unicode\","
                    + " UTF-16 or Latin-1, say): save it as UTF-8 and try again.");
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "Cannot read the targets file " + file + ": " + Failures.describe(e)
                    + ". Check the path and its permissions.");
        }
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = i == 0 && lines.get(0).startsWith("\uFEFF") ? lines.get(0).substring(1) : lines.get(i); // an editor's BOM
            int hash = line.indexOf('#');
            String word = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (!word.isEmpty()) {
                targets.add(parse(spec, word, file.getFileName() + " line " + (i + 1)));
            }
        }
        if (targets.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "The targets file " + file + " names no router (only blank lines and"
                    + " comments): put one HOST[:PORT] per line.");
        }
        return targets;
    }

    private static Target parse(CommandSpec spec, String word, String where) {
        if (word.chars().anyMatch(Character::isWhitespace)) {
            // "10.1.0.11 admin" or two routers on a line: the host parser would only see a bad port or host name
            throw new ParameterException(spec.commandLine(), "In " + where + ": '" + Sanitize.line(word, 80) + "' is more than one word:"
                    + " write one router per line as [USER@]HOST[:PORT] (a user goes before '@'; '#' starts a comment).");
        }
        String user = null;
        String host = word;
        int at = word.lastIndexOf('@');
        if (at >= 0) {
            user = word.substring(0, at);
            host = word.substring(at + 1);
            if (user.isEmpty() || !user.matches("[A-Za-z0-9._-]{1,32}")) {
                throw new ParameterException(spec.commandLine(), "In " + where + ": '" + Sanitize.line(word, 80) + "' has no usable user"
                        + " name before '@' (letters, digits, . _ - only); write [USER@]HOST[:PORT].");
            }
        }
        try {
            return new Target(SshTarget.parse(host), Optional.ofNullable(user), where);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "In " + where + ": " + e.getMessage());
        }
    }

    /** The batch settings, checked. */
    BatchSettings settings(CommandSpec spec, int routers) {
        if (concurrency < 1 || concurrency > BatchSettings.MAX_CONCURRENCY) {
            throw new ParameterException(spec.commandLine(), "--concurrency must be 1 to " + BatchSettings.MAX_CONCURRENCY + ", not "
                    + concurrency + ".");
        }
        if (canary < 0 || canary > routers) {
            throw new ParameterException(spec.commandLine(), "--canary must be 0 to the number of routers (" + routers + "), not "
                    + canary + ".");
        }
        if (maxFailures < 0) {
            throw new ParameterException(spec.commandLine(), "--max-failures cannot be negative: " + maxFailures + ".");
        }
        if (retries < 0 || retries > 10) {
            throw new ParameterException(spec.commandLine(), "--retries must be 0 to 10, not " + retries + ".");
        }
        return BatchSettings.defaults().withConcurrency(concurrency).withCanary(canary).withMaxFailures(maxFailures)
                .withStageAllFirst(stageAllFirst).withRetries(retries);
    }

    /** How the image server listens: the ports asked for, sized to the batch's concurrency. */
    ImageHosting imageHosting(CommandSpec spec, int concurrency) {
        PassivePorts ports;
        try {
            ports = PassivePorts.parse(passivePorts);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--ftp-passive-ports: " + e.getMessage());
        }
        try {
            return new ImageHosting(ftpPort, ports, concurrency);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), (ftpPort < 0 || ftpPort > 65535 ? "--ftp-port: "
                    : "--ftp-passive-ports: ") + e.getMessage());
        }
    }
}

package org.fleetflash.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.fleetflash.core.history.AttemptFilter;
import org.fleetflash.core.history.report.Report;
import org.fleetflash.core.history.report.ReportCsv;
import org.fleetflash.core.history.report.ReportJson;
import org.fleetflash.core.history.report.ReportPdf;
import org.fleetflash.core.text.Sanitize;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code fleetflash history export}: the attempts a filter selects, as a CSV table, a JSON document or a PDF report
 * for the customer, written whole or not at all (a temporary file beside the target, then renamed).
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Exports the recorded upgrade attempts, oldest first, with their routers, image, phases, backups, "
                + "failures, batches (operator, site) and host-key changes: CSV (one row per attempt, cells made inert for "
                + "spreadsheets), JSON (one document), or PDF (a report for the customer, with the SHA-256 of its data).",
            "The file is written whole or not at all, readable by its owner only.", HistoryFilterOptions.DATE_HELP},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:exported (maybe no attempt)", "1:the history cannot be read", "2:bad command line",
            "3:the --out file exists already (give --force to replace it)", "4:the --out file cannot be written (the message says why)"})
final class HistoryExportCommand implements Callable<Integer> {

    static final int EXIT_EXISTS = 3;
    static final int EXIT_CANNOT_WRITE = 4;

    @Spec
    CommandSpec spec;

    @Mixin
    HistoryFilterOptions select;

    @Option(names = "--format", required = true, paramLabel = "csv|pdf|json", description = "What to write.")
    String format;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The file to write.")
    Path out;

    @Option(names = "--force", description = "Replace FILE when it exists.")
    boolean force;

    @Option(names = "--paper", defaultValue = "a4", paramLabel = "a4|letter", description = "The PDF's page size (default: ${DEFAULT-VALUE}).")
    String paper;

    /** What a format writes into the temporary file. */
    @FunctionalInterface
    private interface Body {
        void write(OutputStream out) throws IOException;
    }

    @Override
    public Integer call() {
        String f = format.strip().toLowerCase(Locale.ROOT);
        if (!f.equals("csv") && !f.equals("pdf") && !f.equals("json")) {
            throw new ParameterException(spec.commandLine(), "Unknown --format '" + Sanitize.line(format, 20) + "': use csv, pdf or json.");
        }
        ReportPdf.Paper page = paper(paper);
        AttemptFilter filter = select.filter(spec);
        Path target = out.toAbsolutePath().normalize();
        PrintWriter err = spec.commandLine().getErr();
        if (Files.isDirectory(target)) {
            Failures.print(err, spec, target + " is a directory: give a file name with --out.");
            return EXIT_CANNOT_WRITE;
        }
        if (Files.exists(target) && !force) {
            Failures.print(err, spec, target + " exists already: give --force to replace it, or another --out. Nothing was written.");
            return EXIT_EXISTS;
        }
        Path dir = target.getParent();
        if (!Files.isDirectory(dir)) {
            Failures.print(err, spec, "The directory " + dir + " does not exist: create it first, or give another --out.");
            return EXIT_CANNOT_WRITE;
        }
        Report report;
        try {
            report = HistoryCommand.read(spec, select, filter, Instant.now());
        } catch (IOException e) {
            Failures.print(err, spec, e.getMessage());
            return ExitCodes.OTHER;
        }
        Body body = switch (f) {
            case "csv" -> o -> {
                Writer w = new OutputStreamWriter(o, StandardCharsets.UTF_8);
                ReportCsv.write(report, w);
                w.flush();
            };
            case "json" -> o -> o.write((ReportJson.document(report) + "\n").getBytes(StandardCharsets.US_ASCII));
            default -> o -> ReportPdf.write(report, page, select.zone, o);
        };
        try {
            write(target, body);
        } catch (FileAlreadyExistsException e) {
            Failures.print(err, spec, target + " appeared while the report was written: give --force to replace it, or another --out."
                    + " Nothing was written.");
            return EXIT_EXISTS;
        } catch (IOException e) {
            Failures.print(err, spec, "Cannot write " + target + ": " + Failures.describe(e) + ". Nothing was written; choose a"
                    + " directory you may write to with --out.");
            return EXIT_CANNOT_WRITE;
        }
        PrintWriter o = spec.commandLine().getOut();
        o.println("Exported " + report.attempts().size() + " attempt(s) to " + target + " (" + f + ").");
        o.flush();
        return ExitCodes.OK;
    }

    private ReportPdf.Paper paper(String text) {
        switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "a4":
                return ReportPdf.Paper.A4;
            case "letter":
                return ReportPdf.Paper.LETTER;
            default:
                throw new ParameterException(spec.commandLine(), "Unknown --paper '" + Sanitize.line(text, 20) + "': use a4 or letter.");
        }
    }

    /**
     * Writes {@code body} to a temporary file beside {@code target} (owner-only), forces it to the disk, then puts it in
     * place at once: without {@code --force} as a new link that fails if the target appeared meanwhile, with it by an
     * atomic rename over the old file. The temporary file is removed whatever happens.
     */
    private void write(Path target, Body body) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                    OutputStream o = new BufferedOutputStream(Channels.newOutputStream(ch))) {
                body.write(o);
                o.flush();
                ch.force(true);
            }
            if (force) {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                placeNew(tmp, target);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Puts {@code tmp} at {@code target}, which must not exist: a hard link where the file system has them. */
    private static void placeNew(Path tmp, Path target) throws IOException {
        try {
            Files.createLink(target, tmp);
            return;
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (UnsupportedOperationException | IOException e) {
            // no hard links here (some network or FAT file systems): a rename, after checking once more
        }
        if (Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString());
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }
}

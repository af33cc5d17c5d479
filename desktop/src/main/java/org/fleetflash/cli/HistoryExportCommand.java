package org.fleetflash.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.fleetflash.core.history.AttemptFilter;
import org.fleetflash.core.history.report.Report;
import org.fleetflash.core.history.report.ReportFile;
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
final class HistoryExportCommand implements Callable<Integer>, HistoryFilterOptions.ReadsOnly {

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
        if (ReportFile.notAnOrdinaryFile(target)) {
            Failures.print(err, spec, target + " is not an ordinary file (a device, a pipe or a link): give the path of a file with --out."
                    + " Nothing was written.");
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
        ReportFile.Body body = ReportFile.body(report, ReportFile.Format.valueOf(f.toUpperCase(Locale.ROOT)), page, select.zone);
        try {
            ReportFile.write(target, force, body);
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
}

package org.fleetflash.core.history.report;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.fleetflash.core.text.Sanitize;

/**
 * A report as CSV (RFC 4180: comma, double quotes, CRLF line ends, one header row), one row per attempt with every
 * field a report has; the columns are {@link #COLUMNS}, documented in docs/history-and-reports.md.
 *
 * <p>Every cell is made inert for a spreadsheet: control and format characters (bidirectional overrides and
 * marks included) are escaped as visible text ({@link Sanitize#escape}), and a cell that then begins with
 * {@code =}, {@code +}, {@code -}, {@code @}, a tab or a carriage return gets a leading {@code '}, so that no
 * spreadsheet reads it as a formula.
 */
public final class ReportCsv {

    /** The header row. */
    public static final List<String> COLUMNS = List.of("attempt", "batch", "batchOperator", "batchSite", "batchStartedAt", "batchEndedAt",
            "try", "router", "host", "port", "model", "hostname", "architecture", "mac", "serial", "imageFile", "imageSha256", "imageSize",
            "imageFormat", "imageVersion", "imagePath", "layout", "oldVersion", "newVersion", "startedAt", "endedAt", "resumedAt", "durationMs", "phase",
            "outcome", "failureCode", "failureMessage", "whatToDo", "bytesDownloaded", "blocksWritten", "blocksUnchanged", "blocksFailed",
            "imageForced", "hostKeyFingerprint", "hostKeyPinnedByAttempt", "backupDir", "backups", "phases");

    private ReportCsv() {
    }

    /** Writes {@code report} to {@code out} (which it does not close). */
    public static void write(Report report, Appendable out) throws IOException {
        CSVFormat format = CSVFormat.RFC4180.builder().setHeader(COLUMNS.toArray(String[]::new)).get();
        CSVPrinter printer = new CSVPrinter(out, format); // not closed: closing it would close out
        for (ReportAttempt a : report.attempts()) {
            printer.printRecord(row(report, a).stream().map(ReportCsv::cell).toList());
        }
        printer.flush();
    }

    private static List<String> row(Report report, ReportAttempt a) {
        Optional<ReportBatch> b = report.batch(a.batchId());
        List<String> r = new ArrayList<>(COLUMNS.size());
        r.add(a.attemptId());
        r.add(a.batchId());
        r.add(b.flatMap(ReportBatch::operator).orElse(null));
        r.add(b.flatMap(ReportBatch::site).orElse(null));
        r.add(b.map(x -> x.startedAt().toString()).orElse(null));
        r.add(b.flatMap(ReportBatch::endedAt).map(Instant::toString).orElse(null));
        r.add(Integer.toString(a.tryNumber()));
        r.add(a.router());
        r.add(a.host());
        r.add(Integer.toString(a.port()));
        r.add(a.model().orElse(null));
        r.add(a.hostname().orElse(null));
        r.add(a.architecture().orElse(null));
        r.add(a.mac().orElse(null));
        r.add(a.serial().orElse(null));
        r.add(a.imageFile().orElse(null));
        r.add(a.imageSha256().orElse(null));
        r.add(a.imageSize().map(String::valueOf).orElse(null));
        r.add(a.imageFormat().orElse(null));
        r.add(a.imageVersion().orElse(null));
        r.add(a.imagePath().orElse(null));
        r.add(a.layout().orElse(null));
        r.add(a.oldVersion().orElse(null));
        r.add(a.newVersion().orElse(null));
        r.add(a.startedAt().toString());
        r.add(a.endedAt().map(Instant::toString).orElse(null));
        r.add(a.resumedAt().map(Instant::toString).orElse(null));
        r.add(a.duration().map(d -> Long.toString(d.toMillis())).orElse(null));
        r.add(a.phase().orElse(null));
        r.add(a.outcome());
        r.add(a.failureCode().orElse(null));
        r.add(a.failureMessage().orElse(null));
        r.add(ReportAdvice.whatToDo(a).orElse(null));
        r.add(Long.toString(a.bytesDownloaded()));
        r.add(Long.toString(a.blocksWritten()));
        r.add(Long.toString(a.blocksUnchanged()));
        r.add(Long.toString(a.blocksFailed()));
        r.add(Boolean.toString(a.imageForced()));
        r.add(a.hostKeyFingerprint().orElse(null));
        r.add(report.hostKeyChanges().stream().filter(k -> "UPGRADE".equals(k.pinnedBy()) && k.attemptId().filter(a.attemptId()::equals)
                .isPresent()).map(HostKeyChange::fingerprint).collect(Collectors.joining(";")));
        r.add(a.backupDir().orElse(null));
        r.add(a.backups().stream().map(x -> x.partition() + "=" + x.sha256() + " " + x.size() + " " + x.file())
                .collect(Collectors.joining(";")));
        r.add(a.phases().stream().map(p -> p.phase() + "=" + p.duration().map(ReportCsv::seconds).orElse("open"))
                .collect(Collectors.joining(";")));
        return r;
    }

    /** {@code 1.250s}. */
    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%d.%03ds", d.toSeconds(), d.toMillisPart());
    }

    /** A cell made inert (see the class description); null is the empty cell. */
    public static String cell(String value) {
        if (value == null) {
            return "";
        }
        String s = Sanitize.escape(value, false);
        if (!s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0) {
            return "'" + s;
        }
        return s;
    }
}

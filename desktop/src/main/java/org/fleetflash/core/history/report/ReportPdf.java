package org.fleetflash.core.history.report;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDFont;

/**
 * A report as a PDF for the customer: title, site and operator, period, generation time, the attempts counted by
 * outcome with a bar chart, the image(s) with their SHA-256, the batches, one table row per attempt (address,
 * model, old and new version, outcome, duration), each failure with what to do, the host-key changes, page
 * numbers, and on the last page the SHA-256 of the report's data ({@link ReportJson#dataSha256}) so that an
 * auditor can check a JSON export against it.
 */
public final class ReportPdf {

    /** The page sizes a report is printed on. */
    public enum Paper {
        A4(PDRectangle.A4), LETTER(PDRectangle.LETTER);

        private final PDRectangle size;

        Paper(PDRectangle size) {
            this.size = size;
        }
    }

    /** The label in front of the digest on the last page (a test and an auditor look for it). */
    public static final String DIGEST_LABEL = "Data SHA-256:";

    private static final float BODY = 9;
    /** How many lines of a failure message the report shows; the exports (CSV, JSON) keep it whole. */
    private static final int MAX_MESSAGE_LINES = 8;
    private static final float SMALL = 8;
    private static final Color GREY = new Color(0x66, 0x66, 0x66);
    private static final Color LIGHT = new Color(0xee, 0xee, 0xee);
    private static final Color HEADER_FILL = new Color(0xd9, 0xe1, 0xea);
    /** The table's columns: title and share of the width. */
    private static final String[] COLUMN_TITLES = {"Started", "Router", "Model", "Version (old -> new)", "Outcome", "Duration"};
    private static final float[] COLUMN_SHARES = {0.15f, 0.17f, 0.15f, 0.24f, 0.20f, 0.09f};

    private final Report report;
    private final ZoneId zone;
    private final DateTimeFormatter minutes;
    private final DateTimeFormatter seconds;
    private PdfCanvas c;

    private ReportPdf(Report report, ZoneId zone) {
        this.report = report;
        this.zone = zone;
        this.minutes = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(zone);
        this.seconds = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(zone);
    }

    /** Writes {@code report} as a PDF on {@code paper} to {@code out} (not closed), times shown in {@code zone}. */
    public static void write(Report report, Paper paper, ZoneId zone, OutputStream out) throws IOException {
        try (PDDocument doc = new PDDocument()) {
            PDDocumentInformation info = doc.getDocumentInformation();
            info.setTitle("Firmware upgrade report");
            info.setCreator("FleetFlash");
            ReportPdf pdf = new ReportPdf(report, zone);
            try (PdfCanvas canvas = new PdfCanvas(doc, paper.size)) {
                pdf.c = canvas;
                pdf.draw();
            }
            pdf.footers(doc, paper.size);
            doc.save(out);
        }
    }

    private void draw() throws IOException {
        c.newPage();
        c.down(4);
        c.line(c.bold, 18, "Firmware upgrade report");
        c.down(4);
        c.paragraph(c.regular, 10, 0, "Site: " + listed(report.sites()));
        c.paragraph(c.regular, 10, 0, "Operator: " + listed(report.operators()));
        c.paragraph(c.regular, 10, 0, "Period: " + period());
        c.paragraph(c.regular, 10, 0, "Generated: " + seconds.format(report.generatedAt()) + " (times in " + zoneName() + ")");
        Optional<String> filters = filters();
        if (filters.isPresent()) {
            c.paragraph(c.regular, 10, 0, "Selected: " + filters.get());
        }
        counts();
        images();
        batches();
        table();
        failures();
        hostKeys();
    }

    private void counts() throws IOException {
        heading("Outcomes (" + report.attempts().size() + " attempt" + (report.attempts().size() == 1 ? "" : "s") + ")");
        Map<String, Integer> counts = report.countsByOutcome();
        int max = counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        float labelWidth = 130;
        float barMax = c.width() - labelWidth - 10;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            c.need(16);
            c.down(15);
            c.text(c.regular, BODY, c.left(), c.y() + 2, e.getKey() + ": " + e.getValue(), labelWidth - 6);
            float w = max == 0 ? 0 : barMax * e.getValue() / max;
            c.fill(c.left() + labelWidth, c.y(), Math.max(w, e.getValue() > 0 ? 2 : 0), 10, colour(e.getKey()));
        }
    }

    private static Color colour(String outcome) {
        switch (outcome) {
            case "SUCCEEDED":
                return new Color(0x2e, 0x8b, 0x57);
            case "FAILED_SAFE":
                return new Color(0xe0, 0x9a, 0x1a);
            case "NEEDS_ATTENTION":
                return new Color(0xc6, 0x28, 0x28);
            default:
                return new Color(0x78, 0x78, 0x90);
        }
    }

    private void images() throws IOException {
        Map<String, ReportAttempt> images = new LinkedHashMap<>();
        report.attempts().forEach(a -> images.putIfAbsent(a.imageSha256().orElse(""), a));
        heading(images.size() == 1 ? "Image" : "Images");
        for (ReportAttempt a : images.values()) {
            if (a.imageSha256().isEmpty()) {
                c.paragraph(c.regular, BODY, 0, "Not recorded (the image file could not be read when the attempt started): "
                        + a.imagePath().orElse("?"));
                continue;
            }
            c.paragraph(c.bold, BODY, 0, a.imageFile().orElse("?") + "  (" + a.imageSize().map(s -> s + " bytes").orElse("size unknown")
                    + ", format " + a.imageFormat().orElse("unknown") + ", version " + a.imageVersion().orElse("unknown") + ")");
            c.paragraph(c.regular, BODY, 10, "SHA-256: " + a.imageSha256().get());
        }
    }

    private void batches() throws IOException {
        heading(report.batches().size() == 1 ? "Batch" : "Batches");
        for (ReportBatch b : report.batches()) {
            c.paragraph(c.regular, BODY, 0, b.id() + ": " + seconds.format(b.startedAt()) + " to "
                    + b.endedAt().map(seconds::format).orElse("(no end recorded)") + b.routerCount().map(n -> ", " + n + " router(s)").orElse("")
                    + ", operator " + b.operator().orElse("not recorded") + ", site " + b.site().orElse("not recorded")
                    + b.haltedReason().map(h -> ", halted: " + h).orElse(""));
        }
    }

    private void table() throws IOException {
        heading("Attempts");
        if (report.attempts().isEmpty()) {
            c.paragraph(c.regular, BODY, 0, "No attempt recorded matches.");
            return;
        }
        c.need(40);
        tableHeader();
        c.repeatOnNewPage(this::tableHeader);
        boolean shade = false;
        for (ReportAttempt a : report.attempts()) {
            float h = 13;
            c.need(h);
            c.down(h);
            if (shade) {
                c.fill(c.left(), c.y() - 3, c.width(), h, LIGHT);
            }
            shade = !shade;
            String versions = a.oldVersion().orElse("?") + " -> " + a.newVersion().orElse("?");
            String outcome = a.outcome() + (a.tryNumber() > 1 ? " (try " + a.tryNumber() + ")" : "");
            cells(c.regular, a.startedAt() == null ? "" : minutes.format(a.startedAt()), a.router(), a.model().orElse("?"), versions,
                    outcome, a.duration().map(ReportPdf::duration).orElse("-"));
        }
        c.repeatOnNewPage(null);
    }

    private void tableHeader() throws IOException {
        float h = 14;
        c.down(h);
        c.fill(c.left(), c.y() - 4, c.width(), h, HEADER_FILL);
        cells(c.bold, COLUMN_TITLES);
    }

    private void cells(PDFont font, String... values) throws IOException {
        float x = c.left();
        for (int i = 0; i < values.length; i++) {
            float w = c.width() * COLUMN_SHARES[i];
            c.text(font, SMALL, x + 2, c.y(), values[i], w - 6);
            x += w;
        }
    }

    private void failures() throws IOException {
        List<ReportAttempt> failed = report.attempts().stream().filter(a -> !"SUCCEEDED".equals(a.outcome())).toList();
        if (failed.isEmpty()) {
            return;
        }
        heading("Failures and attempts without an end");
        for (ReportAttempt a : failed) {
            String title = a.router() + ": " + a.failureCode().orElse("no code") + " (" + a.outcome() + "), attempt " + a.attemptId()
                    + a.phase().map(p -> ", in phase " + p).orElse("");
            String message = "Message: " + a.failureMessage().orElse("none recorded");
            Optional<String> advice = ReportAdvice.whatToDo(a).map(t -> "What to do: " + t);
            int lines = c.wrap(c.bold, BODY, title, c.width()).size()
                    + Math.min(MAX_MESSAGE_LINES, c.wrap(c.regular, BODY, message, c.width() - 10).size())
                    + (advice.isPresent() ? c.wrap(c.regular, BODY, advice.get(), c.width() - 10).size() : 0);
            c.need(lines * BODY * 1.3f + 6); // a failure on one page
            c.down(3);
            c.paragraph(c.bold, BODY, 0, title);
            c.paragraph(c.regular, BODY, 10, message, MAX_MESSAGE_LINES);
            if (advice.isPresent()) {
                c.paragraph(c.regular, BODY, 10, advice.get());
            }
        }
    }

    private void hostKeys() throws IOException {
        heading("Host-key changes");
        if (report.hostKeyChanges().isEmpty()) {
            c.paragraph(c.regular, BODY, 0, "No router of this report changed its SSH host key.");
            return;
        }
        for (HostKeyChange k : report.hostKeyChanges()) {
            String pinned = "pinned by " + k.pinnedBy() + k.attemptId().map(id -> " in attempt " + id).orElse("") + " at "
                    + seconds.format(k.pinnedAt());
            String what = k.unpinnedAt().isPresent()
                    ? "key " + k.fingerprint() + " (" + pinned + ") unpinned by " + k.unpinnedBy().orElse("?") + " at "
                            + seconds.format(k.unpinnedAt().get())
                    : "key " + k.fingerprint() + " " + pinned;
            c.paragraph(c.regular, BODY, 0, k.router() + ": " + what);
        }
    }

    private void heading(String title) throws IOException {
        c.need(48);
        c.down(10);
        c.line(c.bold, 12, title);
        c.rule(c.left(), c.y() - 1, c.width(), GREY);
        c.down(2);
    }

    /** Page numbers on every page; on the last, above it, the data digest and what it is of. */
    private void footers(PDDocument doc, PDRectangle size) throws IOException {
        int pages = doc.getNumberOfPages();
        String digest = ReportJson.dataSha256(report);
        for (int i = 0; i < pages; i++) {
            PDPage page = doc.getPage(i);
            try (PDPageContentStream cs = new PDPageContentStream(doc, page, PDPageContentStream.AppendMode.APPEND, true, true)) {
                footerText(cs, c.regular, SMALL, size, 22, "FleetFlash upgrade report - page " + (i + 1) + " of " + pages);
                if (i == pages - 1) {
                    footerText(cs, c.bold, SMALL, size, 48, DIGEST_LABEL + " " + digest);
                    footerText(cs, c.regular, 7, size, 37, "SHA-256 of the compact JSON array [batches, attempts, hostKeyChanges] of "
                            + "this report's JSON export (see docs/history-and-reports.md).");
                }
            }
        }
    }

    private void footerText(PDPageContentStream cs, PDFont font, float fontSize, PDRectangle size, float baseline, String text)
            throws IOException {
        String s = c.fit(font, fontSize, text, size.getWidth() - 2 * PdfCanvas.MARGIN);
        float w = c.width(font, fontSize, s);
        cs.setNonStrokingColor(GREY);
        cs.beginText();
        cs.setFont(font, fontSize);
        cs.newLineAtOffset((size.getWidth() - w) / 2, baseline);
        cs.showText(s);
        cs.endText();
    }

    private String period() {
        Optional<Instant> from = report.filter().since().or(report::firstStart);
        Optional<Instant> to = report.filter().until().or(report::lastEvent);
        if (from.isEmpty() && to.isEmpty()) {
            return "no attempt recorded";
        }
        return from.map(minutes::format).orElse("the beginning") + " to " + to.map(minutes::format).orElse("now");
    }

    private Optional<String> filters() {
        List<String> parts = new ArrayList<>();
        report.filter().outcome().ifPresent(o -> parts.add("outcome " + o));
        report.filter().router().ifPresent(r -> parts.add("router " + r));
        report.filter().batch().ifPresent(b -> parts.add("batch " + b));
        return parts.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", parts));
    }

    private String zoneName() {
        return "UTC".equals(zone.getId()) || "Z".equals(zone.getId()) ? "UTC" : zone.getId() + ", UTC"
                + zone.getRules().getOffset(report.generatedAt());
    }

    private static String listed(List<String> values) {
        return values.isEmpty() ? "not recorded" : String.join(", ", values);
    }

    static String duration(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, s % 3600 / 60, s % 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}

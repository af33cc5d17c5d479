package org.fleetflash.core.history.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.pdfbox.text.TextPosition;
import org.fleetflash.core.history.AttemptFilter;
import org.fleetflash.core.history.History;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three exports of a real history full of hostile router text: the CSV read back with Commons CSV, the PDF's
 * text extracted with PDFBox, the JSON checked against the shape docs/history-and-reports.md describes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HistoryExportTest {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final List<String> ROUTERS = List.of(HostileHistory.OK, HostileHistory.FAILED, HostileHistory.ATTENTION,
            HostileHistory.RUNNING, HostileHistory.OTHER_BATCH);

    @TempDir
    Path dir;

    private String imageSha;
    private Report report;

    @BeforeEach
    void writeHistory() throws Exception {
        imageSha = HostileHistory.write(dir);
        try (History history = History.open(HostileHistory.data(dir))) {
            report = ReportReader.read(history, AttemptFilter.all(), NOW);
        }
    }

    @Test
    void theReportHasEveryAttemptWithItsDetailsAndTheKeyChange() {
        assertThat(report.attempts()).extracting(ReportAttempt::router).containsExactlyElementsOf(ROUTERS);
        assertThat(report.attempts()).extracting(ReportAttempt::outcome)
                .as("an attempt its FleetFlash left open is INTERRUPTED once the history is reopened")
                .containsExactly("SUCCEEDED", "FAILED_SAFE", "NEEDS_ATTENTION", "INTERRUPTED", "SUCCEEDED");
        assertThat(report.countsByOutcome()).containsExactly(Map.entry("SUCCEEDED", 2), Map.entry("FAILED_SAFE", 1),
                Map.entry("NEEDS_ATTENTION", 1), Map.entry("INTERRUPTED", 1));
        ReportAttempt ok = report.attempts().get(0);
        assertThat(ok.architecture()).contains("mips");
        assertThat(ok.imageSha256()).contains(imageSha);
        assertThat(ok.imageSize()).contains(4L);
        assertThat(ok.imageFormat()).contains("TPLINK");
        assertThat(ok.phases()).hasSize(16).first().satisfies(p -> assertThat(p.phase()).isEqualTo("CONNECT"));
        assertThat(ok.backups()).extracting(ReportAttempt.Backup::partition).containsExactly("kernel", "rootfs");
        assertThat(report.batches()).extracting(ReportBatch::id).containsExactly("batch-1", "batch-2");
        assertThat(report.batches().get(1).operator()).contains("Lee");
        assertThat(report.hostKeyChanges()).hasSize(2).allSatisfy(k -> assertThat(k.router()).isEqualTo(HostileHistory.OK));
        assertThat(report.hostKeyChanges()).anySatisfy(k -> {
            assertThat(k.pinnedBy()).isEqualTo("UPGRADE");
            assertThat(k.attemptId()).contains("att-ok");
        });
    }

    @Test
    void aReportIsReadBesideTheFleetFlashThatHoldsTheHistory() throws Exception {
        try (History holder = History.open(HostileHistory.data(dir))) {
            Report beside = ReportReader.readBeside(HostileHistory.data(dir), new AttemptFilter(Optional.empty(), Optional.empty(),
                    Optional.of("INTERRUPTED"), Optional.empty(), Optional.empty()), NOW);
            assertThat(beside.attempts()).extracting(ReportAttempt::router).containsExactly(HostileHistory.RUNNING);
            assertThat(beside.batches()).extracting(ReportBatch::id).containsExactly("batch-1");
            assertThat(beside.hostKeyChanges()).as("only the routers of the report").isEmpty();
            assertThat(ReportJson.document(beside)).isEqualTo(ReportJson.document(ReportReader.read(holder, beside.filter(), NOW)));
        }
    }

    @Test
    void everyCsvCellIsInertAndEveryAttemptIsARow() throws Exception {
        StringWriter out = new StringWriter();
        ReportCsv.write(report, out);
        String csv = out.toString();
        assertThat(csv).contains("\r\n").doesNotContain("\u001b", "\u202e", "\u200e", "\u2066");
        List<CSVRecord> rows = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(new StringReader(csv))
                .getRecords();
        assertThat(rows).extracting(r -> r.get("router")).containsExactlyElementsOf(ROUTERS);
        assertThat(rows.get(0).getParser().getHeaderNames()).containsExactlyElementsOf(ReportCsv.COLUMNS);
        for (CSVRecord row : rows) {
            for (String cell : row.values()) {
                assertThat(cell).as("a cell a spreadsheet would run: %s", cell).doesNotStartWith("=").doesNotStartWith("+")
                        .doesNotStartWith("-").doesNotStartWith("@").doesNotStartWith("\t").doesNotStartWith("\r");
                assertThat(cell.codePoints().filter(cp -> Character.getType(cp) == Character.CONTROL
                        || Character.getType(cp) == Character.FORMAT)).as("control or format characters in %s", cell).isEmpty();
            }
        }
        CSVRecord ok = rows.get(0);
        assertThat(ok.get("newVersion")).isEqualTo("'" + HostileHistory.FORMULA);
        assertThat(ok.get("batchOperator")).isEqualTo("'" + HostileHistory.OPERATOR);
        assertThat(ok.get("batchSite")).isEqualTo("'-Site 4\\u202e");
        assertThat(ok.get("imageSha256")).isEqualTo(imageSha);
        assertThat(ok.get("phases")).startsWith("CONNECT=1.000s;UPLOAD_AGENT=1.000s;").contains("DOWNLOAD=5.000s");
        assertThat(ok.get("backups")).startsWith("kernel=" + "a".repeat(64) + " 1048576 ");
        assertThat(ok.get("hostKeyPinnedByAttempt")).startsWith("ecdsa-sha2-nistp256 SHA256:");
        CSVRecord failed = rows.get(1);
        assertThat(failed.get("failureCode")).isEqualTo("DOWNLOAD_FAILED");
        assertThat(failed.get("failureMessage")).isEqualTo("'+1\\tdownload cut\\r\\n\\x1b[2J\\u202etxt.exe $(reboot) \\u200e\\u2066x\\u2069");
        assertThat(failed.get("whatToDo")).contains("old firmware");
        CSVRecord attention = rows.get(2);
        assertThat(attention.get("model")).isEqualTo("'" + HostileHistory.AT_SUM);
        assertThat(attention.get("oldVersion")).isEqualTo("'" + HostileHistory.PLUS);
        assertThat(rows.get(3).get("outcome")).isEqualTo("INTERRUPTED");
        assertThat(rows.get(3).get("endedAt")).isEmpty();
    }

    @Test
    void theCsvExcerptInTheDocsIsWhatTheExportWrites() throws Exception {
        StringWriter out = new StringWriter();
        ReportCsv.write(report, out);
        String md = Files.readString(Path.of("..", "docs", "history-and-reports.md"), StandardCharsets.UTF_8);
        int at = md.indexOf("```", md.indexOf("An excerpt"));
        String excerpt = md.substring(md.indexOf('\n', at) + 1, md.indexOf("```", at + 3));
        assertThat(excerpt.lines()).hasSizeGreaterThan(2).allSatisfy(line -> assertThat(out.toString())
                .contains(line.substring(0, line.length() - ",...".length())));
    }

    @Test
    void thePdfNamesEveryRouterTheImageTheCountsAndADigestAnAuditorCanRecompute() throws Exception {
        for (ReportPdf.Paper paper : ReportPdf.Paper.values()) {
            byte[] pdf = pdf(report, paper);
            try (PDDocument doc = Loader.loadPDF(pdf)) {
                String text = new PDFTextStripper().getText(doc).replaceAll("\\s+", " "); // wrapped lines joined
                assertThat(text).contains("Firmware upgrade report", "Site: -Site 4", "Operator: @SUM(1) Dana, Lee", imageSha,
                        "SUCCEEDED: 2", "FAILED_SAFE: 1", "NEEDS_ATTENTION: 1", "INTERRUPTED: 1", "DOWNLOAD_FAILED", "FLASH_MISMATCH",
                        "What to do:", "pinned by UPGRADE in attempt att-ok", "page 1 of " + doc.getNumberOfPages());
                ROUTERS.forEach(r -> assertThat(text).contains(r));
                assertThat(text).doesNotContain("\u001b", "\u202e");
                Matcher m = Pattern.compile(Pattern.quote(ReportPdf.DIGEST_LABEL) + " ([0-9a-f]{64})").matcher(text);
                assertThat(m.find()).as("the digest on the last page: %s", text).isTrue();
                assertThat(m.group(1)).isEqualTo(recomputedDigest(ReportJson.document(report)));
                float width = doc.getPage(0).getMediaBox().getWidth();
                assertThat(width).isEqualTo(paper == ReportPdf.Paper.A4 ? 595.27563f : 612f);
            }
        }
    }

    @Test
    void aLongReportPaginatesAndNoTextLeavesThePage() throws Exception {
        List<ReportAttempt> many = new ArrayList<>();
        ReportAttempt base = report.attempts().get(2);
        String huge = "\u4e2d\u6587 \ud83d\ude00 " + "W".repeat(300) + " " + "long words that wrap ".repeat(80);
        for (int i = 0; i < 150; i++) {
            many.add(new ReportAttempt("att-" + i, base.batchId(), 1, "198.51.100." + i, 22, Optional.of(huge), base.hostname(),
                    base.architecture(), base.mac(), base.serial(), base.imageFile(), base.imageSha256(), base.imageSize(), base.imageFormat(),
                    base.imageVersion(), base.imagePath(), base.layout(), Optional.of(huge), Optional.of("11.0-r200"), base.startedAt(),
                    base.endedAt(), base.duration(), base.phase(), i % 3 == 0 ? "INTERRUPTED" : base.outcome(), base.failureCode(),
                    Optional.of(huge), 0, 0, 0, 0, false, Optional.empty(), Optional.empty(), List.of(), List.of(), Optional.empty()));
        }
        Report big = new Report(NOW, AttemptFilter.all(), many, report.batches(), report.hostKeyChanges());
        for (ReportPdf.Paper paper : ReportPdf.Paper.values()) {
            try (PDDocument doc = Loader.loadPDF(pdf(big, paper))) {
                assertThat(doc.getNumberOfPages()).isGreaterThan(5);
                String text = new PDFTextStripper().getText(doc);
                assertThat(text).contains("198.51.100.0:22", "198.51.100.149:22", "INTERRUPTED: 50", "Message: ?? ?");
                String[] messages = text.split("Message: ");
                assertThat(messages).hasSizeGreaterThan(100);
                for (int i = 1; i < messages.length; i++) {
                    String message = messages[i].substring(0, messages[i].indexOf("What to do:"));
                    assertThat(message.lines()).as("a long message is cut after 8 lines").hasSize(8);
                    assertThat(message.strip()).endsWith(PdfCanvas.ELLIPSIS);
                }
                for (int p = 1; p <= doc.getNumberOfPages(); p++) {
                    PDPage page = doc.getPage(p - 1);
                    float w = page.getMediaBox().getWidth();
                    float h = page.getMediaBox().getHeight();
                    List<TextPosition> outside = new ArrayList<>();
                    PDFTextStripper bounds = new PDFTextStripper() {
                        @Override
                        protected void processTextPosition(TextPosition t) {
                            if (t.getXDirAdj() < 30 || t.getXDirAdj() + t.getWidthDirAdj() > w - 30 || t.getYDirAdj() < 30
                                    || t.getYDirAdj() > h - 10) {
                                outside.add(t);
                            }
                        }
                    };
                    bounds.setStartPage(p);
                    bounds.setEndPage(p);
                    bounds.getText(doc);
                    assertThat(outside).as("text outside the margins of page %d (%s)", p, paper).isEmpty();
                }
            }
        }
    }

    @Test
    void theJsonHasTheShapeTheDocsDescribe() throws Exception {
        JsonNode doc = new ObjectMapper().readTree(ReportJson.document(report));
        Map<String, Map<String, String>> shape = documentedShape();
        check(doc, shape.get("document"), "document");
        check(doc.get("report"), shape.get("report"), "report");
        check(doc.get("report").get("filters"), shape.get("filters"), "filters");
        for (JsonNode b : doc.get("batches")) {
            check(b, shape.get("batches[]"), "batches[]");
        }
        for (JsonNode a : doc.get("attempts")) {
            check(a, shape.get("attempts[]"), "attempts[]");
            for (JsonNode p : a.get("phases")) {
                check(p, shape.get("phases[]"), "phases[]");
            }
            for (JsonNode b : a.get("backups")) {
                check(b, shape.get("backups[]"), "backups[]");
            }
        }
        assertThat(doc.get("hostKeyChanges")).isNotEmpty();
        for (JsonNode k : doc.get("hostKeyChanges")) {
            check(k, shape.get("hostKeyChanges[]"), "hostKeyChanges[]");
        }
        assertThat(doc.get("attempts")).hasSize(5);
        assertThat(doc.get("report").get("counts").get("INTERRUPTED").asInt()).isEqualTo(1);
        assertThat(doc.get("report").get("dataSha256").asText()).isEqualTo(recomputedDigest(ReportJson.document(report)));
        assertThat(ReportJson.document(report).chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f)).as("printable ASCII only").isTrue();
    }

    /** The docs' recipe: SHA-256 of the compact JSON array [batches, attempts, hostKeyChanges] of the export, non-ASCII escaped. */
    private static String recomputedDigest(String export) throws Exception {
        ObjectMapper plain = new ObjectMapper();
        JsonNode doc = plain.readTree(export);
        ArrayNode data = plain.createArrayNode().add(doc.get("batches")).add(doc.get("attempts")).add(doc.get("hostKeyChanges"));
        String canonical = ReportJson.mapper().writeValueAsString(data);
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.US_ASCII)));
    }

    private static byte[] pdf(Report r, ReportPdf.Paper paper) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ReportPdf.write(r, paper, ZoneOffset.UTC, out);
        return out.toByteArray();
    }

    /**
     * The JSON shape as docs/history-and-reports.md lists it: lines {@code - `NAME`: `field` type, `field` type, ...}
     * under the heading "### The JSON document".
     */
    static Map<String, Map<String, String>> documentedShape() throws IOException {
        String md = Files.readString(Path.of("..", "docs", "history-and-reports.md"), StandardCharsets.UTF_8);
        int start = md.indexOf("### The JSON document");
        assertThat(start).as("the docs describe the JSON document").isNotNegative();
        String section = md.substring(start, md.indexOf("\n## ", start) < 0 ? md.length() : md.indexOf("\n## ", start));
        Map<String, Map<String, String>> shape = new LinkedHashMap<>();
        Matcher line = Pattern.compile("(?m)^- `([^`]+)`: (.+)$").matcher(section);
        while (line.find()) {
            Map<String, String> fields = new LinkedHashMap<>();
            Matcher f = Pattern.compile("`([A-Za-z0-9]+)` ([a-z|]+)").matcher(line.group(2));
            while (f.find()) {
                fields.put(f.group(1), f.group(2));
            }
            shape.put(line.group(1), fields);
        }
        assertThat(shape).containsKeys("document", "report", "filters", "batches[]", "attempts[]", "phases[]", "backups[]", "hostKeyChanges[]");
        return shape;
    }

    private static void check(JsonNode node, Map<String, String> fields, String what) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            names.add(it.next());
        }
        assertThat(names).as("the fields of %s, in the documented order", what).containsExactlyElementsOf(fields.keySet());
        fields.forEach((name, types) -> {
            JsonNode v = node.get(name);
            String type = v.isNull() ? "null" : v.isTextual() ? "string" : v.isIntegralNumber() ? "number" : v.isBoolean() ? "boolean"
                    : v.isArray() ? "array" : v.isObject() ? "object" : "other";
            assertThat(List.of(types.split("\\|"))).as("%s.%s is %s", what, name, type).contains(type);
        });
    }
}

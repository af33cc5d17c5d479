package org.fleetflash.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.fleetflash.core.history.report.HostileHistory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleetflash history export} through picocli over a real history: the files it writes and what it refuses. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HistoryExportCommandTest {

    @TempDir
    Path dir;

    private Path outDir;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void recordHistory() throws Exception {
        HostileHistory.write(dir);
        outDir = Files.createDirectory(dir.resolve("reports"));
    }

    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        List<String> all = new ArrayList<>(List.of("history", "export", "--data-dir", dir.resolve("data").toString()));
        all.addAll(List.of(args));
        return FleetFlashCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(all.toArray(String[]::new));
    }

    private List<Path> outFiles() throws Exception {
        try (Stream<Path> s = Files.list(outDir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void csvWithFiltersHasTheSelectedAttemptsOnlyAndIsOwnerOnly() throws Exception {
        Path csv = outDir.resolve("site.csv");
        assertThat(run("--format", "CSV", "--out", csv.toString(), "--batch", "batch-1", "--outcome", "failed_safe")).isZero();
        assertThat(out.toString()).contains("Exported 1 attempt(s) to " + csv);
        List<CSVRecord> rows = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(Files.readString(csv, StandardCharsets.UTF_8))).getRecords();
        assertThat(rows).extracting(r -> r.get("router")).containsExactly(HostileHistory.FAILED);
        assertThat(rows.get(0).get("failureMessage")).startsWith("'+1\\t");
        assertThat(Files.getPosixFilePermissions(csv)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE);
        assertThat(outFiles()).as("no temporary file left").containsExactly(csv);
    }

    @Test
    void anExistingFileIsKeptUnlessForceIsGiven() throws Exception {
        Path report = Files.writeString(outDir.resolve("report.pdf"), "the customer's copy");
        assertThat(run("--format", "pdf", "--out", report.toString())).isEqualTo(HistoryExportCommand.EXIT_EXISTS);
        assertThat(err.toString()).contains("exists already", "--force");
        assertThat(Files.readString(report)).isEqualTo("the customer's copy");
        assertThat(outFiles()).containsExactly(report);

        assertThat(run("--format", "pdf", "--paper", "letter", "--out", report.toString(), "--force")).isZero();
        try (PDDocument doc = Loader.loadPDF(report.toFile())) {
            assertThat(doc.getPage(0).getMediaBox().getWidth()).isEqualTo(612f);
            assertThat(new PDFTextStripper().getText(doc)).contains(HostileHistory.OK, HostileHistory.OTHER_BATCH);
        }
        assertThat(outFiles()).containsExactly(report);
    }

    @Test
    void forceNeverReplacesALinkAPipeOrADeviceOnlyAFile() throws Exception {
        Path customer = Files.writeString(outDir.resolve("customer.pdf"), "the customer's copy");
        Path link = Files.createSymbolicLink(outDir.resolve("latest.pdf"), customer);
        Path pipe = outDir.resolve("pipe");
        Process mkfifo = new ProcessBuilder("mkfifo", pipe.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).isZero();

        for (Path special : List.of(link, pipe)) {
            assertThat(run("--format", "pdf", "--out", special.toString(), "--force")).isEqualTo(HistoryExportCommand.EXIT_CANNOT_WRITE);
            assertThat(err.toString()).contains(special + " is not an ordinary file", "Nothing was written");
        }

        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(customer)).isEqualTo("the customer's copy");
        assertThat(Files.isRegularFile(pipe, java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(outFiles()).containsExactlyInAnyOrder(customer, link, pipe);
    }

    @Test
    void jsonIsOneDocumentWithTheReportsHeader() throws Exception {
        Path json = outDir.resolve("r.json");
        assertThat(run("--format", "json", "--out", json.toString(), "--router", "192.0.2.10")).isZero();
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertThat(doc.get("report").get("filters").get("router").asText()).isEqualTo("192.0.2.10");
        assertThat(doc.get("attempts")).hasSize(1);
        assertThat(doc.get("attempts").get(0).get("newVersion").asText()).isEqualTo(HostileHistory.FORMULA);
    }

    @Test
    void badFormatPaperOrUnwritablePathsAreRefusedClearly() throws Exception {
        assertThat(run("--format", "xlsx", "--out", outDir.resolve("a.xlsx").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown --format 'xlsx': use csv, pdf or json.");
        assertThat(run("--format", "pdf", "--paper", "a5", "--out", outDir.resolve("a.pdf").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("use a4 or letter");
        assertThat(run("--format", "csv")).as("--out is required").isEqualTo(2);

        assertThat(run("--format", "csv", "--out", outDir.resolve("missing/a.csv").toString())).isEqualTo(HistoryExportCommand.EXIT_CANNOT_WRITE);
        assertThat(err.toString()).contains("does not exist", "create it first");
        Path file = Files.writeString(outDir.resolve("plain"), "x");
        assertThat(run("--format", "csv", "--out", file.resolve("a.csv").toString())).isEqualTo(HistoryExportCommand.EXIT_CANNOT_WRITE);
        assertThat(run("--format", "csv", "--out", outDir.toString())).isEqualTo(HistoryExportCommand.EXIT_CANNOT_WRITE);
        assertThat(err.toString()).contains("is a directory");
        assertThat(outFiles()).containsExactly(file);
    }

    @Test
    void aDirectoryThatRefusesWritesIsReportedWithNothingLeft() throws Exception {
        Path locked = Files.createDirectory(outDir.resolve("locked"));
        Files.setPosixFilePermissions(locked, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_EXECUTE));
        try {
            if (Files.isWritable(locked)) {
                return; // root writes anywhere: nothing to observe here
            }
            assertThat(run("--format", "json", "--out", locked.resolve("r.json").toString())).isEqualTo(HistoryExportCommand.EXIT_CANNOT_WRITE);
            assertThat(err.toString()).contains("Cannot write", "permission denied", "Nothing was written");
        } finally {
            Files.setPosixFilePermissions(locked, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.OWNER_EXECUTE));
        }
    }

    @Test
    void listAndExportShareTheFilterOptions() {
        assertThat(run("--format", "csv", "--out", outDir.resolve("x.csv").toString(), "--since", "yesterday")).isEqualTo(2);
        assertThat(err.toString()).contains("--since", "2026-12-01");
        assertThat(run("--format", "csv", "--out", outDir.resolve("x.csv").toString(), "--outcome", "BROKEN")).isEqualTo(2);
        assertThat(err.toString()).contains("SUCCEEDED, FAILED_SAFE, NEEDS_ATTENTION, INTERRUPTED or RUNNING");
    }
}

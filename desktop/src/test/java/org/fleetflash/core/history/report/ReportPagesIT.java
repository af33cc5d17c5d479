package org.fleetflash.core.history.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.fleetflash.core.history.AttemptFilter;
import org.junit.jupiter.api.Test;

/**
 * Renders the pages of a sample report (a site of 40 routers, A4) into docs/images/report-page-N.png for
 * docs/history-and-reports.md, so the docs show what the export prints; the sample and the Letter version are
 * also left in target/ to look at. The sample is fixed (no clock, no random key), so the images change only
 * when the report's look does.
 */
class ReportPagesIT {

    static final Path IMAGES = Path.of("..", "docs", "images");
    private static final Instant T0 = Instant.parse("2026-11-30T08:00:00Z");
    private static final String IMAGE_SHA = "3f1c9e0a7b5d2e4c6a8b0d1f3e5a7c9b1d3f5e7a9c0b2d4f6e8a0c2e4b6d8f0a";
    private static final int DPI = 70;

    @Test
    void samplePages() throws Exception {
        Report sample = sample();
        Path target = Path.of("target");
        Files.createDirectories(target);
        for (ReportPdf.Paper paper : ReportPdf.Paper.values()) {
            try (OutputStream out = Files.newOutputStream(target.resolve("report-sample-" + paper.name().toLowerCase() + ".pdf"))) {
                ReportPdf.write(sample, paper, ZoneOffset.UTC, out);
            }
        }
        try (DirectoryStream<Path> old = Files.newDirectoryStream(IMAGES, "report-page-*.png")) {
            for (Path p : old) {
                Files.delete(p);
            }
        }
        try (PDDocument doc = Loader.loadPDF(target.resolve("report-sample-a4.pdf").toFile())) {
            assertThat(doc.getNumberOfPages()).isBetween(2, 6);
            PDFRenderer renderer = new PDFRenderer(doc);
            for (int i = 0; i < doc.getNumberOfPages(); i++) {
                BufferedImage page = renderer.renderImageWithDPI(i, DPI);
                Path png = IMAGES.resolve("report-page-" + (i + 1) + ".png");
                ImageIO.write(page, "png", png.toFile());
                assertThat(Files.size(png)).as("a page image stays small").isLessThan(300_000);
                assertThat(page.getWidth()).isBetween(577, 580); // A4 at 70 dpi
            }
        }
    }

    /** A site of 40 routers: most upgraded, one retried, one unreachable, one to check, one without an end. */
    static Report sample() {
        List<ReportAttempt> attempts = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            String model = i % 3 == 0 ? "TL-WDR4300" : "TL-WDR3600";
            Instant start = T0.plusSeconds(i * 37L);
            String outcome = "SUCCEEDED";
            Optional<String> code = Optional.of("OK");
            Optional<String> message = Optional.empty();
            Optional<String> newVersion = Optional.of("11.0-r200");
            long seconds = 150 + (i * 7) % 60;
            String old = "11.0-r100";
            if (i == 7) {
                outcome = "FAILED_SAFE";
                code = Optional.of("UNREACHABLE");
                message = Optional.of("No answer from 192.0.2.7:22 within 10 s (connection timed out). Check that the router is on and"
                        + " reachable from this computer.");
                newVersion = Optional.empty();
                seconds = 10;
            } else if (i == 18) {
                outcome = "NEEDS_ATTENTION";
                code = Optional.of("NO_RETURN");
                message = Optional.of("The router did not answer within 600 s after the reroot. It may still be flashing: wait, then"
                        + " run fleetflash probe 192.0.2.18; if it stays silent, use the backups in the backup directory.");
                newVersion = Optional.empty();
                seconds = 640;
            } else if (i == 29) {
                old = "=HYPERLINK(\"http://x\")\\u202e";
            } else if (i == 40) {
                outcome = Report.RUNNING;
                code = Optional.empty();
                newVersion = Optional.empty();
            }
            boolean ended = !Report.RUNNING.equals(outcome);
            attempts.add(attempt("att-" + i, 1, "192.0.2." + i, model, old, newVersion, start, ended ? Optional.of(Duration.ofSeconds(seconds))
                    : Optional.empty(), outcome, code, message));
            if (i == 12) {
                attempts.add(attempt("att-12-retry", 2, "192.0.2.12", model, old, Optional.of("11.0-r200"), start.plusSeconds(400),
                        Optional.of(Duration.ofSeconds(171)), "SUCCEEDED", Optional.of("OK"), Optional.empty()));
            }
        }
        ReportBatch batch = new ReportBatch("batch-20261130-riverside", T0, Optional.of(T0.plusSeconds(3000)), Optional.of(40),
                Optional.of("Dana Novak"), Optional.of("Riverside Clinic, building B"), Optional.empty());
        List<HostKeyChange> keys = List.of(
                new HostKeyChange("192.0.2.3:22", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256 SHA256:q3Lr9vV0f6mDx1cHk2yN7bJt4sPz8wQeUaRgKiOlMnE",
                        T0.minus(Duration.ofDays(90)), "FIRST_USE", Optional.empty(), Optional.of(T0.plusSeconds(400)), Optional.of("UPGRADE")),
                new HostKeyChange("192.0.2.3:22", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256 SHA256:Z8xWv2Ut5sRq1pOn4mLk7jIh0gFe3dCb6aZy9xWv8uT",
                        T0.plusSeconds(400), "UPGRADE", Optional.of("att-3"), Optional.empty(), Optional.empty()));
        return new Report(T0.plusSeconds(3600), AttemptFilter.all(), attempts, List.of(batch), keys);
    }

    private static ReportAttempt attempt(String id, int tryNumber, String host, String model, String old, Optional<String> newVersion,
            Instant start, Optional<Duration> duration, String outcome, Optional<String> code, Optional<String> message) {
        return new ReportAttempt(id, "batch-20261130-riverside", tryNumber, host, 22, Optional.of(model), Optional.of("ap-" + host.substring(8)),
                Optional.of("mips"), Optional.empty(), Optional.empty(), Optional.of("fleetflash-11.0-r200-tl-wdr.bin"), Optional.of(IMAGE_SHA),
                Optional.of(7_602_176L), Optional.of("TPLINK"), Optional.of("11.0-r200"), Optional.of("/home/dana/images/fleetflash-11.0-r200-tl-wdr.bin"),
                Optional.of("kernel,rootfs"), Optional.of(old), newVersion, start, duration.map(start::plus), duration,
                Optional.of(Report.RUNNING.equals(outcome) ? "FLASH" : "VERIFIED"), outcome, code, message, 7_602_176, 96, 20, 0, false,
                Optional.empty(), Optional.empty(), List.of(), List.of(), Optional.empty());
    }
}

package org.fleetflash.core.history.report;

import java.awt.Color;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/**
 * The drawing surface of a PDF report: pages of one size with margins, a cursor that moves down and opens a new
 * page when the next item does not fit above the footer zone, and text that always fits (cut with an ellipsis
 * or wrapped). Text is drawn in Helvetica with WinAnsi encoding (one of the 14 fonts every PDF reader has, so the
 * file needs no font file); a character that encoding lacks is drawn as {@code ?}.
 */
final class PdfCanvas implements AutoCloseable {

    static final float MARGIN = 42;
    /** Height kept free at the bottom of every page for the page number and, on the last one, the digest. */
    static final float FOOTER_ZONE = 64;
    static final String ELLIPSIS = "\u2026";

    final PDFont regular = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
    final PDFont bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
    final PDDocument doc;
    private final PDRectangle size;
    private final Map<Integer, Boolean> encodable = new HashMap<>();
    private PDPageContentStream cs;
    private float y;
    /** Drawn at the top of every new page (a table's header row), or null. */
    private Drawing onNewPage;

    PdfCanvas(PDDocument doc, PDRectangle size) {
        this.doc = doc;
        this.size = size;
    }

    float left() {
        return MARGIN;
    }

    float width() {
        return size.getWidth() - 2 * MARGIN;
    }

    float y() {
        return y;
    }

    void down(float by) {
        y -= by;
    }

    /** Starts a page; the repeated header, when one is set, is drawn below its top margin. */
    void newPage() throws IOException {
        if (cs != null) {
            cs.close();
        }
        PDPage page = new PDPage(size);
        doc.addPage(page);
        cs = new PDPageContentStream(doc, page);
        y = size.getHeight() - MARGIN;
        if (onNewPage != null) {
            onNewPage.draw();
        }
    }

    /** What to draw at the top of each page opened from now on (null: nothing). */
    void repeatOnNewPage(Drawing header) {
        this.onNewPage = header;
    }

    /** Opens a new page unless {@code height} fits above the footer zone. */
    void need(float height) throws IOException {
        if (cs == null || y - height < FOOTER_ZONE) {
            newPage();
        }
    }

    /** Draws {@code text} with its baseline at {@code baseline}, cut with an ellipsis to {@code maxWidth}. */
    void text(PDFont font, float fontSize, float x, float baseline, String text, float maxWidth, Color color) throws IOException {
        String s = fit(font, fontSize, text, maxWidth);
        if (s.isEmpty()) {
            return;
        }
        cs.setNonStrokingColor(color);
        cs.beginText();
        cs.setFont(font, fontSize);
        cs.newLineAtOffset(x, baseline);
        cs.showText(s);
        cs.endText();
        cs.setNonStrokingColor(Color.BLACK);
    }

    void text(PDFont font, float fontSize, float x, float baseline, String text, float maxWidth) throws IOException {
        text(font, fontSize, x, baseline, text, maxWidth, Color.BLACK);
    }

    /** One line at the cursor, then the cursor below it. */
    void line(PDFont font, float fontSize, String text) throws IOException {
        need(fontSize * 1.4f);
        y -= fontSize * 1.25f;
        text(font, fontSize, left(), y, text, width());
        y -= fontSize * 0.15f;
    }

    /** A paragraph at the cursor, wrapped to the width less {@code indent}, across pages when it must. */
    void paragraph(PDFont font, float fontSize, float indent, String text) throws IOException {
        paragraph(font, fontSize, indent, text, Integer.MAX_VALUE);
    }

    /** {@link #paragraph(PDFont, float, float, String)} of at most {@code maxLines} lines, the last one then ending in an ellipsis. */
    void paragraph(PDFont font, float fontSize, float indent, String text, int maxLines) throws IOException {
        List<String> lines = wrap(font, fontSize, text, width() - indent);
        if (lines.size() > maxLines) {
            lines = new ArrayList<>(lines.subList(0, maxLines));
            lines.set(maxLines - 1, fit(font, fontSize, lines.get(maxLines - 1) + " " + ELLIPSIS, width() - indent));
        }
        for (String l : lines) {
            need(fontSize * 1.4f);
            y -= fontSize * 1.3f;
            text(font, fontSize, left() + indent, y, l, width() - indent);
        }
    }

    void fill(float x, float bottom, float w, float h, Color color) throws IOException {
        cs.setNonStrokingColor(color);
        cs.addRect(x, bottom, w, h);
        cs.fill();
        cs.setNonStrokingColor(Color.BLACK);
    }

    void rule(float x, float at, float w, Color color) throws IOException {
        cs.setStrokingColor(color);
        cs.setLineWidth(0.5f);
        cs.moveTo(x, at);
        cs.lineTo(x + w, at);
        cs.stroke();
        cs.setStrokingColor(Color.BLACK);
    }

    /** The width of {@code text} (made safe) in points. */
    float width(PDFont font, float fontSize, String text) throws IOException {
        return font.getStringWidth(safe(text)) / 1000 * fontSize;
    }

    /** {@code text}, made safe, cut at the end with an ellipsis so that it is at most {@code maxWidth} wide. */
    String fit(PDFont font, float fontSize, String text, float maxWidth) throws IOException {
        String s = safe(text);
        if (width(font, fontSize, s) <= maxWidth) {
            return s;
        }
        int lo = 0;
        int hi = s.length();
        while (lo < hi) { // the longest prefix that fits with the ellipsis
            int mid = (lo + hi + 1) / 2;
            if (width(font, fontSize, s.substring(0, mid) + ELLIPSIS) <= maxWidth) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo == 0 ? "" : s.substring(0, lo) + ELLIPSIS;
    }

    /** {@code text} broken into lines at most {@code maxWidth} wide: at spaces, or inside a word longer than a line. */
    List<String> wrap(PDFont font, float fontSize, String text, float maxWidth) throws IOException {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : safe(text).split(" ")) {
            String candidate = line.length() == 0 ? word : line + " " + word;
            if (width(font, fontSize, candidate) <= maxWidth) {
                line.setLength(0);
                line.append(candidate);
                continue;
            }
            if (line.length() > 0) {
                lines.add(line.toString());
                line.setLength(0);
            }
            String rest = word;
            while (width(font, fontSize, rest) > maxWidth && rest.length() > 1) {
                int n = rest.length() - 1;
                while (n > 1 && width(font, fontSize, rest.substring(0, n)) > maxWidth) {
                    n--;
                }
                lines.add(rest.substring(0, n));
                rest = rest.substring(n);
            }
            line.append(rest);
        }
        if (line.length() > 0 || lines.isEmpty()) {
            lines.add(line.toString());
        }
        return lines;
    }

    /**
     * {@code text} with every character the font cannot encode replaced by {@code ?} (text from routers can hold
     * anything); null becomes the empty string.
     */
    String safe(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> out.append(encodable.computeIfAbsent(cp, this::canEncode) ? Character.toString(cp) : "?"));
        return out.toString();
    }

    private boolean canEncode(int cp) {
        if (cp < 0x20 || cp == 0x7f || Character.isSupplementaryCodePoint(cp)) {
            return false;
        }
        try {
            regular.encode(Character.toString(cp));
            bold.encode(Character.toString(cp));
            return true;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Something drawn at the cursor. */
    @FunctionalInterface
    interface Drawing {
        void draw() throws IOException;
    }

    /** Ends the last page's drawing. */
    @Override
    public void close() throws IOException {
        if (cs != null) {
            cs.close();
            cs = null;
        }
    }
}

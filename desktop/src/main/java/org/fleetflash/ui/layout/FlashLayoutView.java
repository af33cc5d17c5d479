package org.fleetflash.ui.layout;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import org.fleetflash.agent.plan.FlashPlan;
import org.fleetflash.agent.protocol.DeviceFacts;
import org.fleetflash.agent.protocol.Partition;
import org.fleetflash.core.text.Sanitize;
import org.fleetflash.ui.support.ByteSizes;

/**
 * The flash of one probed router drawn to scale: a bar of its partitions (read-only ones hatched and marked, the
 * partitions an upgrade writes highlighted), the upgrade area's span under it, and a table with every offset and
 * size. Built as rows in a column so that the image overlay and the erase-block grid can be added as rows of their
 * own later without touching the bar.
 */
public final class FlashLayoutView extends VBox {

    /** Narrowest a partition is drawn, so that a 64 KB one keeps its label. */
    public static final double MIN_SEGMENT_WIDTH = 76;

    private final Label heading = new Label();
    private final Label empty = new Label();
    private final PartitionBar bar = new PartitionBar();
    private final Label span = new Label();
    private final GridPane table = new GridPane();
    private final ImageBar imageBar = new ImageBar();
    private final Label imageFit = new Label();
    private final Label imageParts = new Label();

    /** An empty pane that asks for a probe. */
    public FlashLayoutView() {
        getStyleClass().add("flash-layout");
        setSpacing(10);
        setPadding(new Insets(12));
        heading.getStyleClass().add("flash-heading");
        heading.setId("flashHeading");
        heading.setWrapText(true);
        empty.getStyleClass().add("empty-state");
        empty.setWrapText(true);
        span.getStyleClass().add("layout-span");
        span.setId("layoutSpan");
        span.setWrapText(true);
        table.getStyleClass().add("partition-table");
        table.setHgap(16);
        table.setVgap(4);
        getStylesheets().add(Objects.requireNonNull(FlashLayoutView.class.getResource("/org/fleetflash/ui/progress.css")).toExternalForm());
        imageFit.setId("imageFit");
        imageFit.getStyleClass().add("image-fit");
        imageFit.setWrapText(true);
        imageParts.setId("imageParts");
        imageParts.getStyleClass().add("layout-span");
        imageParts.setWrapText(true);
        showNothing("Select a router and probe it (Ctrl+P) to see its flash layout.");
    }

    /**
     * What the view draws now, as its inputs (null when it must be drawn again): showing the same again does nothing.
     * During a batch the highlighted router is shown again as it is probed, rebooted and ended, with the same layout;
     * building its segments, tooltips and table again each time held the FX thread for hundreds of milliseconds.
     */
    private Object drawn;

    /** The inputs of a drawing, compared with {@link #drawn}: only what the view shows of the router's facts. */
    private record Drawing(String title, long flashSize, String flashDevice, long eraseBlock, List<Partition> parts, List<String> layout,
            String imageName, long imageSize) {
        static Drawing of(String title, DeviceFacts facts, List<String> layout, String imageName, long imageSize) {
            return new Drawing(title, facts.flashSize(), facts.flashDevice(), facts.eraseBlock(), List.copyOf(facts.partitions()),
                    List.copyOf(layout), imageName, imageSize);
        }
    }

    /**
     * Styles ahead what a layout is drawn with, while the view shows a sentence: a flash like a TL-WDR3600's, with an
     * image over it, is drawn and taken away again in the same step, before any frame shows it. The first layout of a
     * window, drawn when its highlighted router is probed (often in the middle of a batch), then finds its nodes made
     * and JavaFX's matching styles known, instead of holding the window for 100 ms and more. Two steps, for the window
     * to run one per frame: the first makes the nodes, the second fills them again and styles them (each about half of
     * the work). A step does nothing while a layout is shown.
     */
    public List<Runnable> preparation() {
        return List.of(() -> drawSample(false), () -> drawSample(true));
    }

    /** Both steps of {@link #preparation()} at once. */
    public void prepare() {
        preparation().forEach(Runnable::run);
    }

    /** Draws the sample flash and takes it away again; with {@code style}, styles it in between. */
    private void drawSample(boolean style) {
        if (!(drawn instanceof String sentence)) {
            return;
        }
        long kb = 1024;
        List<Partition> sample = List.of(new Partition("u-boot", 0, 128 * kb, true, 0, 64 * kb, ""),
                new Partition("kernel", 128 * kb, 1280 * kb, false, 1, 64 * kb, ""),
                new Partition("rootfs", 1408 * kb, 6592 * kb, false, 2, 64 * kb, ""),
                new Partition("cfg", 8000 * kb, 64 * kb, false, 3, 64 * kb, ""),
                new Partition("mib0", 8064 * kb, 64 * kb, true, 4, 64 * kb, ""),
                new Partition("ART", 8128 * kb, 64 * kb, true, 5, 64 * kb, ""));
        DeviceFacts facts = new DeviceFacts("", 0, "", "", "", "", 0, 0, 0, 0, "", false, false, List.of(), java.util.Map.of(),
                java.util.Map.of(), List.of(), 64 * kb, "flash/spi0", 8192 * kb, sample, List.of(), java.util.Optional.empty());
        drawWithImage("", facts, List.of("kernel", "rootfs"), "image.bin", 7000 * kb, false);
        if (style) {
            applyCss();
        }
        drawn = null;
        showNothing(sentence);
    }

    /** Shows a sentence instead of a layout (no router, or not probed yet). */
    public void showNothing(String sentence) {
        if (sentence.equals(drawn)) {
            return;
        }
        empty.setText(sentence);
        getChildren().setAll(empty);
        drawn = sentence;
    }

    /**
     * Draws {@code facts}' flash.
     *
     * @param title       the router, as the heading names it
     * @param layoutNames the partitions an upgrade writes, in flash order (e.g. {@code kernel rootfs})
     */
    public void show(String title, DeviceFacts facts, List<String> layoutNames) {
        Drawing d = Drawing.of(title, facts, layoutNames, null, -1);
        if (d.equals(drawn)) {
            return;
        }
        draw(title, facts, layoutNames);
        drawn = d;
    }

    private void draw(String title, DeviceFacts facts, List<String> layoutNames) {
        heading.setText(Sanitize.line(title) + " · " + ByteSizes.human(facts.flashSize()) + " flash (" + Sanitize.line(facts.flashDevice())
                + "), erase block " + ByteSizes.human(facts.eraseBlock()));
        Set<String> layout = Set.copyOf(layoutNames);
        List<Partition> parts = facts.partitions();
        bar.show(parts, layout);
        long first = -1;
        long end = -1;
        for (Partition p : parts) {
            if (layout.contains(p.name())) {
                first = first < 0 ? p.offset() : Math.min(first, p.offset());
                end = Math.max(end, p.offset() + p.size());
            }
        }
        span.setText(first < 0 ? "None of the partitions " + String.join(" ", layoutNames) + " is on this flash: the upgrade has no place"
                + " to write."
                : "Upgrade area (" + String.join(" + ", layoutNames) + "): " + ByteSizes.human(end - first) + " from "
                + ByteSizes.hex(first) + " to " + ByteSizes.hex(end) + ". Hatched partitions are read-only and never written.");
        fillTable(parts, layout);
        rows(heading, bar, span, table);
    }

    /**
     * Makes {@code nodes} the view's rows, touching the children only when they differ: taking a node out and putting
     * it back styles it and everything in it again, the costliest part of drawing the layout anew.
     */
    private void rows(Node... nodes) {
        if (!getChildren().equals(List.of(nodes))) {
            getChildren().setAll(nodes);
        }
    }

    /**
     * Draws {@code facts}' flash with an image laid over the upgrade area from its start: what it covers, the spare
     * room left (how many bytes free) or, when it does not fit, the part that overflows in red with "too large by N
     * bytes" in words. Works before any plan exists, so a technician sees why an image is refused.
     *
     * @param imageName the image as the technician chose it (a file name)
     * @param imageSize its size in bytes
     */
    public void showWithImage(String title, DeviceFacts facts, List<String> layoutNames, String imageName, long imageSize) {
        Drawing d = Drawing.of(title, facts, layoutNames, imageName, imageSize);
        if (d.equals(drawn)) {
            return;
        }
        drawWithImage(title, facts, layoutNames, imageName, imageSize, false);
        drawn = d;
    }

    private void drawWithImage(String title, DeviceFacts facts, List<String> layoutNames, String imageName, long imageSize,
            boolean planned) {
        draw(title, facts, layoutNames);
        Set<String> layout = Set.copyOf(layoutNames);
        long first = -1;
        long end = -1;
        String after = null;
        for (Partition p : facts.partitions()) {
            if (layout.contains(p.name())) {
                first = first < 0 ? p.offset() : Math.min(first, p.offset());
                end = Math.max(end, p.offset() + p.size());
            }
        }
        for (Partition p : facts.partitions()) {
            if (end >= 0 && after == null && p.offset() >= end) {
                after = p.name();
            }
        }
        if (first < 0) {
            return; // the span sentence already says the layout has no place on this flash
        }
        String name = Sanitize.line(imageName, 96);
        long spanSize = end - first;
        long spare = spanSize - imageSize;
        String area = String.join(" + ", layoutNames);
        imageFit.getStyleClass().removeAll("image-fits", "image-too-large");
        if (spare >= 0) {
            imageFit.getStyleClass().add("image-fits");
            imageFit.setText(String.format(Locale.ROOT, "Fits: %s (%s) leaves %s spare in %s (%,d bytes free).", name,
                    ByteSizes.human(imageSize), ByteSizes.human(spare), area, spare));
        } else {
            imageFit.getStyleClass().add("image-too-large");
            imageFit.setText(String.format(Locale.ROOT, "Too large by %,d bytes: %s is %s (%,d bytes), %s hold %s (%,d bytes)%s."
                    + " Choose an image built for this router model.", -spare, name, ByteSizes.human(imageSize), imageSize,
                    area, ByteSizes.human(spanSize), spanSize, after == null ? "" : "; it would run into " + Sanitize.line(after, 64)));
        }
        imageBar.show(facts.partitions(), first, end, imageSize, name);
        if (planned) {
            rows(heading, bar, imageBar, imageFit, imageParts, span, table);
        } else {
            rows(heading, bar, imageBar, imageFit, span, table);
        }
    }

    /**
     * As {@link #showWithImage(String, DeviceFacts, List, String, long)} for an image that was planned: also says
     * how much of it each partition of the layout takes.
     */
    public void showWithImage(String title, DeviceFacts facts, FlashPlan plan, String imageName) {
        drawWithImage(title, facts, plan.layout(), imageName, plan.imageSize(), true);
        drawn = null; // drawn again each time: the plan is not compared
        List<String> shares = new ArrayList<>();
        for (FlashPlan.Segment seg : plan.segments()) {
            shares.add(Sanitize.line(seg.partition(), 64) + " takes " + ByteSizes.human(seg.length()) + " ("
                    + seg.blocks(plan.eraseBlock()) + " erase blocks)");
        }
        imageParts.setText("Planned: " + String.join(", ", shares) + "; " + plan.blocks() + " erase blocks of "
                + ByteSizes.human(plan.eraseBlock()) + " in all.");
        if (!getChildren().contains(imageParts)) { // the layout has no place on this flash: no image bar was drawn
            getChildren().add(imageParts);
        }
    }

    /** The words on the image's bar (the spare room or the overflow) as shown, in or beside it; empty when none. */
    public String imageBarWords() {
        if (!getChildren().contains(imageBar)) {
            return "";
        }
        return imageBar.spareWordsShown() ? imageBar.text("spare") : imageBar.text("overflow");
    }

    /** The sentence under the image (fits and spare room, or too large by how much); empty when no image is shown. */
    public String imageSentence() {
        return getChildren().contains(imageFit) ? imageFit.getText() : "";
    }

    /** The partition names the bar shows, left to right (what a test or a screen reader checks). */
    public List<String> shownPartitions() {
        return getChildren().contains(bar) ? bar.names() : List.of();
    }

    private static final String[] TABLE_HEAD = {"Partition", "Offset", "Size", "Access", "Upgrade"};

    /** Fills the table, row after row of {@link #TABLE_HEAD}'s columns, in the labels it has before making new ones. */
    private void fillTable(List<Partition> parts, Set<String> layout) {
        int columns = TABLE_HEAD.length;
        List<Node> cells = table.getChildren();
        if (cells.isEmpty()) {
            for (int c = 0; c < columns; c++) {
                table.getColumnConstraints().add(new ColumnConstraints());
                Label h = new Label(TABLE_HEAD[c]);
                h.getStyleClass().add("table-head");
                table.add(h, c, 0);
            }
        }
        int have = cells.size() / columns - 1;
        if (have > parts.size()) {
            cells.subList(columns * (parts.size() + 1), cells.size()).clear();
        }
        for (int r = 0; r < parts.size(); r++) {
            Partition p = parts.get(r);
            String[] row = {Sanitize.line(p.name(), 64), ByteSizes.hex(p.offset()), ByteSizes.human(p.size()),
                p.readonly() ? "read-only" : "writable", layout.contains(p.name()) ? "written" : "kept"};
            for (int c = 0; c < columns; c++) {
                if (r < have) {
                    ((Label) cells.get(columns * (r + 1) + c)).setText(row[c]);
                } else {
                    table.add(new Label(row[c]), c, r + 1);
                }
            }
        }
    }

    /** The bar itself: one segment per partition, laid out by {@link FlashScale}. */
    static final class PartitionBar extends Region {

        private final List<String> names = new ArrayList<>();
        private final List<Long> sizes = new ArrayList<>();

        PartitionBar() {
            getStyleClass().add("partition-bar");
            setId("partitionBar");
            setMinHeight(64);
            setPrefHeight(64);
            setMaxHeight(64);
        }

        /**
         * Shows {@code parts}, each in a segment of its own. The segments already there are filled again rather than made
         * anew (a router of the same model has as many partitions): a new segment, with its labels and tooltip, is
         * styled from scratch.
         */
        void show(List<Partition> parts, Set<String> layout) {
            names.clear();
            sizes.clear();
            List<Node> kids = getChildren();
            if (kids.size() > parts.size()) {
                kids.subList(parts.size(), kids.size()).clear();
            }
            for (int i = 0; i < parts.size(); i++) {
                Partition p = parts.get(i);
                names.add(p.name());
                sizes.add(p.size());
                if (i < kids.size()) {
                    ((Segment) kids.get(i)).show(p, layout.contains(p.name()));
                } else {
                    Segment seg = new Segment();
                    seg.show(p, layout.contains(p.name()));
                    kids.add(seg);
                }
            }
            requestLayout();
        }

        List<String> names() {
            return List.copyOf(names);
        }

        /** One partition: its name and size, hatched when read-only, highlighted when the upgrade writes it. */
        private static final class Segment extends StackPane {
            private final Label title = new Label();
            private final Label detail = new Label();
            private final Tooltip tip = new Tooltip();

            Segment() {
                title.getStyleClass().add("partition-name");
                title.setMinWidth(0);
                detail.getStyleClass().add("partition-detail");
                detail.setMinWidth(0);
                VBox text = new VBox(2, title, detail);
                text.setAlignment(Pos.CENTER);
                text.setMinWidth(0);
                getChildren().add(text);
                getStyleClass().add("partition-segment");
                setMinWidth(0);
                Tooltip.install(this, tip);
            }

            void show(Partition p, boolean inLayout) {
                String name = Sanitize.line(p.name(), 64);
                title.setText(name);
                detail.setText(ByteSizes.human(p.size()));
                mark("read-only", p.readonly());
                mark("in-layout", inLayout);
                getProperties().put("partition", p.name());
                tip.setText(name + "\noffset " + ByteSizes.hex(p.offset()) + ", size " + ByteSizes.human(p.size())
                        + " (" + p.size() + " bytes)\n" + (p.readonly() ? "read-only: never written" : "writable")
                        + (inLayout ? "\nwritten by the upgrade" : ""));
            }

            private void mark(String styleClass, boolean on) {
                if (on && !getStyleClass().contains(styleClass)) {
                    getStyleClass().add(styleClass);
                } else if (!on) {
                    getStyleClass().remove(styleClass);
                }
            }
        }

        @Override
        protected void layoutChildren() {
            Insets in = getInsets();
            double w = getWidth() - in.getLeft() - in.getRight();
            double h = getHeight() - in.getTop() - in.getBottom();
            long[] s = sizes.stream().mapToLong(Long::longValue).toArray();
            double[] widths = FlashScale.widths(s, w, MIN_SEGMENT_WIDTH);
            double x = in.getLeft();
            List<Node> kids = getChildren();
            for (int i = 0; i < kids.size() && i < widths.length; i++) {
                kids.get(i).resizeRelocate(snapPositionX(x), in.getTop(), snapSizeX(widths[i]), h);
                x += widths[i];
            }
        }

        @Override
        protected double computePrefWidth(double height) {
            return sizes.size() * MIN_SEGMENT_WIDTH * 2;
        }

        @Override
        protected double computeMinWidth(double height) {
            return 0;
        }
    }

    /**
     * The image laid over the bar, aligned with the partitions under it: the part that fits, the spare room after
     * it, and what does not fit, past the upgrade area's end.
     */
    static final class ImageBar extends Region {

        private long[] offsets = new long[0];
        private long[] sizes = new long[0];
        private long spanStart;
        private long spanEnd;
        private long imageEnd;
        private final StackPane image = piece("image-piece", "imagePiece");
        private final StackPane spare = piece("image-spare", "imageSpare");
        private final StackPane overflow = piece("image-overflow", "imageOverflow");
        /** The spare room in words beside the area when its box is too narrow to hold them. */
        private final Label spareNote = new Label();

        ImageBar() {
            getStyleClass().add("image-bar");
            setId("imageBar");
            setMinHeight(30);
            setPrefHeight(30);
            setMaxHeight(30);
            spareNote.setId("imageSpareNote");
            spareNote.getStyleClass().add("image-spare-note");
            spareNote.setManaged(false);
            getChildren().addAll(image, spare, overflow, spareNote);
        }

        private static StackPane piece(String style, String id) {
            Label l = new Label();
            l.setMinWidth(0);
            StackPane p = new StackPane(l);
            p.getStyleClass().addAll("image-segment", style);
            p.setId(id);
            p.setMinWidth(0);
            Tooltip tip = new Tooltip();
            Tooltip.install(p, tip);
            p.getProperties().put(Tooltip.class, tip); // one per piece, its text set at each show
            return p;
        }

        void show(List<Partition> parts, long first, long end, long imageSize, String name) {
            offsets = parts.stream().mapToLong(Partition::offset).toArray();
            sizes = parts.stream().mapToLong(Partition::size).toArray();
            spanStart = first;
            spanEnd = end;
            imageEnd = first + imageSize;
            long fits = Math.min(imageEnd, end) - first;
            label(image, name + " · " + ByteSizes.human(imageSize), name + ": " + imageSize + " bytes from " + ByteSizes.hex(first));
            label(spare, "spare " + ByteSizes.human(Math.max(0, end - imageEnd)), (end - first - fits) + " bytes free");
            label(overflow, "too large by " + ByteSizes.human(Math.max(0, imageEnd - end)), (imageEnd - end) + " bytes past "
                    + ByteSizes.hex(end));
            spareNote.setText(((Label) spare.getChildren().get(0)).getText());
            spare.setVisible(imageEnd < end);
            overflow.setVisible(imageEnd > end);
            requestLayout();
        }

        private static void label(StackPane p, String text, String tip) {
            Label l = (Label) p.getChildren().get(0);
            l.setText(text);
            ((Tooltip) p.getProperties().get(Tooltip.class)).setText(tip);
        }

        /** The label of the part that fits, of the spare room or of the overflow. */
        String text(String which) {
            StackPane p = switch (which) {
                case "image" -> image;
                case "spare" -> spare;
                default -> overflow;
            };
            return p.isVisible() ? ((Label) p.getChildren().get(0)).getText() : "";
        }

        /** Whether the spare room's words are shown (in its box or beside the area). */
        boolean spareWordsShown() {
            return spare.isVisible() && (spare.getChildren().get(0).isVisible() || spareNote.isVisible());
        }

        @Override
        protected void layoutChildren() {
            Insets in = getInsets();
            double w = getWidth() - in.getLeft() - in.getRight();
            double h = getHeight() - in.getTop() - in.getBottom();
            double[] widths = FlashScale.widths(sizes, w, MIN_SEGMENT_WIDTH);
            double x0 = FlashScale.x(spanStart, offsets, sizes, widths);
            double xEnd = FlashScale.x(spanEnd, offsets, sizes, widths);
            double xImage = FlashScale.x(Math.min(imageEnd, spanEnd), offsets, sizes, widths);
            place(image, in, x0, xImage, h);
            Label inside = (Label) spare.getChildren().get(0);
            double noteWidth = spareNote.prefWidth(-1);
            boolean noteInside = xEnd - xImage >= noteWidth + 8;
            inside.setVisible(noteInside);
            spareNote.setVisible(false);
            if (imageEnd < spanEnd) {
                place(spare, in, Math.min(xImage, xEnd - 6), xEnd, h); // a few bytes spare still show
                if (!noteInside && w - xEnd >= noteWidth + 6) {
                    spareNote.setVisible(true);
                    spareNote.resizeRelocate(snapPositionX(in.getLeft() + xEnd + 6), in.getTop() + (h - spareNote.prefHeight(-1)) / 2,
                            noteWidth, spareNote.prefHeight(-1));
                }
            } else if (imageEnd > spanEnd) {
                // one byte too many still shows, with its words
                double least = Math.max(40, overflow.getChildren().get(0).prefWidth(-1) + 10);
                double xOver = Math.max(FlashScale.x(imageEnd, offsets, sizes, widths), xEnd + least);
                double from = Math.min(xEnd, w - least); // no flash after the area: the overflow covers the image's tail
                place(overflow, in, from, Math.min(w, Math.max(xOver, from + least)), h);
            }
        }

        private void place(Node n, Insets in, double from, double to, double h) {
            n.resizeRelocate(snapPositionX(in.getLeft() + from), in.getTop(), snapSizeX(Math.max(0, to - from)), h);
        }

        @Override
        protected double computeMinWidth(double height) {
            return 0;
        }

        @Override
        protected double computePrefWidth(double height) {
            return sizes.length * MIN_SEGMENT_WIDTH * 2;
        }
    }
}

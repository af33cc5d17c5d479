package org.fleetflash.ui.layout;

import java.util.ArrayList;
import java.util.List;
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
        showNothing("Select a router and probe it (Ctrl+P) to see its flash layout.");
    }

    /** Shows a sentence instead of a layout (no router, or not probed yet). */
    public void showNothing(String sentence) {
        empty.setText(sentence);
        getChildren().setAll(empty);
    }

    /**
     * Draws {@code facts}' flash.
     *
     * @param title       the router, as the heading names it
     * @param layoutNames the partitions an upgrade writes, in flash order (e.g. {@code kernel rootfs})
     */
    public void show(String title, DeviceFacts facts, List<String> layoutNames) {
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
        getChildren().setAll(heading, bar, span, table);
    }

    /** The partition names the bar shows, left to right (what a test or a screen reader checks). */
    public List<String> shownPartitions() {
        return bar.names();
    }

    private void fillTable(List<Partition> parts, Set<String> layout) {
        table.getChildren().clear();
        table.getColumnConstraints().setAll(new ColumnConstraints(), new ColumnConstraints(), new ColumnConstraints(),
                new ColumnConstraints(), new ColumnConstraints());
        String[] head = {"Partition", "Offset", "Size", "Access", "Upgrade"};
        for (int c = 0; c < head.length; c++) {
            Label h = new Label(head[c]);
            h.getStyleClass().add("table-head");
            table.add(h, c, 0);
        }
        int row = 1;
        for (Partition p : parts) {
            table.add(new Label(Sanitize.line(p.name(), 64)), 0, row);
            table.add(new Label(ByteSizes.hex(p.offset())), 1, row);
            table.add(new Label(ByteSizes.human(p.size())), 2, row);
            table.add(new Label(p.readonly() ? "read-only" : "writable"), 3, row);
            table.add(new Label(layout.contains(p.name()) ? "written" : "kept"), 4, row);
            row++;
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

        void show(List<Partition> parts, Set<String> layout) {
            names.clear();
            sizes.clear();
            List<Node> segments = new ArrayList<>();
            for (Partition p : parts) {
                names.add(p.name());
                sizes.add(p.size());
                segments.add(segment(p, layout.contains(p.name())));
            }
            getChildren().setAll(segments);
        }

        List<String> names() {
            return List.copyOf(names);
        }

        private static Node segment(Partition p, boolean inLayout) {
            String name = Sanitize.line(p.name(), 64);
            Label title = new Label(name);
            title.getStyleClass().add("partition-name");
            title.setMinWidth(0);
            Label detail = new Label(ByteSizes.human(p.size()));
            detail.getStyleClass().add("partition-detail");
            detail.setMinWidth(0);
            VBox text = new VBox(2, title, detail);
            text.setAlignment(Pos.CENTER);
            text.setMinWidth(0);
            StackPane s = new StackPane(text);
            s.getStyleClass().add("partition-segment");
            if (p.readonly()) {
                s.getStyleClass().add("read-only");
            }
            if (inLayout) {
                s.getStyleClass().add("in-layout");
            }
            s.setMinWidth(0);
            s.getProperties().put("partition", p.name());
            Tooltip.install(s, new Tooltip(name + "\noffset " + ByteSizes.hex(p.offset()) + ", size " + ByteSizes.human(p.size())
                    + " (" + p.size() + " bytes)\n" + (p.readonly() ? "read-only: never written" : "writable")
                    + (inLayout ? "\nwritten by the upgrade" : "")));
            return s;
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
}

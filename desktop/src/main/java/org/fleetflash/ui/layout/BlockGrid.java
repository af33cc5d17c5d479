package org.fleetflash.ui.layout;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import javafx.animation.Animation;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Label;
import javafx.scene.layout.Background;
import javafx.scene.layout.Border;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.paint.Paint;
import javafx.util.Duration;
import org.fleetflash.core.text.Sanitize;
import org.fleetflash.ui.layout.BlockProgress.BlockState;
import org.fleetflash.ui.layout.BlockProgress.LedState;
import org.fleetflash.ui.layout.BlockProgress.Snapshot;

/**
 * The erase blocks of an upgrade's span as a grid that fills block by block while the router flashes: written,
 * unchanged, pending (outlined), failed, with a legend in words, the counts and the flasher's LED. The grid is one
 * {@link Canvas} (2,048 blocks are 2,048 rectangles, not 2,048 nodes), redrawn at most {@link #PERIOD} apart and only
 * when the followed {@link BlockProgress} changed. Its colours are the legend's, which the theme's stylesheet sets.
 */
public final class BlockGrid extends VBox {

    /** How often a followed progress is looked at: about five pictures a second at most. */
    public static final Duration PERIOD = Duration.millis(200);

    /** Largest and smallest side of a block, in pixels; the grid picks the largest that fits {@link #MAX_GRID_HEIGHT}. */
    static final double MAX_CELL = 18;
    static final double MIN_CELL = 5;
    /** The grid grows no taller than this; past it, blocks get smaller. */
    static final double MAX_GRID_HEIGHT = 240;

    private static final List<BlockState> ALWAYS_IN_LEGEND = List.of(BlockState.WRITTEN, BlockState.SAME, BlockState.PENDING,
            BlockState.FAILED);

    private final Label summary = new Label();
    private final Label ledDot = new Label("●");
    private final Label ledText = new Label();
    private final Cells cells = new Cells();
    private final Map<BlockState, Region> swatches = new EnumMap<>(BlockState.class);
    private final Map<BlockState, HBox> legendItems = new EnumMap<>(BlockState.class);
    private BlockProgress followed;
    private Timeline timeline;
    private Snapshot shown;
    private long redraws;
    private String title = "";

    /** An empty grid: no erase blocks until a plan is known. */
    public BlockGrid() {
        getStyleClass().add("block-grid");
        getStylesheets().add(Objects.requireNonNull(BlockGrid.class.getResource("/org/fleetflash/ui/progress.css")).toExternalForm());
        setSpacing(6);
        setPadding(new Insets(8, 12, 8, 12));
        summary.setId("blockSummary");
        summary.getStyleClass().add("block-summary");
        summary.setWrapText(true);
        ledDot.setId("ledDot");
        ledDot.getStyleClass().add("led-dot");
        ledText.setId("ledText");
        ledText.setWrapText(true);
        HBox led = new HBox(6, ledDot, ledText);
        led.setAlignment(Pos.CENTER_LEFT);
        FlowPane legend = new FlowPane(14, 4);
        legend.setId("blockLegend");
        for (BlockState s : BlockState.values()) {
            Region swatch = new Region();
            swatch.getStyleClass().addAll("block-swatch", styleOf(s));
            swatch.setMinSize(14, 14);
            swatch.setPrefSize(14, 14);
            swatch.setMaxSize(14, 14);
            swatches.put(s, swatch);
            swatch.backgroundProperty().addListener(o -> cells.draw()); // a theme change recolours the grid
            swatch.borderProperty().addListener(o -> cells.draw());
            Label word = new Label(s.word());
            HBox item = new HBox(5, swatch, word);
            item.setAlignment(Pos.CENTER_LEFT);
            item.getProperties().put("state", s);
            legendItems.put(s, item);
            legend.getChildren().add(item);
        }
        getChildren().setAll(summary, led, cells, legend);
        show(new BlockProgress().snapshot());
    }

    /**
     * Follows {@code progress}: redraws when it changed, at most every {@link #PERIOD}; {@code null} stops following.
     * Call on the FX thread; the events may reach {@code progress} on any thread.
     */
    public void follow(BlockProgress progress) {
        followed = progress;
        if (timeline != null) {
            timeline.stop();
            timeline = null;
        }
        if (progress != null) {
            show(progress.snapshot());
            timeline = new Timeline(new KeyFrame(PERIOD, e -> refresh()));
            timeline.setCycleCount(Animation.INDEFINITE);
            timeline.play();
        }
    }

    /** Draws the followed progress now if it changed since the last picture (the timeline calls it). */
    public void refresh() {
        if (followed != null && (shown == null || followed.version() != shown.version())) {
            show(followed.snapshot());
        }
    }

    /** Names the router in the counts' line ({@code tl-wdr3600-01}); empty: its {@code host:port} from the events. */
    public void setTitle(String title) {
        this.title = title == null ? "" : Sanitize.line(title, 96);
        if (shown != null) {
            show(shown);
        }
    }

    /** Draws {@code snapshot}. Call on the FX thread. */
    public void show(Snapshot snapshot) {
        shown = snapshot;
        String who = title.isEmpty() ? Sanitize.line(snapshot.router(), 96) : title;
        summary.setText(who.isEmpty() ? snapshot.summary() : who + " · " + snapshot.summary());
        ledText.setText(Sanitize.line(snapshot.ledLine()));
        ledDot.getStyleClass().removeIf(c -> c.startsWith("led-") && !c.equals("led-dot"));
        ledDot.getStyleClass().add("led-" + snapshot.led().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        for (BlockState s : BlockState.values()) {
            HBox item = legendItems.get(s);
            boolean visible = ALWAYS_IN_LEGEND.contains(s) || snapshot.count(s) > 0;
            item.setVisible(visible);
            item.setManaged(visible);
            ((Label) item.getChildren().get(1)).setText(s.word() + " " + snapshot.count(s));
        }
        cells.requestLayout();
        cells.draw();
    }

    /** What is drawn now. */
    public Snapshot shown() {
        return shown;
    }

    /** How many times the grid was drawn (a test checks a burst of events is drawn a few times, not thousands). */
    public long redraws() {
        return redraws;
    }

    /** The LED's state as drawn. */
    public LedState shownLed() {
        return shown.led();
    }

    /** The words of the legend that are shown, in order. */
    public List<String> legendWords() {
        return legendItems.values().stream().filter(HBox::isVisible).map(h -> ((Label) h.getChildren().get(1)).getText()).toList();
    }

    static String styleOf(BlockState s) {
        return "block-" + s.name().toLowerCase(Locale.ROOT);
    }

    /** The block's colour: its legend swatch's fill as the stylesheet set it. */
    private Paint fillOf(BlockState s) {
        Background bg = swatches.get(s).getBackground();
        return bg == null || bg.getFills().isEmpty() ? Color.GRAY : bg.getFills().get(0).getFill();
    }

    private Paint strokeOf(BlockState s) {
        Border b = swatches.get(s).getBorder();
        return b == null || b.getStrokes().isEmpty() ? Color.GRAY : b.getStrokes().get(0).getTopStroke();
    }

    /** The side of one block for {@code blocks} blocks across {@code width} pixels. */
    static double cellSize(int blocks, double width) {
        for (double s = MAX_CELL; s > MIN_CELL; s--) {
            int columns = Math.max(1, (int) Math.floor(width / s));
            int rows = (blocks + columns - 1) / columns;
            if (rows * s <= MAX_GRID_HEIGHT) {
                return s;
            }
        }
        return MIN_CELL;
    }

    /** The canvas and its size: as wide as the view, as tall as the rows need. */
    private final class Cells extends Region {

        private final Canvas canvas = new Canvas();

        Cells() {
            setId("blockCells");
            getChildren().add(canvas);
        }

        @Override
        public Orientation getContentBias() {
            return Orientation.HORIZONTAL;
        }

        @Override
        protected double computePrefWidth(double height) {
            return 400;
        }

        @Override
        protected double computeMinWidth(double height) {
            return 0;
        }

        @Override
        protected double computePrefHeight(double width) {
            return heightFor(width < 0 ? computePrefWidth(-1) : width);
        }

        @Override
        protected double computeMinHeight(double width) {
            return computePrefHeight(width);
        }

        private double heightFor(double width) {
            int n = shown == null ? 0 : shown.blocks();
            if (n == 0 || width <= 0) {
                return 0;
            }
            double s = cellSize(n, width);
            int columns = Math.max(1, (int) Math.floor(width / s));
            return Math.ceil((double) n / columns) * s;
        }

        @Override
        protected void layoutChildren() {
            double w = snapSizeX(getWidth());
            double h = snapSizeY(heightFor(w));
            if (canvas.getWidth() != w || canvas.getHeight() != h) {
                canvas.setWidth(w);
                canvas.setHeight(h);
                draw();
            }
        }

        void draw() {
            redraws++;
            GraphicsContext g = canvas.getGraphicsContext2D();
            g.clearRect(0, 0, canvas.getWidth(), canvas.getHeight());
            int n = shown == null ? 0 : shown.blocks();
            double w = canvas.getWidth();
            if (n == 0 || w <= 0) {
                return;
            }
            Map<BlockState, Paint> fills = new EnumMap<>(BlockState.class);
            for (BlockState s : BlockState.values()) {
                fills.put(s, fillOf(s));
            }
            Paint outline = strokeOf(BlockState.PENDING);
            double s = cellSize(n, w);
            int columns = Math.max(1, (int) Math.floor(w / s));
            double gap = s >= 9 ? 2 : 1;
            g.setLineWidth(1);
            for (int i = 0; i < n; i++) {
                double x = (i % columns) * s;
                double y = (i / columns) * s;
                BlockState st = shown.state(i);
                if (st == BlockState.PENDING) {
                    g.setStroke(outline);
                    g.strokeRect(x + 0.5, y + 0.5, s - gap - 1, s - gap - 1);
                } else {
                    g.setFill(fills.get(st));
                    g.fillRect(x, y, s - gap, s - gap);
                }
            }
        }
    }
}

package org.fleetflash.ui.batch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.shape.Polygon;
import javafx.scene.shape.Polyline;
import org.fleetflash.ui.support.ByteSizes;

/**
 * A small live chart of the image server's aggregate throughput over the last {@link #WINDOW}: a sparkline with the
 * rate now and the peak in words above it. The window pushes one sample at a time ({@link #add}), e.g. twice a second
 * from {@link ServerThroughput#total(Instant)}; samples older than the window are dropped, so it stays small.
 * Call on the FX thread.
 */
public final class ThroughputChart extends VBox {

    /** How far back the chart looks. */
    public static final Duration WINDOW = Duration.ofSeconds(60);

    /** One point: when, and the bytes per second then. */
    public record Sample(Instant at, long bytesPerSecond) {
    }

    private final Deque<Sample> samples = new ArrayDeque<>();
    private final Label now = new Label();
    private final Label scale = new Label();
    private final Spark spark = new Spark();

    /** An empty chart: "no download yet". */
    public ThroughputChart() {
        getStyleClass().add("throughput-chart");
        getStylesheets().add(Objects.requireNonNull(ThroughputChart.class.getResource("/org/fleetflash/ui/progress.css"))
                .toExternalForm());
        setSpacing(4);
        setPadding(new Insets(4, 8, 4, 8));
        Label title = new Label("Image server");
        title.getStyleClass().add("throughput-title");
        now.setId("throughputNow");
        now.getStyleClass().add("throughput-now");
        scale.setId("throughputScale");
        scale.getStyleClass().add("throughput-scale");
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        HBox head = new HBox(8, title, now, gap, scale);
        head.setAlignment(Pos.BASELINE_LEFT);
        getChildren().setAll(head, spark);
        update();
    }

    /** Adds the server's rate at {@code at}; samples more than {@link #WINDOW} older than it are dropped. */
    public void add(Instant at, long bytesPerSecond) {
        Sample last = samples.peekLast();
        if (last != null && at.isBefore(last.at())) {
            return; // the chart only moves forward
        }
        samples.addLast(new Sample(at, Math.max(0, bytesPerSecond)));
        Instant oldest = at.minus(WINDOW);
        // keep one sample before the window so the line starts at its left edge; bounded by the deque's size
        while (samples.size() > 1) {
            Sample first = samples.removeFirst();
            if (!samples.peekFirst().at().isBefore(oldest)) {
                samples.addFirst(first);
                break;
            }
        }
        update();
    }

    /** Forgets every sample (a new batch). */
    public void clear() {
        samples.clear();
        update();
    }

    /** The samples shown, oldest first. */
    public List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** The rate now, in words, as shown: {@code 48 MB/s now}. */
    public String nowText() {
        return now.getText();
    }

    /** The peak and the window, in words, as shown. */
    public String scaleText() {
        return scale.getText();
    }

    private long peak() {
        return samples.stream().mapToLong(Sample::bytesPerSecond).max().orElse(0);
    }

    private void update() {
        Sample last = samples.peekLast();
        now.setText(last == null ? "no download yet" : last.bytesPerSecond() == 0 ? "idle (0 B/s)"
                : ByteSizes.human(last.bytesPerSecond()) + "/s now");
        scale.setText(samples.isEmpty() ? "last " + WINDOW.toSeconds() + " s"
                : "peak " + ByteSizes.human(peak()) + "/s · last " + WINDOW.toSeconds() + " s");
        spark.requestLayout();
    }

    /** The line and the area under it, scaled to the peak. */
    private final class Spark extends Pane {

        private final Region frame = new Region();
        private final Polygon area = new Polygon();
        private final Polyline line = new Polyline();

        Spark() {
            setId("throughputSpark");
            frame.getStyleClass().add("sparkline-frame");
            area.getStyleClass().add("sparkline-area");
            line.getStyleClass().add("sparkline-line");
            frame.setManaged(false);
            area.setManaged(false);
            line.setManaged(false);
            getChildren().addAll(frame, area, line);
            setMinHeight(48);
            setPrefHeight(56);
            setPrefWidth(320);
            setMinWidth(120);
        }

        @Override
        protected void layoutChildren() {
            double w = getWidth();
            double h = getHeight();
            frame.resizeRelocate(0, 0, w, h);
            List<Double> points = new ArrayList<>();
            Sample last = samples.peekLast();
            long peak = peak();
            if (last != null && peak > 0) {
                Instant left = last.at().minus(WINDOW);
                double span = WINDOW.toMillis();
                for (Sample s : samples) {
                    double x = Math.max(0, Duration.between(left, s.at()).toMillis() / span) * (w - 2) + 1;
                    double y = h - 2 - (h - 6) * s.bytesPerSecond() / peak;
                    points.add(x);
                    points.add(y);
                }
            }
            line.getPoints().setAll(points);
            List<Double> poly = new ArrayList<>(points);
            if (!points.isEmpty()) {
                poly.add(points.get(points.size() - 2));
                poly.add(h - 1);
                poly.add(points.get(0));
                poly.add(h - 1);
            }
            area.getPoints().setAll(poly);
        }
    }
}

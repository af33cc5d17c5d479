package org.fleetflash.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.scene.Group;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.fleetflash.agent.plan.FlashPlan;
import org.fleetflash.agent.protocol.DeviceFacts;
import org.fleetflash.agent.sim.Profile;
import org.fleetflash.agent.sim.SimImage;
import org.fleetflash.agent.sim.SimRouter;
import org.fleetflash.core.upgrade.Outcome;
import org.fleetflash.core.upgrade.UpgradeEvent;
import org.fleetflash.testsupport.SimUpgrades;
import org.fleetflash.ui.batch.BatchLine;
import org.fleetflash.ui.batch.ServerThroughput;
import org.fleetflash.ui.batch.ThroughputChart;
import org.fleetflash.ui.batch.UpgradeNotifier;
import org.fleetflash.ui.layout.BlockGrid;
import org.fleetflash.ui.layout.BlockProgress;
import org.fleetflash.ui.layout.BlockProgress.BlockState;
import org.fleetflash.ui.layout.BlockProgress.LedState;
import org.fleetflash.ui.layout.FlashLayoutView;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The upgrade's views on a real simulated TL-WDR3600 (probed over SSH, upgraded by the engine): the image laid over
 * the flash when it fits and when it is too large, the erase-block grid fed by the upgrade's own events, the
 * throughput chart, the notifications. Makes the user guide's pictures of the overlay and the grid in both themes.
 */
@ExtendWith(ApplicationExtension.class)
class UpgradeViewsIT {

    static final double WIDTH = 1366;

    @TempDir
    static Path home;
    static SimUpgrades bench;
    static DeviceFacts facts;
    static Path image;
    static FlashPlan plan;
    static SimUpgrades.Run run;

    private Stage stage;
    private VBox content;

    @BeforeAll
    static void upgradeARouter() throws Exception {
        bench = new SimUpgrades(home, "127.0.57");
        SimRouter router = bench.start();
        Profile p = router.sandbox().profile();
        facts = bench.probe(router);
        // a rebuild that changed the version and the end of the rootfs: most erase blocks stay as they are
        byte[] next = SimImage.restamp(p, SimImage.withChangedTail(p, SimImage.bytes(p, p.firmwareVersion(), 0), 40), "11.0-r300");
        image = Files.write(home.resolve("fw-11.0-r300.bin"), next);
        plan = FlashPlan.create(image, facts.partitions(), List.of("kernel", "rootfs"), facts.eraseBlock());
        run = bench.upgrade(router, image);
        assertThat(run.result().outcome()).as(run.result().message()).isEqualTo(Outcome.SUCCEEDED);
    }

    @AfterAll
    static void stopRouters() throws Exception {
        if (bench != null) {
            bench.close();
        }
    }

    @Start
    void start(Stage stage) {
        this.stage = stage;
        Theme.LIGHT.apply();
        content = new VBox();
        content.setStyle("-fx-background-color: -color-bg-default;");
        content.setMinWidth(WIDTH);
        content.setPrefWidth(WIDTH);
        content.setMaxWidth(WIDTH);
        Scene scene = new Scene(new Group(content), WIDTH, 760);
        scene.getStylesheets().add(Theme.APP_STYLESHEET);
        stage.setScene(scene);
        stage.setX(0);
        stage.setY(0);
        stage.show();
    }

    @AfterEach
    void lightAgain(FxRobot robot) {
        robot.interact(Theme.LIGHT::apply);
    }

    private void showAll(FxRobot robot, Node... nodes) {
        robot.interact(() -> content.getChildren().setAll(nodes));
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void aLayoutPreparedAheadShowsNothingOfItsSampleAndTheFirstRouterIsDrawnWithItsOwnFacts(FxRobot robot) {
        FlashLayoutView view = new FlashLayoutView();
        showAll(robot, view);
        // what the window does a second after it opened, one step per frame: after each step only the sentence shows
        for (Runnable step : view.preparation()) {
            robot.interact(step);
            assertThat(view.getChildren()).singleElement().isInstanceOf(Label.class);
            assertThat(view.shownPartitions()).isEmpty();
        }
        assertThat(view.getChildren()).singleElement().isInstanceOfSatisfying(Label.class,
                l -> assertThat(l.getText()).startsWith("Select a router and probe it"));
        assertThat(view.shownPartitions()).isEmpty();
        assertThat(view.imageSentence()).isEmpty();

        robot.interact(() -> view.show("tl-wdr3600-02", facts, List.of("rootfs")));
        assertThat(view.shownPartitions()).containsExactlyElementsOf(facts.partitions().stream()
                .map(org.fleetflash.agent.protocol.Partition::name).toList());
        assertThat(view.imageSentence()).as("the sample's image is not shown").isEmpty();
        assertThat(robot.from(view).lookup("#imageBar").tryQuery()).isEmpty();
        assertThat(robot.from(view).lookup("#flashHeading").queryAs(Label.class).getText()).startsWith("tl-wdr3600-02");
        assertThat(robot.from(view).lookup(".partition-segment.in-layout").queryAll().stream()
                .map(n -> n.getProperties().get("partition")).toList()).containsExactly("rootfs");
        javafx.scene.layout.GridPane table = robot.from(view).lookup(".partition-table").queryAs(javafx.scene.layout.GridPane.class);
        assertThat(table.getChildren()).hasSize(5 * (facts.partitions().size() + 1));
        assertThat(table.getChildren().stream().map(n -> ((Label) n).getText()).toList()).doesNotContain("image.bin");
    }

    @Test
    void anImageThatFitsShowsItsSpareRoomAndOneTooLargeShowsByHowMuchInRed(FxRobot robot) throws Exception {
        long spanSize = plan.spanSize();
        Path tooLarge = home.resolve("fw-for-16m.bin");
        byte[] big = new byte[(int) spanSize + 123_457]; // a build for a larger flash: what a technician may pick by mistake
        System.arraycopy(Files.readAllBytes(image), 0, big, 0, (int) plan.imageSize());
        Files.write(tooLarge, big);
        FlashLayoutView fits = new FlashLayoutView();
        FlashLayoutView refused = new FlashLayoutView();
        robot.interact(() -> {
            fits.showWithImage("tl-wdr3600-01", facts, plan, image.getFileName().toString());
            refused.showWithImage("tl-wdr3600-03", facts, List.of("kernel", "rootfs"), tooLarge.getFileName().toString(),
                    big.length);
        });
        showAll(robot, fits, refused);

        long spare = spanSize - plan.imageSize();
        assertThat(fits.imageSentence()).startsWith("Fits: fw-11.0-r300.bin")
                .contains(String.format(Locale.ROOT, "(%,d bytes free)", spare));
        assertThat(fits.imageBarWords()).isEqualTo("spare 139 KB"); // beside the area: its box is a few pixels wide
        assertThat(robot.from(fits).lookup("#imageOverflow").queryAs(javafx.scene.layout.StackPane.class).isVisible()).isFalse();
        assertThat(robot.from(fits).lookup("#imageParts").queryAs(Label.class).getText())
                .contains("kernel takes", "rootfs takes", plan.blocks() + " erase blocks");

        assertThat(refused.imageSentence()).startsWith("Too large by 123,457 bytes").contains("it would run into cfg");
        Label sentence = robot.from(refused).lookup("#imageFit").queryAs(Label.class);
        assertThat(isRed(sentence.getTextFill())).as("the overflow sentence is red: %s", sentence.getTextFill()).isTrue();
        assertThat(refused.imageBarWords()).isEqualTo("too large by 121 KB");
        javafx.geometry.Bounds overflow = robot.from(refused).lookup("#imageOverflow").query().getBoundsInParent();
        Label overflowWords = (Label) robot.from(refused).lookup("#imageOverflow").queryAs(javafx.scene.layout.StackPane.class)
                .getChildren().get(0);
        assertThat(overflow.getWidth()).as("the overflow is drawn past the upgrade area, its words unclipped")
                .isGreaterThanOrEqualTo(overflowWords.prefWidth(-1));
        assertThat(fits.shownPartitions()).containsExactly("u-boot", "kernel", "rootfs", "cfg", "mib0", "ART");

        for (Theme theme : Theme.values()) {
            robot.interact(theme::apply);
            WaitForAsyncUtils.waitForFxEvents();
            UserGuideScreenshotsIT.write(UserGuideScreenshotsIT.snapshot(content), "layout-image-overlay" + suffix(theme) + ".png");
        }

        // the same router shown again (a batch does, as it probes, reboots and ends it) is not built again; another image is
        Node segment = robot.from(refused).lookup(".partition-segment").query();
        robot.interact(() -> refused.showWithImage("tl-wdr3600-03", facts, List.of("kernel", "rootfs"), tooLarge.getFileName().toString(),
                big.length));
        Node again = robot.from(refused).lookup(".partition-segment").query();
        assertThat(again).isSameAs(segment);
        assertThat(refused.imageSentence()).startsWith("Too large by 123,457 bytes");
        robot.interact(() -> refused.showWithImage("tl-wdr3600-03", facts, List.of("kernel", "rootfs"), image.getFileName().toString(),
                plan.imageSize()));
        assertThat(refused.imageSentence()).startsWith("Fits: fw-11.0-r300.bin");
        assertThat(refused.imageBarWords()).isEqualTo("spare 139 KB");

        // another router, with one partition fewer and another layout: the segments and table rows are filled again,
        // and show only what this router has
        List<org.fleetflash.agent.protocol.Partition> fewer = facts.partitions().subList(0, facts.partitions().size() - 1);
        org.fleetflash.agent.protocol.DeviceFacts other = new org.fleetflash.agent.protocol.DeviceFacts(facts.osRelease(),
                facts.osRelDate(), facts.arch(), facts.machineArch(), facts.hostname(), facts.model(), facts.physMemory(),
                facts.userMemory(), facts.pageSize(), facts.freeMemory(), facts.rootMountFrom(), facts.tmpfs(),
                facts.watchdogdRunning(), facts.mdUnitsInUse(), facts.tools(), facts.toolPaths(), facts.leds(), facts.eraseBlock(),
                facts.flashDevice(), facts.flashSize(), fewer, facts.warnings(), facts.firmwareVersion());
        robot.interact(() -> refused.show("tl-wdr3600-05", other, List.of("rootfs")));
        assertThat(refused.shownPartitions()).containsExactly("u-boot", "kernel", "rootfs", "cfg", "mib0");
        assertThat(robot.from(refused).lookup(".partition-segment").queryAll()).hasSize(5).contains(segment);
        assertThat(robot.from(refused).lookup(".partition-segment.in-layout").queryAll().stream()
                .map(n -> n.getProperties().get("partition")).toList()).containsExactly("rootfs");
        assertThat(robot.from(refused).lookup(".partition-segment.read-only").queryAll()).hasSize(2); // u-boot, mib0
        javafx.scene.layout.GridPane table = robot.from(refused).lookup(".partition-table").queryAs(javafx.scene.layout.GridPane.class);
        assertThat(table.getChildren()).as("a head and a row per partition").hasSize(5 * 6);
        assertThat(table.getChildren().stream().map(n -> ((Label) n).getText()).toList())
                .containsSubsequence("kernel", "writable", "kept", "rootfs", "writable", "written")
                .doesNotContain("ART");
        assertThat(refused.imageSentence()).isEmpty();
        // and planned again, twice: its plan's sentence is shown once
        robot.interact(() -> {
            refused.showWithImage("tl-wdr3600-01", facts, plan, image.getFileName().toString());
            refused.showWithImage("tl-wdr3600-01", facts, plan, image.getFileName().toString());
        });
        assertThat(robot.from(refused).lookup("#imageParts").queryAll()).hasSize(1);
        assertThat(refused.shownPartitions()).containsExactly("u-boot", "kernel", "rootfs", "cfg", "mib0", "ART");
        assertThat(table.getChildren()).hasSize(5 * 7);
    }

    @Test
    void theGridFillsFromTheUpgradesOwnEventsAndShowsTheLedMidFlash(FxRobot robot) throws Exception {
        List<UpgradeEvent> events = run.events();
        List<Integer> blockEvents = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i) instanceof UpgradeEvent.BlockFlashed) {
                blockEvents.add(i);
            }
        }
        assertThat(blockEvents).as("the flasher's telemetry reached the engine").isNotEmpty();
        BlockProgress midway = new BlockProgress();
        // the upgrade up to half-way through its erase blocks, then one block's write that failed and is retried
        events.subList(0, blockEvents.get(blockEvents.size() / 2) + 1).forEach(midway::accept);
        BlockGrid grid = new BlockGrid();
        robot.interact(() -> {
            grid.setTitle("tl-wdr3600-01");
            grid.follow(midway);
        });
        showAll(robot, grid);

        BlockProgress.Snapshot mid = grid.shown();
        assertThat(mid.blocks()).isEqualTo((int) plan.blocks());
        assertThat(mid.count(BlockState.PENDING)).isPositive();
        assertThat(mid.count(BlockState.WRITTEN) + mid.count(BlockState.SAME)).isPositive();
        assertThat(mid.led()).isEqualTo(LedState.BLINKING);
        assertThat(robot.from(grid).lookup("#ledText").queryAs(Label.class).getText())
                .isEqualTo("LED SYSTEM: blinking: flashing, do not unplug the router");
        assertThat(robot.from(grid).lookup("#blockSummary").queryAs(Label.class).getText())
                .matches("tl-wdr3600-01 · \\d+ of " + plan.blocks() + " blocks: \\d+ written, \\d+ unchanged");
        assertThat(grid.legendWords()).containsExactly("pending " + mid.count(BlockState.PENDING),
                "written " + mid.count(BlockState.WRITTEN), "unchanged " + mid.count(BlockState.SAME), "failed 0");

        for (Theme theme : Theme.values()) {
            robot.interact(theme::apply);
            WaitForAsyncUtils.waitForFxEvents();
            UserGuideScreenshotsIT.write(UserGuideScreenshotsIT.snapshot(content), "block-grid" + suffix(theme) + ".png");
        }

        // the rest of the upgrade: every block accounted for, as the result says
        events.subList(blockEvents.get(blockEvents.size() / 2) + 1, events.size()).forEach(midway::accept);
        FleetWindowIT.waitFor(() -> grid.shown().outcome().isPresent());
        BlockProgress.Snapshot end = grid.shown();
        assertThat(end.count(BlockState.PENDING)).isZero();
        assertThat(end.count(BlockState.FAILED)).isZero();
        assertThat(end.count(BlockState.WRITTEN)).isLessThanOrEqualTo((int) run.result().written());
        assertThat(end.count(BlockState.WRITTEN) + end.count(BlockState.SAME) + end.count(BlockState.CHECKED)).isEqualTo(end.blocks());
        assertThat(run.result().written()).as("the changed tail and the header were written, the rest left").isLessThan(end.blocks());
        robot.interact(() -> grid.follow(null));
    }

    @Test
    void twoThousandBlocksInABurstAreDrawnAFewTimesNotOncePerBlock(FxRobot robot) throws Exception {
        int blocks = 2048;
        BlockProgress progress = new BlockProgress();
        UpgradeEvent first = run.events().get(0);
        progress.accept(first);
        BlockGrid grid = new BlockGrid();
        robot.interact(() -> grid.follow(progress));
        showAll(robot, grid);
        long before = grid.redraws();
        long start = System.nanoTime();
        CompletableFuture<Void> engine = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < blocks; i++) {
                progress.accept(new UpgradeEvent.BlockFlashed(first.attempt(), Instant.now(), i, blocks,
                        i % 5 == 0 ? UpgradeEvent.BlockAction.SAME : UpgradeEvent.BlockAction.WRITTEN));
            }
        });
        engine.get(30, TimeUnit.SECONDS);
        FleetWindowIT.waitFor(() -> grid.shown().reported() == blocks);
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        long redraws = grid.redraws() - before;
        // one picture per period at most (plus one for the canvas growing to 2,048 blocks), never one per block
        assertThat(redraws).as("%d redraws in %d ms", redraws, tookMillis).isLessThanOrEqualTo(tookMillis / 200 + 3);
        assertThat(robot.from(grid).lookup("#blockSummary").queryAs(Label.class).getText())
                .endsWith("2048 of 2048 blocks: 1638 written, 410 unchanged");
        javafx.geometry.Bounds cells = robot.from(grid).lookup("#blockCells").query().getBoundsInParent();
        assertThat(cells.getHeight()).as("2,048 blocks fit in a few hundred pixels").isBetween(100.0, 241.0);
        robot.interact(() -> grid.follow(null));
    }

    @Test
    void theThroughputChartShowsTheServersSummedRateOverTheLastMinute(FxRobot robot) throws Exception {
        ThroughputChart chart = new ThroughputChart();
        ServerThroughput server = new ServerThroughput();
        run.events().forEach(server::accept);
        Instant t0 = run.events().get(0).at();
        showAll(robot, chart);
        assertThat(chart.nowText()).isEqualTo("no download yet");
        robot.interact(() -> {
            for (int s = 0; s <= 90; s++) { // 90 s of a batch whose downloads ramp up to 48 MB/s and back
                long rate = (long) (48L * (1 << 20) * Math.sin(Math.PI * s / 90));
                chart.add(t0.plusSeconds(s), Math.max(0, rate));
            }
        });
        assertThat(chart.samples()).hasSizeBetween(60, 62);
        assertThat(chart.samples().get(1).at()).isAfterOrEqualTo(t0.plusSeconds(30));
        assertThat(chart.nowText()).isEqualTo("idle (0 B/s)");
        assertThat(chart.scaleText()).isEqualTo("peak 48 MB/s · last 60 s");
        assertThat(server.total(Instant.now())).as("the finished upgrade downloads nothing now").isZero();
        assertThat(BatchLine.rate(0)).isEqualTo("no download");
        lookAt(content, "throughput-chart.png");
    }

    @Test
    void notificationsShowInTheWindowGatherAndGoAwayByKeyboardWithoutTakingTheFocus(FxRobot robot) throws Exception {
        TextField typing = new TextField();
        typing.setId("typing");
        Button elsewhere = new Button("Elsewhere"); // a control that is not a text field, as the fleet table
        elsewhere.setId("elsewhere");
        UpgradeNotifier notifier = WaitForAsyncUtils.asyncFx(UpgradeNotifier::new).get();
        robot.interact(() -> {
            UpgradeNotifier.styleFor(stage.getScene());
            notifier.dismissOnEscape(stage.getScene());
        });
        showAll(robot, typing, elsewhere, notifier.root());
        assertThat(notifier.root().isVisible()).as("nothing to say: the strip takes no room").isFalse();
        assertThat(notifier.root().isManaged()).isFalse();
        robot.clickOn("#typing");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(typing.isFocused()).isTrue();
        List<Window> windowsBefore = WaitForAsyncUtils.asyncFx(() -> List.copyOf(Window.getWindows())).get();
        CompletableFuture.runAsync(() -> {
            notifier.upgraded("tl-wdr3600-01", "1.2");
            notifier.needsAttention("tl-wdr3600-03", "it did not answer after its reboot. Check its LEDs; a console may be needed.");
        }).get(10, TimeUnit.SECONDS);
        FleetWindowIT.waitFor(() -> notifier.shown() == 2);
        assertThat(notices(notifier)).containsExactly(
                "Needs attention: tl-wdr3600-03 needs attention: it did not answer after its reboot. Check its LEDs; a console may be needed.",
                "Upgraded: tl-wdr3600-01 upgraded to 1.2");
        assertThat(WaitForAsyncUtils.asyncFx(() -> List.copyOf(Window.getWindows())).get()).as("shown in the window, no pop-up")
                .isEqualTo(windowsBefore);
        lookAt(notifier.root(), "notifications.png");
        assertThat(typing.isFocused()).as("the technician keeps typing where they were").isTrue();
        assertThat(stage.getScene().getFocusOwner()).isSameAs(typing);

        // a wave of routers that end together is one notification; it replaces the last upgraded ones, while the routers
        // that need attention gather until the technician dismisses them
        CompletableFuture.runAsync(() -> {
            for (int i = 4; i <= 19; i++) {
                notifier.upgraded(String.format("tl-wdr3600-%02d", i), "1.2");
            }
            notifier.needsAttention("tl-wdr3600-20", "it refused the login.");
        }).get(10, TimeUnit.SECONDS);
        FleetWindowIT.waitFor(() -> notifier.shown() == 4);
        assertThat(notices(notifier)).containsExactly(
                "Needs attention: 2 routers need attention (point at their status for what to do): tl-wdr3600-03, tl-wdr3600-20.",
                "Upgraded: 16 routers upgraded: tl-wdr3600-04, tl-wdr3600-05, tl-wdr3600-06, tl-wdr3600-07 and 12 more.");

        // Escape dismisses them, from anywhere but a field being typed in
        robot.clickOn("#elsewhere");
        robot.type(KeyCode.ESCAPE);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(notices(notifier)).isEmpty();
        assertThat(notifier.root().isManaged()).as("the strip gives its room back").isFalse();
        assertThat(elsewhere.isFocused()).isTrue();

        // a dismissed line starts again from the next router; its Dismiss button is reached with Tab and pressed with Space
        notifier.needsAttention("tl-wdr3600-21", "it refused the login.");
        FleetWindowIT.waitFor(() -> notifier.shown() == 5);
        assertThat(notices(notifier)).containsExactly("Needs attention: tl-wdr3600-21 needs attention: it refused the login.");
        robot.type(KeyCode.TAB);
        assertThat(stage.getScene().getFocusOwner()).isInstanceOf(Button.class);
        assertThat(((Button) stage.getScene().getFocusOwner()).getText()).isEqualTo("Dismiss");
        robot.type(KeyCode.SPACE);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(notices(notifier)).isEmpty();

        // the upgraded line goes away by itself; the one that needs attention stays
        CompletableFuture.runAsync(() -> {
            notifier.upgraded("tl-wdr3600-22", "");
            notifier.needsAttention("tl-wdr3600-23", "it refused the login.");
        }).get(10, TimeUnit.SECONDS);
        FleetWindowIT.waitFor(() -> notifier.shown() == 7);
        assertThat(notices(notifier)).containsExactly("Needs attention: tl-wdr3600-23 needs attention: it refused the login.",
                "Upgraded: tl-wdr3600-22 upgraded");
        FleetWindowIT.waitFor((int) UpgradeNotifier.SUCCESS_SHOWN_FOR.toSeconds() + 20, () -> notices(notifier).size() == 1);
        assertThat(notices(notifier)).containsExactly("Needs attention: tl-wdr3600-23 needs attention: it refused the login.");

        // a strip in no showing window shows nothing: its gathering ends before the one posted after it, in the window
        UpgradeNotifier closed = WaitForAsyncUtils.asyncFx(UpgradeNotifier::new).get();
        closed.upgraded("tl-wdr3600-02", "1.2");
        notifier.upgraded("tl-wdr3600-24", "1.2");
        FleetWindowIT.waitFor(() -> notifier.shown() == 8);
        assertThat(closed.shown()).isZero();
    }

    /** What the strip shows, a line each: "title: words". */
    private static List<String> notices(UpgradeNotifier notifier) throws Exception {
        return WaitForAsyncUtils.asyncFx(() -> {
            List<String> texts = new ArrayList<>();
            if (!notifier.root().isVisible()) {
                return texts;
            }
            for (Node line : notifier.root().lookupAll(".upgrade-notice")) {
                if (line.isVisible()) {
                    texts.add(((Label) line.lookup(".notice-title")).getText() + ": " + ((Label) line.lookup(".notice-text")).getText());
                }
            }
            return texts;
        }).get();
    }

    private static void lookAt(Node node, String name) throws Exception {
        javafx.scene.image.WritableImage shot = UserGuideScreenshotsIT.snapshot(node);
        java.awt.image.BufferedImage out = new java.awt.image.BufferedImage((int) shot.getWidth(), (int) shot.getHeight(),
                java.awt.image.BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < out.getHeight(); y++) {
            for (int x = 0; x < out.getWidth(); x++) {
                out.setRGB(x, y, shot.getPixelReader().getArgb(x, y));
            }
        }
        javax.imageio.ImageIO.write(out, "png", Path.of("target", name).toFile());
    }

    private static boolean isRed(javafx.scene.paint.Paint paint) {
        return paint instanceof Color c && c.getRed() > 0.6 && c.getRed() > c.getGreen() * 1.8 && c.getRed() > c.getBlue() * 1.8;
    }

    private static String suffix(Theme theme) {
        return theme == Theme.LIGHT ? "" : "-dark";
    }
}

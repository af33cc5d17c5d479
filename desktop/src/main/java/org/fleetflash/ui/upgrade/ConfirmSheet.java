package org.fleetflash.ui.upgrade;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.binding.IntegerBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.control.cell.CheckBoxTableCell;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.fleetflash.core.batch.BatchSettings;
import org.fleetflash.core.device.SshTarget;
import org.fleetflash.core.text.Sanitize;
import org.fleetflash.core.upgrade.FailureAdvice;
import org.fleetflash.core.upgrade.FailureCode;
import org.fleetflash.core.upgrade.ImageFile;
import org.fleetflash.core.upgrade.Preflight;
import org.fleetflash.ui.fleet.RouterRow;
import org.fleetflash.ui.support.ByteSizes;
import org.fleetflash.ui.support.Sheet;
import org.fleetflash.ui.support.SheetHost;

/**
 * The sheet before an upgrade: the image, the layout, and every checked router with its pre-flight (the upgrade's
 * own checks, run as the sheet opens). The technician may leave routers out; the Upgrade button says how many it will
 * touch, and stays disabled while a router still being checked, or one that fails pre-flight, is included. The batch
 * settings (concurrency, canary, failure budget, stage-all-first) are chosen here.
 */
public final class ConfirmSheet extends Sheet<ConfirmSheet.Decision> {

    /** What the technician confirmed: the routers to upgrade and how. */
    public record Decision(List<RouterRow> routers, BatchSettings settings) {
        public Decision {
            routers = List.copyOf(routers);
        }
    }

    /** One router of the sheet and its pre-flight (null while it is being checked). */
    public static final class Item {
        private final RouterRow row;
        private final BooleanProperty include = new SimpleBooleanProperty(this, "include", true);
        private final ObjectProperty<Preflight> result = new SimpleObjectProperty<>(this, "result");
        /** A row of the sheet's preparation ({@link #preparation()}), never of an upgrade. */
        private boolean sample;

        Item(RouterRow row) {
            this.row = row;
        }

        public RouterRow row() {
            return row;
        }

        public BooleanProperty includeProperty() {
            return include;
        }

        public ObjectProperty<Preflight> resultProperty() {
            return result;
        }

        /** The short word of the result column. */
        String word() {
            Preflight p = result.get();
            if (p == null) {
                return "Checking…";
            }
            return switch (p.verdict()) {
                case READY -> "Fits";
                case PROBABLY_UP_TO_DATE -> ADVICE.title(FailureCode.UP_TO_DATE);
                case BLOCKED -> blockedWord(p);
            };
        }

        boolean blocked() {
            return result.get() != null && !result.get().mayUpgrade();
        }

        boolean checking() {
            return result.get() == null;
        }
    }

    private static final FailureAdvice ADVICE = FailureAdvice.forLocale(Locale.getDefault());

    /**
     * A blocked router's reason in a few words, as the sheet's column shows it: the failure code's title from the one
     * bundle of failure advice, with the exact overflow for an image too large.
     */
    static String blockedWord(Preflight p) {
        if (p.code() == FailureCode.IMAGE_TOO_LARGE) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("too large by ([0-9]+) bytes").matcher(p.message());
            if (m.find()) {
                return "Too large by " + m.group(1) + " bytes";
            }
        }
        return ADVICE.title(p.code());
    }

    private final ObservableList<Item> items = FXCollections.observableArrayList(i -> new javafx.beans.Observable[] {
        i.includeProperty(), i.resultProperty()});
    private final TableView<Item> table = new TableView<>(items);
    private final SpinnerValueFactory.IntegerSpinnerValueFactory concurrencyValues =
            new SpinnerValueFactory.IntegerSpinnerValueFactory(1, BatchSettings.MAX_CONCURRENCY, 1);
    private final SpinnerValueFactory.IntegerSpinnerValueFactory canaryValues = new SpinnerValueFactory.IntegerSpinnerValueFactory(0, 0, 0);
    private final SpinnerValueFactory.IntegerSpinnerValueFactory budgetValues = new SpinnerValueFactory.IntegerSpinnerValueFactory(0, 0, 0);
    private final Spinner<Integer> concurrency = new Spinner<>(concurrencyValues);
    private final Spinner<Integer> canary = new Spinner<>(canaryValues);
    private final Spinner<Integer> failureBudget = new Spinner<>(budgetValues);
    private final CheckBox stageAllFirst = new CheckBox("_Stage every router before any reroots");
    private final Label blocker = new Label();
    private final GridPane settings = new GridPane();
    /** The table, the blocker and the settings: attached by {@link #preparation()}, or at the latest by {@link #fill}. */
    private final VBox content = new VBox(10);
    /** The batch settings {@link #fill} started from: what the technician did not change. */
    private BatchSettings defaults = BatchSettings.defaults();

    /**
     * The window's sheet, empty until {@link #fill} puts an upgrade into it. A window keeps one and shows it again for
     * every upgrade: it stays styled and laid out in the window, so a sheet shown again, or prepared ahead by
     * {@link #preparation()}, opens without styling it anew (ui-bench: a new sheet per upgrade held the FX thread for
     * 150 to 250 ms at its first show).
     */
    public ConfirmSheet(SheetHost host) {
        super(host, "Confirm the upgrade");
        header().setText("Upgrade with …\n…");

        table.setId("preflightTable");
        table.setEditable(true);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        TableColumn<Item, Boolean> include = new TableColumn<>("Include");
        include.setCellValueFactory(f -> f.getValue().includeProperty());
        include.setCellFactory(CheckBoxTableCell.forTableColumn(include));
        include.setEditable(true);
        include.setPrefWidth(80);
        TableColumn<Item, String> router = new TableColumn<>("Router");
        router.setCellValueFactory(f -> new javafx.beans.property.ReadOnlyStringWrapper(name(f.getValue().row())));
        router.setPrefWidth(250);
        TableColumn<Item, String> result = new TableColumn<>("Pre-flight");
        result.setCellValueFactory(f -> Bindings.createStringBinding(f.getValue()::word, f.getValue().resultProperty()));
        result.setCellFactory(c -> new ResultCell());
        result.setPrefWidth(200);
        TableColumn<Item, String> why = new TableColumn<>("What was found");
        why.setCellValueFactory(f -> Bindings.createStringBinding(() -> f.getValue().resultProperty().get() == null ? ""
                : Sanitize.line(f.getValue().resultProperty().get().message(), 400), f.getValue().resultProperty()));
        why.setCellFactory(c -> new SentenceCell());
        why.setPrefWidth(400); // a width of its own: one left at the default is measured over 30 rows at the first show
        table.getColumns().setAll(List.of(include, router, result, why));

        concurrency.setId("concurrency");
        canary.setId("canary");
        failureBudget.setId("failureBudget");
        stageAllFirst.setId("stageAllFirst");
        for (Spinner<Integer> s : List.of(concurrency, canary, failureBudget)) {
            s.setEditable(true);
            s.setPrefWidth(90);
        }
        settings.setHgap(10);
        settings.setVgap(6);
        settings.addRow(0, label("_Routers at once:", concurrency), concurrency, label("_Canary (first N must succeed):", canary), canary);
        settings.addRow(1, label("_Failure budget (0 = none):", failureBudget), failureBudget, stageAllFirst);
        GridPane.setColumnSpan(stageAllFirst, 2);

        blocker.setId("preflightBlocker");
        blocker.setWrapText(true);
        blocker.setMaxWidth(Double.MAX_VALUE);
        blocker.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        blocker.getStyleClass().add("preflight-blocker");
        content.setPadding(new Insets(4, 0, 0, 0));
        VBox.setVgrow(table, Priority.ALWAYS);
        content.setPrefWidth(960);
        getDialogPane().setContent(content);
        getDialogPane().setPrefWidth(1000); // the routers' sentences need the room; a 1366-pixel screen has it
        getDialogPane().setMinWidth(960);
        getDialogPane().setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);

        ButtonType upgrade = new ButtonType("Upgrade", ButtonBar.ButtonData.OK_DONE);
        setButtons(upgrade, ButtonType.CANCEL);
        Button go = (Button) getDialogPane().lookupButton(upgrade);
        go.setId("confirmUpgrade");
        // as wide as its words: a button bar sizes its buttons alike once, from the words they had then ("Upgrade"), and
        // the count came later, cut short ("Upgrade 3 rou…")
        ButtonBar.setButtonUniformSize(go, false);
        IntegerBinding chosen = Bindings.createIntegerBinding(() -> (int) items.stream().filter(i -> i.includeProperty().get()).count(),
                items);
        BooleanBinding mayNot = Bindings.createBooleanBinding(() -> reasonNotToStart().isPresent(), items);
        go.textProperty().bind(Bindings.createStringBinding(() -> "Upgrade " + chosen.get() + (chosen.get() == 1 ? " router" : " routers"),
                chosen));
        go.disableProperty().bind(mayNot);
        blocker.textProperty().bind(Bindings.createStringBinding(() -> reasonNotToStart().orElse(""), items));
        Button cancel = (Button) getDialogPane().lookupButton(ButtonType.CANCEL);
        cancel.setId("confirmCancel");
        setResultConverter(b -> b == upgrade ? new Decision(items.stream().filter(i -> i.includeProperty().get()).map(Item::row).toList(),
                defaults.withConcurrency(concurrency.getValue()).withCanary(canary.getValue()).withMaxFailures(failureBudget.getValue())
                        .withStageAllFirst(stageAllFirst.isSelected())) : null);
    }

    /**
     * Puts an upgrade into the sheet, before it is shown: the routers (their pre-flights not yet known), the image, the
     * layout, and the batch settings to start from.
     *
     * @param rows     the checked routers
     * @param image    the chosen image
     * @param layout   the partitions it goes to
     * @param defaults the batch settings to start from
     */
    public void fill(List<RouterRow> rows, ImageFile image, List<String> layout, BatchSettings defaults) {
        attachAll();
        this.defaults = defaults;
        setResult(null);
        header().setText("Upgrade with " + Sanitize.line(image.path().getFileName().toString(), 80) + " (" + ByteSizes.human(image.size())
                + ", SHA-256 " + image.sha256().substring(0, 16) + "…) onto " + String.join(" + ", layout) + ".\n"
                + Sanitize.line(image.describe(), 160));
        items.setAll(rows.stream().map(Item::new).toList());
        table.scrollTo(0);
        table.setPrefHeight(tableHeight(rows.size()));
        int n = rows.size();
        concurrencyValues.setValue(Math.min(defaults.concurrency(), Math.max(1, n)));
        canaryValues.setMax(Math.max(0, n));
        canaryValues.setValue(Math.min(defaults.canary(), n));
        budgetValues.setMax(Math.max(0, n));
        budgetValues.setValue(Math.min(defaults.maxFailures(), n));
        stageAllFirst.setSelected(defaults.stageAllFirst());
    }

    /**
     * The work of the sheet's first show done ahead, in steps for the window to run one per frame while the technician
     * does something else, none of them holding the FX thread long: the styles of the sheet's frame, of its table, of its
     * settings, then layouts with more and more sample rows, up to as many as it shows (a quarter more per step: all at
     * once held the window for over 100 ms under load). The sheet stays hidden and empty; a step does nothing while it is
     * showing. Call on the FX thread.
     */
    public List<Runnable> preparation() {
        return List.of(beforeShow(javafx.scene.Parent::applyCss), beforeShow(root -> {
            attach(table);
            root.applyCss();
        }), beforeShow(root -> {
            attach(blocker);
            attach(settings);
            root.applyCss();
        }), beforeShow(root -> sampleRows(root, SHOWN_ROWS_AT_MOST / 4, false)),
                beforeShow(root -> sampleRows(root, SHOWN_ROWS_AT_MOST / 2, false)),
                beforeShow(root -> sampleRows(root, SHOWN_ROWS_AT_MOST * 3 / 4, false)),
                beforeShow(root -> sampleRows(root, SHOWN_ROWS_AT_MOST, true)), preparedFully());
    }

    /**
     * Lays the sheet out with {@code n} sample rows, while it is not in use: their cells, made and styled here, are
     * there to be filled at the first show (a single sample row left the others to be made while the technician waited).
     *
     * @param clear whether the sample rows go again afterwards (the last step)
     */
    private void sampleRows(javafx.scene.Parent root, int n, boolean clear) {
        if (isShowing() || items.stream().anyMatch(i -> !i.sample)) {
            return;
        }
        List<Item> samples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Item sample = new Item(new RouterRow(new SshTarget("localhost", SshTarget.DEFAULT_PORT + i)));
            sample.sample = true;
            samples.add(sample);
        }
        items.setAll(samples);
        table.setPrefHeight(tableHeight(n));
        root.resize(root.prefWidth(-1), root.prefHeight(-1));
        root.layout();
        if (clear) {
            items.clear();
        }
    }

    /** The most rows the table shows at once, at its tallest ({@link #tableHeight}). */
    private static final int SHOWN_ROWS_AT_MOST = 12;

    /** The table's height for {@code rows} routers: room for each up to its tallest, then it scrolls. */
    private static double tableHeight(int rows) {
        return Math.max(200, Math.min(380, 70 + 36 * rows));
    }

    private void attachAll() {
        attach(table);
        attach(blocker);
        attach(settings);
    }

    /** Adds a part to the sheet's content, in the order of the finished sheet (table, blocker, settings). */
    private void attach(javafx.scene.Node part) {
        if (!content.getChildren().contains(part)) {
            content.getChildren().add(part);
        }
    }

    /** Why the upgrade cannot start yet, in one sentence, or empty when it can. */
    Optional<String> reasonNotToStart() {
        List<Item> in = items.stream().filter(i -> i.includeProperty().get()).toList();
        if (in.isEmpty()) {
            return Optional.of("No router is included: include at least one.");
        }
        long checking = in.stream().filter(Item::checking).count();
        List<Item> blocked = in.stream().filter(Item::blocked).toList();
        if (!blocked.isEmpty()) {
            Item first = blocked.get(0);
            return Optional.of(blocked.size() + (blocked.size() == 1 ? " router fails" : " routers fail") + " pre-flight ("
                    + first.row().address() + ": " + first.word() + "). Leave " + (blocked.size() == 1 ? "it" : "them")
                    + " out (untick Include) to upgrade the others.");
        }
        if (checking > 0) {
            return Optional.of("Checking " + checking + (checking == 1 ? " router" : " routers") + "…");
        }
        return Optional.empty();
    }

    /** The sheet's rows (the window fills in their pre-flight). */
    public List<Item> items() {
        return List.copyOf(items);
    }

    private static String name(RouterRow r) {
        String n = r.nameProperty().get();
        return n.isEmpty() ? r.address() : r.address() + "  " + n;
    }

    private static Label label(String text, javafx.scene.Node target) {
        Label l = new Label(text);
        l.setMnemonicParsing(true);
        l.setLabelFor(target);
        return l;
    }

    /** The result word, coloured by what it means, always with the word itself. */
    private static final class ResultCell extends TableCell<Item, String> {
        private final org.fleetflash.ui.support.CellState state = new org.fleetflash.ui.support.CellState();

        @Override
        protected void updateItem(String item, boolean empty) {
            super.updateItem(item, empty);
            setText(empty ? null : item);
            Item row = empty || getTableRow() == null ? null : getTableRow().getItem();
            state.show(this, row == null ? null : row.checking() ? "preflight-busy" : row.blocked() ? "preflight-blocked" : "preflight-ok");
        }
    }

    /** A sentence, cut to the column with the whole of it as the tooltip. */
    private static final class SentenceCell extends TableCell<Item, String> {
        /**
         * One tooltip per cell, made at its first sentence and then only its text replaced: a new one per update made
         * every pre-flight answer cost a control, and one made with every cell built a popup per row at the first show.
         */
        private Tooltip tip;

        @Override
        protected void updateItem(String item, boolean empty) {
            super.updateItem(item, empty);
            setText(empty ? null : item);
            if (empty || item == null || item.isEmpty()) {
                setTooltip(null);
            } else {
                if (tip == null) {
                    tip = new Tooltip();
                }
                tip.setText(item);
                setTooltip(tip);
            }
        }
    }
}

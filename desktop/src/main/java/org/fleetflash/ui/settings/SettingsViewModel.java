package org.fleetflash.ui.settings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.fleetflash.core.app.EngineSettings;
import org.fleetflash.core.batch.BatchSettings;
import org.fleetflash.core.settings.LocalInterfaces;
import org.fleetflash.core.settings.SettingKey;
import org.fleetflash.core.settings.Settings;
import org.fleetflash.core.settings.SettingsStore;
import org.fleetflash.ui.support.Background;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Settings tab's state: the text of every field, what is wrong with it (checked as it is typed), whether it
 * differs from the settings in use, and Apply (check, save, use) and Revert. The settings in use are
 * {@link #applied()}; the rest of the window reads them from there. Files are written on the window's background
 * threads, one save after the other; the FX thread never waits for the disk.
 */
public final class SettingsViewModel {

    private static final Logger LOG = LoggerFactory.getLogger(SettingsViewModel.class);

    private final SettingsStore store;
    private final Path currentDataDirectory;
    private final LocalInterfaces local;
    private final Map<SettingKey, StringProperty> text = new EnumMap<>(SettingKey.class);
    private final Map<SettingKey, ReadOnlyStringWrapper> problems = new EnumMap<>(SettingKey.class);
    private final ReadOnlyObjectWrapper<Settings> applied = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyBooleanWrapper changed = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper valid = new ReadOnlyBooleanWrapper(true);
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper saving = new ReadOnlyBooleanWrapper();
    private final List<Consumer<Settings.Appearance>> themeWatchers = new ArrayList<>();
    private final Background background;
    /** The last save asked for: the next one starts after it, so the newest settings are written last. */
    private CompletableFuture<?> lastSave = CompletableFuture.completedFuture(null);

    /**
     * @param store                where Apply writes
     * @param currentDataDirectory the data directory this window opened (its settings file is written on Apply)
     * @param loaded               the settings read at the start, with the sentences about what could not be used
     * @param background           where the files are written
     */
    public SettingsViewModel(SettingsStore store, Path currentDataDirectory, SettingsStore.Loaded loaded, LocalInterfaces local,
            Background background) {
        this.store = Objects.requireNonNull(store, "store");
        this.background = Objects.requireNonNull(background, "background");
        this.currentDataDirectory = Objects.requireNonNull(currentDataDirectory, "currentDataDirectory");
        this.local = Objects.requireNonNull(local, "local");
        applied.set(loaded.settings());
        for (SettingKey k : SettingKey.values()) {
            text.put(k, new SimpleStringProperty(loaded.settings().text().get(k)));
            problems.put(k, new ReadOnlyStringWrapper(""));
        }
        text.values().forEach(p -> p.addListener((o, was, now) -> recheck()));
        text.get(SettingKey.THEME).addListener((o, was, now) -> previewTheme(now));
        message.set(String.join(" ", loaded.notes()));
    }

    /** The text of a field, as typed. */
    public StringProperty text(SettingKey key) {
        return text.get(key);
    }

    /** What is wrong with a field's text, or empty. */
    public ReadOnlyStringProperty problem(SettingKey key) {
        return problems.get(key).getReadOnlyProperty();
    }

    /** The settings in use (read at the start, replaced by Apply). */
    public ReadOnlyObjectProperty<Settings> applied() {
        return applied.getReadOnlyProperty();
    }

    /** The settings in use as the engine's own settings. */
    public EngineSettings engine() {
        return new EngineSettings(applied.get());
    }

    /** A batch's defaults from the settings in use: routers at once, canary, failure budget, stage-all-first, retries. */
    public BatchSettings batchDefaults() {
        return engine().batch();
    }

    /** Whether some field differs from the settings in use. */
    public ReadOnlyBooleanProperty changed() {
        return changed.getReadOnlyProperty();
    }

    /** Whether every field holds a usable value. */
    public ReadOnlyBooleanProperty valid() {
        return valid.getReadOnlyProperty();
    }

    /** Whether an Apply is being written. */
    public ReadOnlyBooleanProperty saving() {
        return saving.getReadOnlyProperty();
    }

    /** One or two sentences about the last Apply (or what the start could not read). */
    public ReadOnlyStringProperty message() {
        return message.getReadOnlyProperty();
    }

    /** Calls {@code watcher} with the theme to show whenever the theme field changes (before Apply: a preview). */
    public void onTheme(Consumer<Settings.Appearance> watcher) {
        themeWatchers.add(watcher);
    }

    /**
     * Checks every field and, when all are good, saves them in the background and uses them once saved (the message
     * says so); when one is bad nothing is saved and the message says why. Returns whether they are being saved.
     */
    public boolean apply() {
        Settings.Checked checked = check();
        showProblems(checked);
        if (!checked.ok()) {
            int n = checked.problems().size();
            message.set("Not applied: " + (n == 1 ? "one setting needs" : n + " settings need") + " a change (see under "
                    + (n == 1 ? "it" : "each") + "). Nothing was saved.");
            return false;
        }
        Settings next = checked.settings().orElseThrow();
        Map<SettingKey, String> typed = typed();
        saving.set(true);
        message.set("Saving the settings…");
        save(next).whenCompleteAsync((ok, failure) -> {
            saving.set(false);
            if (failure != null) {
                Throwable why = Background.unwrap(failure);
                LOG.warn("Cannot save the settings", why);
                message.set("Not applied: the settings could not be saved (" + why.getMessage() + "). Check that the data directory"
                        + " is writable.");
                return;
            }
            applied(applied.get(), next, typed);
        }, Platform::runLater);
        return true;
    }

    private void applied(Settings before, Settings next, Map<SettingKey, String> typed) {
        applied.set(next);
        List<String> later = new ArrayList<>();
        Map<SettingKey, String> was = before.text();
        next.text().forEach((k, v) -> {
            if (k.effect() == SettingKey.Effect.NEXT_START && !v.equals(was.get(k))) {
                later.add(label(k));
            }
        });
        if (typed.equals(typed())) {
            reset(next); // the fields as the settings write them ("Dark" becomes "dark")
        } else {
            recheck(); // typed on while it was saved: keep that
        }
        message.set(later.isEmpty() ? "Applied and saved; in use now."
                : "Applied and saved. " + String.join(", ", later) + (later.size() == 1 ? " takes" : " take")
                        + " effect when FleetFlash starts again; the rest is in use now.");
    }

    /** Puts every field back to the settings in use. */
    public void revert() {
        reset(applied.get());
        message.set("Reverted to the settings in use.");
    }

    /** Uses {@code theme} at once and saves it (the toolbar's switch), leaving the other fields as they are. */
    public void useTheme(Settings.Appearance theme) {
        Settings next = applied.get().withTheme(theme);
        save(next).whenComplete((ok, failure) -> {
            if (failure != null) {
                LOG.warn("Cannot save the theme", Background.unwrap(failure));
            }
        });
        applied.set(next);
        text.get(SettingKey.THEME).set(next.text().get(SettingKey.THEME));
        recheck();
    }

    /** The words the tab labels a setting with, for messages. */
    static String label(SettingKey k) {
        return switch (k) {
            case SSH_USER -> "the user";
            case IDENTITY_FILE -> "the key file";
            case FTP_BIND_ADDRESS -> "the image server's address";
            case FTP_PORT -> "the FTP port";
            case FTP_PASSIVE_PORTS -> "the passive ports";
            case CONCURRENCY -> "routers at once";
            case CANARY -> "the canary wave";
            case MAX_FAILURES -> "the failure budget";
            case STAGE_ALL_FIRST -> "stage every router first";
            case RETRIES -> "the retries";
            case CONNECT_TIMEOUT -> "the connect timeout";
            case COMMAND_TIMEOUT -> "the command timeout";
            case BACKUPS_KEPT -> "the backups kept";
            case DATA_DIRECTORY -> "the data directory";
            case THEME -> "the theme";
        };
    }

    /** Writes {@code s} after the saves asked for before. */
    /**
     * Waits, at most {@code max}, until the saves asked for so far are written: the window calls it as it closes, before
     * it stops the threads they run on, which would drop a save still queued (a theme switched just before closing, and
     * the next start came back in the other one).
     */
    public void finishSaving(java.time.Duration max) {
        try {
            lastSave.handle((r, e) -> null).get(max.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("The settings were still being saved when the window closed: the last change may not be kept");
        }
    }

    private CompletableFuture<Settings> save(Settings s) {
        CompletableFuture<Settings> next = lastSave.handle((r, e) -> null).thenCompose(x -> background.supply(() -> {
            store.save(s, currentDataDirectory);
            return s;
        }));
        lastSave = next;
        return next;
    }

    private Map<SettingKey, String> typed() {
        Map<SettingKey, String> now = new EnumMap<>(SettingKey.class);
        text.forEach((k, p) -> now.put(k, p.get() == null ? "" : p.get()));
        return now;
    }

    private void reset(Settings s) {
        s.text().forEach((k, v) -> text.get(k).set(v));
        recheck();
    }

    private Settings.Checked check() {
        return Settings.check(typed(), applied.get(), local);
    }

    private void recheck() {
        if (applied.get() == null) {
            return;
        }
        Settings.Checked checked = check();
        showProblems(checked);
        Map<SettingKey, String> in = applied.get().text();
        changed.set(text.entrySet().stream().anyMatch(e -> !Objects.equals(e.getValue().get(), in.get(e.getKey()))));
    }

    private void showProblems(Settings.Checked checked) {
        problems.forEach((k, p) -> p.set(checked.problems().getOrDefault(k, "")));
        valid.set(checked.ok());
    }

    private void previewTheme(String value) {
        if (value == null) {
            return;
        }
        for (Settings.Appearance a : Settings.Appearance.values()) {
            if (a.name().equalsIgnoreCase(value.strip())) {
                themeWatchers.forEach(w -> w.accept(a));
            }
        }
    }
}

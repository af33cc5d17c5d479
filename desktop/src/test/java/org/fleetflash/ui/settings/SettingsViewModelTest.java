package org.fleetflash.ui.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.fleetflash.core.settings.LocalInterfaces;
import org.fleetflash.core.settings.Settings;
import org.fleetflash.core.settings.SettingsStore;
import org.fleetflash.ui.support.Background;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A theme switched just before the window closes is the one the next start shows. */
class SettingsViewModelTest {

    @TempDir
    Path dir;

    @Test
    void aSaveQueuedBehindOtherWorkIsWrittenBeforeTheWindowStopsItsThreads() throws Exception {
        SettingsStore store = new SettingsStore(dir.resolve("config"), LocalInterfaces.SYSTEM, Clock.systemUTC());
        Path data = java.nio.file.Files.createDirectories(dir.resolve("data"));
        Background background = Background.threads("settings-test", 1);
        SettingsViewModel model = new SettingsViewModel(store, data, store.load(data), LocalInterfaces.SYSTEM, background);
        CountDownLatch busy = new CountDownLatch(1);
        background.supply(() -> busy.await(10, TimeUnit.SECONDS)); // the window's threads busy with something else

        model.useTheme(Settings.Appearance.DARK); // queued behind it
        Thread closing = Thread.currentThread();
        Thread release = new Thread(() -> {
            // the other work ends while the window is closing, waiting for the save
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> closing.getState() == Thread.State.TIMED_WAITING);
            busy.countDown();
        });
        release.start();
        model.finishSaving(Duration.ofSeconds(5)); // what the window does as it closes, then:
        background.close();
        release.join();

        assertThat(store.load(data).settings().theme()).isEqualTo(Settings.Appearance.DARK);
    }
}

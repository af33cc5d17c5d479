package org.fleetflash.agent.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
  * Records writes to every sandbox's {@code /dev/led/*} files into its {@code sim/led.log}. One
  * watch service and one daemon thread serve all sandboxes of the JVM: Linux allows only a few
  * inotify instances per user (often 128), a fleet has hundreds of routers.
  */
final class LedRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(LedRecorder.class);
    private static final Object LOCK = new Object();
    private static WatchService service;
    private static final Map<WatchKey, Target> TARGETS = new ConcurrentHashMap<>();

    /** One watched LED directory and where its history goes. */
    private record Target(Path ledDir, Path log, Map<String, String> last) {}

    private LedRecorder() {}

    /** Starts recording the LED directory into log; cancel the returned key to stop. */
    static WatchKey watch(Path ledDir, Path log) throws IOException {
        WatchService w = service();
        WatchKey key = ledDir.register(w, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_CREATE);
        TARGETS.put(key, new Target(ledDir, log, new HashMap<>()));
        return key;
    }

    /** Stops recording a directory. */
    static void unwatch(WatchKey key) {
        key.cancel();
        TARGETS.remove(key);
    }

    private static WatchService service() throws IOException {
        synchronized (LOCK) {
            if (service == null) {
                WatchService w = FileSystems.getDefault().newWatchService();
                Thread t = new Thread(() -> loop(w), "sim-led-recorder");
                t.setDaemon(true);
                t.start();
                service = w;
            }
            return service;
        }
    }

    private static void loop(WatchService w) {
        try {
            while (true) {
                WatchKey key = w.take();
                Target target = TARGETS.get(key);
                for (WatchEvent<?> ev : key.pollEvents()) {
                    if (target != null && ev.context() instanceof Path name) {
                        record(target, name.toString());
                    }
                }
                if (!key.reset()) {
                    TARGETS.remove(key);
                }
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            LOG.debug("LED recorder stopped");
        }
    }

    private static void record(Target target, String name) {
        try {
            String value = Files.readString(target.ledDir().resolve(name), StandardCharsets.ISO_8859_1).strip();
            synchronized (target.last()) {
                if (value.isEmpty() || value.equals(target.last().get(name))) {
                    return;
                }
                target.last().put(name, value);
            }
            Files.writeString(target.log(), System.currentTimeMillis() + " " + name + " " + value + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            LOG.debug("LED {} unreadable: {}", name, e.getMessage());
        }
    }
}

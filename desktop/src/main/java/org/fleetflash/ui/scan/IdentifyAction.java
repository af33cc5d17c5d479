package org.fleetflash.ui.scan;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.SimpleIntegerProperty;
import org.fleetflash.core.device.AuthenticationFailedException;
import org.fleetflash.core.device.Credentials;
import org.fleetflash.core.device.RouterIdentify;
import org.fleetflash.core.device.SshTarget;
import org.fleetflash.ui.fleet.FleetViewModel;
import org.fleetflash.ui.fleet.RouterRow;
import org.fleetflash.ui.support.Background;
import org.fleetflash.ui.support.UiEventPump;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Identify action: each chosen router blinks its LED for a few seconds so the technician finds the box on the
 * shelf. The rows say {@code blinking LED SYSTEM for 10 s} while it blinks; a failure is one sentence in the row's
 * tooltip and the status bar. The SSH work runs on the window's {@link Background}; what it reports reaches the rows
 * through a {@link UiEventPump}. Call on the FX thread.
 */
public final class IdentifyAction implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IdentifyAction.class);
    /** The status word while the agent is being put on the router. */
    public static final String STARTING = "identifying…";
    /** The status word of a router whose LED could not blink. */
    public static final String FAILED = "identify failed";

    /** Blinks one router's LED (slow: SSH and the agent); called on a background thread. */
    @FunctionalInterface
    public interface Blinker {
        /**
         * Blinks {@code target}'s LED for {@code seconds}; {@code started} gets the LED's name when it starts.
         *
         * @param trustNewHostKey pin the router's host key if none is pinned yet
         */
        RouterIdentify.Result blink(SshTarget target, Credentials credentials, boolean trustNewHostKey, int seconds,
                Consumer<String> started) throws Exception;
    }

    /** One router's newest identify state. Null fields leave the row as it is. */
    private record Update(String status, String problem, String hostKey, String message) {}

    private final FleetViewModel fleet;
    private final Background background;
    private final Blinker blinker;
    private final IntegerProperty seconds = new SimpleIntegerProperty(this, "seconds", RouterIdentify.DEFAULT_SECONDS);
    private final UiEventPump<RouterRow, Update> pump = new UiEventPump<>(this::apply);

    public IdentifyAction(FleetViewModel fleet, Background background, Blinker blinker) {
        this.fleet = Objects.requireNonNull(fleet, "fleet");
        this.background = Objects.requireNonNull(background, "background");
        this.blinker = Objects.requireNonNull(blinker, "blinker");
        pump.start(UiEventPump.DEFAULT_PERIOD);
    }

    /** How long an LED blinks, {@value RouterIdentify#MIN_SECONDS} to {@value RouterIdentify#MAX_SECONDS} seconds. */
    public IntegerProperty secondsProperty() {
        return seconds;
    }

    /** Blinks the LED of every router of {@code rows} with the session's login (which must have been given). */
    public void identify(List<RouterRow> rows) {
        if (rows.isEmpty()) {
            fleet.tell("Check the routers to identify, or highlight one, then press Identify.");
            return;
        }
        Credentials credentials = fleet.login().orElseThrow(() -> new IllegalStateException("No login given yet"));
        boolean trust = fleet.trustNewHostKeys();
        int secs = Math.max(RouterIdentify.MIN_SECONDS, Math.min(RouterIdentify.MAX_SECONDS, seconds.get()));
        fleet.tell(rows.size() == 1 ? "Identifying " + rows.get(0).address() + "…" : "Identifying " + rows.size() + " routers…");
        for (RouterRow row : rows) {
            SshTarget target = row.target();
            String before = row.statusProperty().get();
            String back = before.equals(STARTING) || before.startsWith("blinking") || before.equals(FAILED) ? "not probed" : before;
            row.statusProperty().set(STARTING);
            row.problemProperty().set("");
            background.supply(() -> blinker.blink(target, credentials, trust, secs, led -> pump.offer(row,
                    new Update(blinking(led, secs), null, null, "Router " + target.hostPort() + " is " + blinking(led, secs)
                            + ": look for it.")))).whenComplete((result, failure) -> {
                                if (failure != null) {
                                    Throwable cause = Background.unwrap(failure);
                                    LOG.warn("Identify of {} failed: {}", target, cause.toString(), cause);
                                    String sentence = IdentifyFailures.sentence(target, cause);
                                    pump.offer(row, new Update(FAILED, sentence, null, sentence));
                                    if (cause instanceof AuthenticationFailedException) {
                                        Platform.runLater(fleet::forgetLogin);
                                    }
                                } else if (result.failure().isPresent()) {
                                    String sentence = IdentifyFailures.refused(target, result.failure().get());
                                    pump.offer(row, new Update(FAILED, sentence, RouterRow.KEY_PINNED, sentence));
                                } else {
                                    pump.offer(row, new Update(back, "", RouterRow.KEY_PINNED, "Router " + target.hostPort()
                                            + " blinked its LED " + result.led().orElse("") + " for " + secs + " s; it is off again."));
                                }
                            });
        }
    }

    /** The row's status while its LED blinks. */
    public static String blinking(String led, int seconds) {
        return "blinking LED " + led + " for " + seconds + " s";
    }

    private void apply(RouterRow row, Update u) {
        row.statusProperty().set(u.status());
        if (u.problem() != null) {
            row.problemProperty().set(u.problem());
        }
        if (u.hostKey() != null) {
            row.hostKeyProperty().set(u.hostKey());
        }
        fleet.tell(u.message());
    }

    /** Stops the pump (what is pending is applied). */
    @Override
    public void close() {
        pump.close();
    }
}

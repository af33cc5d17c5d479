package org.fleetflash.core.upgrade;

import java.util.Optional;
import org.fleetflash.agent.protocol.DeviceFacts;

/**
 * The LED the flasher drives while it writes (led(4) under {@code /dev/led}), and what its patterns mean. The
 * telemetry does not report the LED; its pattern follows from what the flasher reports, because the agent sets it
 * at fixed points: blinking ({@code f2}) from its start and again before every retry round, the error pattern
 * ({@code sAaAaAaj}) before every ERROR datagram, steady on ({@code 1}) after the last block was read back.
 */
public final class FlasherLed {

    private FlasherLed() {
    }

    /** The LED the upgrade hands the flasher: {@code SYSTEM} when the router has one, else its first, else none. */
    public static Optional<String> of(DeviceFacts facts) {
        if (facts.leds().contains("SYSTEM")) {
            return Optional.of("SYSTEM");
        }
        return facts.leds().isEmpty() ? Optional.empty() : Optional.of(facts.leds().get(0));
    }
}

package org.fleetflash.core.upgrade;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.fleetflash.agent.image.ImageInfo;
import org.fleetflash.agent.plan.FlashPlan;

/**
 * How one router's upgrade ended.
 *
 * @param attempt     the attempt (its router's identity as last known)
 * @param phase       the phase it ended in (null when it never started)
 * @param code        why, as a stable code
 * @param message     a sentence for the technician: what happened and what to do
 * @param written     erase blocks the flasher wrote (from telemetry; -1 when unknown)
 * @param same        erase blocks it found already right (from telemetry; -1 when unknown)
 * @param image       what the image was recognised as (empty when the upgrade stopped before the plan)
 * @param imageForced whether --force-image set aside a check of the image for this router
 * @param bytesDownloaded bytes of the image the router downloaded (0 when none)
 * @param elapsed     from the start of the attempt to its end
 */
public record UpgradeResult(AttemptRef attempt, Outcome outcome, Phase phase, FailureCode code, String message,
        Optional<FlashPlan> plan, Optional<Path> backup, long written, long same, Optional<ImageInfo> image,
        boolean imageForced, long bytesDownloaded, Duration elapsed) {

    /** What the image was recognised as, in words (empty before the plan). */
    public String imageDescription() {
        return image.map(ImageGate::describe).orElse("");
    }

    /** The router as {@code host:port}. */
    public String router() {
        return attempt.router().hostPort();
    }
}

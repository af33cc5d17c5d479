package org.fleetflash.core.upgrade;

import java.nio.file.Path;
import java.util.Optional;
import org.fleetflash.agent.image.ImageInfo;
import org.fleetflash.agent.plan.FlashPlan;

/**
 * How one router's upgrade ended.
 *
 * @param code     a stable code (the agent's error code, or the engine's own such as {@code UNREACHABLE})
 * @param message  a sentence for the technician: what happened and what to do
 * @param written  erase blocks the flasher wrote (from telemetry; -1 when unknown)
 * @param same     erase blocks it found already right (from telemetry; -1 when unknown)
 * @param image    what the image was recognised as (empty when the upgrade stopped before the plan)
 * @param imageForced whether --force-image set aside a check of the image for this router
 */
public record UpgradeResult(Outcome outcome, Phase phase, String code, String message, Optional<FlashPlan> plan,
        Optional<Path> backup, long written, long same, Optional<ImageInfo> image, boolean imageForced) {
}

package org.fleetflash.core.upgrade;

import java.util.Objects;
import java.util.Optional;
import org.fleetflash.agent.image.ImageInfo;
import org.fleetflash.agent.plan.FlashPlan;
import org.fleetflash.agent.protocol.DeviceFacts;

/**
 * What an upgrade's own first phases (connect, agent, probe, plan and image check) say about one router and one image,
 * without backing up, staging or changing anything: the window's confirmation sheet shows it for every router before
 * the technician starts a batch. The checks are the upgrade's own ({@link RouterUpgrade#preflight()}), so the sheet
 * and the upgrade can never disagree about what they check.
 *
 * @param router  the router
 * @param verdict ready, ready but probably up to date already, or blocked
 * @param code    why it is blocked ({@link FailureCode#OK} when it is not; {@link FailureCode#UP_TO_DATE} when the
 *                router already runs the image's version)
 * @param message one sentence: what was found, and for a blocked router what to do
 * @param facts   the router as the probe read it (empty when the probe was not reached)
 * @param plan    the image planned onto the router's layout (empty when it does not fit or the probe was not reached)
 * @param image   what the image was recognised as (empty when the plan was not reached)
 */
public record Preflight(RouterId router, Verdict verdict, FailureCode code, String message, Optional<DeviceFacts> facts,
        Optional<FlashPlan> plan, Optional<ImageInfo> image) {

    /** Whether the router may be upgraded with the image. */
    public enum Verdict {
        /** Every check passed. */
        READY,
        /** Every check passed and the router reports the image's version already: the upgrade will most likely leave it alone. */
        PROBABLY_UP_TO_DATE,
        /** A check failed: upgrading it would be refused (the message says why and what to do). */
        BLOCKED
    }

    public Preflight {
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(facts, "facts");
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(image, "image");
    }

    /** Whether an upgrade may start on this router. */
    public boolean mayUpgrade() {
        return verdict != Verdict.BLOCKED;
    }

    /**
     * The free RAM the router's agent will ask for, at least: the memory disk holds the padded image, the reroot's own
     * files and a 256 KiB reserve, plus a fifth for the file system, and a margin stays free besides (the agent adds the
     * size of the binaries it copies, which only the router knows, so the router's own check may still refuse).
     */
    static long leastFreeRamFor(FlashPlan plan) {
        long data = plan.paddedSize() + 262_144;
        return data + data / 5 + StageConf.MARGIN;
    }
}

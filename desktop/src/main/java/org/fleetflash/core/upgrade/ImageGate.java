package org.fleetflash.core.upgrade;

import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.fleetflash.agent.image.Finding;
import org.fleetflash.agent.image.ImageCompatibility;
import org.fleetflash.agent.image.ImageInfo;
import org.fleetflash.agent.image.RouterBoot;
import org.fleetflash.agent.image.RunningFirmware;
import org.fleetflash.agent.image.Verdict;
import org.fleetflash.agent.plan.FlashPlan;
import org.fleetflash.agent.protocol.DeviceFacts;
import org.fleetflash.agent.protocol.Partition;

/**
 * Decides, before anything is sent, whether an image may be written to a router: what the image is
 * (format, kernel header, version, TP-Link hardware id) against what the router's boot chain will accept
 * (architecture, where its kernel looks for the root file system, its board: the hardware id and the load address of
 * the kernel it runs now).
 */
final class ImageGate {

    /** The GEOM_MAP search key FreeBSD's own board hints use for a mkuzip root ({@code #!/bin/sh}, '.' = any byte). */
    static final String DEFAULT_ROOT_KEY = ".!/bin/sh";

    private ImageGate() {
    }

    /**
     * What the router's boot chain expects over the plan's span. The root rule is the start hint of the layout's
     * second partition (a search, or its fixed offset); a one-partition layout has no boundary of its own, so
     * the root must then start at an erase-block boundary inside the span, where FreeBSD's own hints search.
     */
    static RouterBoot routerBoot(DeviceFacts facts, FlashPlan plan, RunningFirmware running) {
        RouterBoot.RootRule rule;
        List<String> layout = plan.layout();
        Optional<Partition> second = layout.size() > 1 ? facts.partition(layout.get(1)) : Optional.empty();
        if (second.isPresent()) {
            rule = RouterBoot.rootRule(second.get().startHint(), second.get().offset());
        } else {
            rule = new RouterBoot.SearchRule(plan.spanOffset(), plan.eraseBlock(), DEFAULT_ROOT_KEY);
        }
        return new RouterBoot(facts.machineArch(), plan.spanOffset(), plan.spanSize(), plan.eraseBlock(), rule, running);
    }

    /** One line for the technician: what the image was recognised as. */
    static String describe(ImageInfo info) {
        StringBuilder s = new StringBuilder(info.format().humanName());
        info.kernel().ifPresent(k -> s.append(", kernel '").append(k.header().name()).append("' for ")
                .append(k.header().archName()));
        info.version().ifPresent(v -> s.append(", version ").append(v));
        info.hardwareId().ifPresent(id -> s.append(", TP-Link hardware id 0x").append(HexFormat.of().toHexDigits((int) id)));
        return s.toString();
    }

    /**
     * The failure that refuses the image, or empty when it may be written (possibly forced: see {@link #forced}).
     *
     * @param offerForce whether the message may point at {@code --force-image} (the command line has it; the window
     *                   never writes an image its checks refuse)
     */
    static Optional<UpgradeFailure> refusal(Verdict verdict, boolean force, boolean offerForce) {
        if (verdict.ok()) {
            return Optional.empty();
        }
        List<Finding> blocking = verdict.blocking();
        Finding first = blocking.get(0);
        String all = blocking.stream().map(Finding::message).collect(Collectors.joining(" "));
        boolean forceWouldHelp = blocking.stream().allMatch(Finding::overridable);
        String hint = force ? " --force-image cannot override this." : forceWouldHelp && offerForce
                ? " If you are sure this image is meant for this router, --force-image writes it anyway (recorded as forced)."
                : "";
        return Optional.of(new UpgradeFailure(Outcome.FAILED_SAFE, FailureCode.of(first.code()), "Refused before any transfer: "
                + all + hint + " Nothing was sent to the router."));
    }

    /** The findings that --force-image set aside, for the record. */
    static List<Finding> forced(Verdict verdict) {
        return verdict.findings().stream().filter(Finding::overridden).toList();
    }

    static Verdict check(ImageInfo info, RouterBoot boot, boolean force) {
        return ImageCompatibility.check(info, boot, force);
    }
}

package org.fleetflash.ui.layout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fleetflash.agent.plan.FlashPlan;
import org.fleetflash.agent.plan.PlanRefusedException;
import org.fleetflash.agent.protocol.DeviceFacts;
import org.fleetflash.agent.protocol.Partition;
import org.fleetflash.agent.sim.Profile;
import org.fleetflash.agent.sim.SimImage;

/**
 * The facts a probe reports for the simulator's TL-WDR3600 running its stock image (the values of its profile, the
 * kernel/rootfs boundary where the running image's kernel ends), and real plans of simulator images onto them: for
 * the unit tests, which open no sockets. The window tests probe a simulated router for real instead.
 */
final class Wdr3600 {

    static final Profile PROFILE = Profile.load("tl-wdr3600");
    static final long EB = PROFILE.eraseBlock();

    private Wdr3600() {
    }

    static DeviceFacts facts(List<String> leds) {
        long kernelEnd = 0x20000 + (PROFILE.imageKernelSize() + EB - 1) / EB * EB;
        List<Partition> parts = List.of(
                new Partition("u-boot", 0, 0x20000, true, 0, EB, "0x000000"),
                new Partition("kernel", 0x20000, kernelEnd - 0x20000, false, 2, EB, "0x020000"),
                new Partition("rootfs", kernelEnd, 0x7d0000 - kernelEnd, false, 3, EB, "search:0x00020000:0x10000:.!/bin/sh"),
                new Partition("cfg", 0x7d0000, 0x10000, false, 4, EB, "0x7d0000"),
                new Partition("mib0", 0x7e0000, 0x10000, true, 5, EB, "0x7e0000"),
                new Partition("ART", 0x7f0000, 0x10000, true, 6, EB, "0x7f0000"));
        return new DeviceFacts(PROFILE.osRelease(), PROFILE.osReldate(), "mips", PROFILE.hwMachineArch(), PROFILE.hostname(),
                PROFILE.hwModel(), PROFILE.physmem(), PROFILE.usermem(), PROFILE.pageSize(), PROFILE.pageSize() * PROFILE.freePages(),
                PROFILE.rootMountFrom(), true, true, List.of("md0", "md1"), Map.of("fetch", true, "sha256", true), Map.of(), leds,
                EB, PROFILE.flashDevice(), PROFILE.flashSize(), parts, List.of(), Optional.of(PROFILE.firmwareVersion()));
    }

    static DeviceFacts facts() {
        return facts(PROFILE.leds());
    }

    /** The plan of a simulator image of {@code version} and {@code size} bytes (0: the profile's) onto kernel + rootfs. */
    static FlashPlan plan(Path dir, String version, long size) throws IOException, PlanRefusedException {
        Path image = Files.createDirectories(dir).resolve("fw-" + version + ".bin");
        SimImage.write(PROFILE, version, size, image);
        return FlashPlan.create(image, facts().partitions(), List.of("kernel", "rootfs"), EB);
    }
}

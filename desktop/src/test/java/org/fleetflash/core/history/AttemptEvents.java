package org.fleetflash.core.history;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.fleetflash.agent.image.ImageInfo;
import org.fleetflash.agent.plan.FlashPlan;
import org.fleetflash.agent.protocol.DeviceFacts;
import org.fleetflash.agent.protocol.Partition;
import org.fleetflash.core.upgrade.AttemptRef;
import org.fleetflash.core.upgrade.FailureCode;
import org.fleetflash.core.upgrade.Outcome;
import org.fleetflash.core.upgrade.Phase;
import org.fleetflash.core.upgrade.RouterId;
import org.fleetflash.core.upgrade.UpgradeEvent;
import org.fleetflash.core.upgrade.UpgradeEvent.BlockAction;
import org.fleetflash.core.upgrade.UpgradeResult;

/**
 * The events of one attempt as the engine emits them (the order of RouterUpgrade's phase script), one second
 * apart from {@code start}: what the history writer is fed in the tests.
 */
public final class AttemptEvents {

    public static final String SHA_KERNEL = "a".repeat(64);
    public static final String SHA_ROOTFS = "b".repeat(64);
    static final long EB = 65536;

    private AttemptEvents() {
    }

    public static DeviceFacts facts(String model, String version) {
        return facts(model, version, "router-1");
    }

    public static DeviceFacts facts(String model, String version, String hostname) {
        return new DeviceFacts("13.2-RELEASE", 1302001, "mips", "mips", hostname, model, 128L << 20, 120L << 20, 4096,
                60L << 20, "ufs:/dev/map/rootfs", true, false, List.of(), Map.of("fetch", true), Map.of(), List.of(), EB,
                "flash/spi0", 8L << 20, List.of(new Partition("kernel", 0x20000, 0x100000, false, 0, EB)), List.of(),
                Optional.ofNullable(version));
    }

    public static ImageInfo imageInfo(String version) {
        return new ImageInfo(ImageInfo.Format.TPLINK, 1 << 20, Optional.empty(), Optional.of(version), Optional.empty(), false,
                List.of(), false);
    }

    public static FlashPlan plan() {
        return new FlashPlan(List.of("kernel", "rootfs"), 1 << 20, "c".repeat(64), EB, 0x20000, 0x7b0000, 1 << 20, "d".repeat(64),
                List.of());
    }

    /**
     * A whole successful attempt: 16 erase blocks of which 10 written, 6 already right, 1 MiB downloaded, the router
     * back on {@code newVersion}.
     */
    /**
     * Writes the files of {@link #succeeded}'s backup into {@code backupDir}, at their recorded sizes (sparse: no
     * bytes are written), as a complete backup on disk.
     */
    public static Path backupFiles(Path backupDir) throws java.io.IOException {
        java.nio.file.Files.createDirectories(backupDir);
        for (String[] f : new String[][] {{"kernel.bin", String.valueOf(1 << 20)}, {"rootfs.bin", String.valueOf(6 << 20)}}) {
            try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(backupDir.resolve(f[0]).toFile(), "rw")) {
                file.setLength(Long.parseLong(f[1]));
            }
        }
        return backupDir;
    }

    public static List<UpgradeEvent> succeeded(AttemptRef ref, Instant start, Path image, Path backupDir) {
        List<UpgradeEvent> e = new ArrayList<>();
        Clock t = new Clock(start);
        e.add(new UpgradeEvent.Started(ref, t.next(), image, List.of("kernel", "rootfs")));
        phase(e, ref, t, null, Phase.CONNECT);
        AttemptRef keyed = new AttemptRef(ref.attemptId(), ref.batchId(), ref.router().withHostKey("ecdsa-sha2-nistp256 SHA256:abc"));
        phase(e, keyed, t, Phase.CONNECT, Phase.UPLOAD_AGENT);
        phase(e, keyed, t, Phase.UPLOAD_AGENT, Phase.PROBE);
        e.add(new UpgradeEvent.Probed(keyed, t.next(), facts("TL-WDR3600\u202e", "11.0-r100")));
        phase(e, keyed, t, Phase.PROBE, Phase.PLAN);
        e.add(new UpgradeEvent.Planned(keyed, t.next(), plan(), Optional.of(imageInfo("11.0-r200")), false));
        phase(e, keyed, t, Phase.PLAN, Phase.BACKUP);
        e.add(new UpgradeEvent.Transfer(keyed, t.next(), Phase.BACKUP, "kernel", 1 << 20, 1 << 20, 0));
        e.add(new UpgradeEvent.BackedUp(keyed, t.next(), backupDir, List.of(
                new UpgradeEvent.PartitionBackup("kernel", backupDir.resolve("kernel.bin"), 1 << 20, SHA_KERNEL),
                new UpgradeEvent.PartitionBackup("rootfs", backupDir.resolve("rootfs.bin"), 6 << 20, SHA_ROOTFS))));
        phase(e, keyed, t, Phase.BACKUP, Phase.PREFLIGHT);
        phase(e, keyed, t, Phase.PREFLIGHT, Phase.DOWNLOAD);
        for (int i = 1; i <= 4; i++) {
            e.add(new UpgradeEvent.Transfer(keyed, t.next(), Phase.DOWNLOAD, "fw.bin", i * (1L << 18), 1 << 20, 1 << 20));
        }
        phase(e, keyed, t, Phase.DOWNLOAD, Phase.VERIFY_IMAGE);
        phase(e, keyed, t, Phase.VERIFY_IMAGE, Phase.STAGED);
        phase(e, keyed, t, Phase.STAGED, Phase.COMMIT);
        phase(e, keyed, t, Phase.COMMIT, Phase.FLASH);
        for (int b = 0; b < 16; b++) {
            e.add(new UpgradeEvent.BlockFlashed(keyed, t.next(), b, 16, b < 10 ? BlockAction.WRITTEN : BlockAction.SAME));
        }
        phase(e, keyed, t, Phase.FLASH, Phase.VERIFY_FLASH);
        phase(e, keyed, t, Phase.VERIFY_FLASH, Phase.REBOOT);
        phase(e, keyed, t, Phase.REBOOT, Phase.RETURN);
        e.add(new UpgradeEvent.Returned(keyed, t.next(), Optional.of("11.0-r200")));
        phase(e, keyed, t, Phase.RETURN, Phase.READ_BACK);
        e.add(new UpgradeEvent.Note(keyed, t.next(), Phase.READ_BACK, UpgradeEvent.Note.Level.INFO, "flash span matches the plan"));
        phase(e, keyed, t, Phase.READ_BACK, Phase.VERIFIED);
        Instant end = t.next();
        e.add(new UpgradeEvent.Finished(keyed, end, new UpgradeResult(keyed, Outcome.SUCCEEDED, Phase.VERIFIED, FailureCode.OK,
                "upgraded to 11.0-r200", Optional.of(plan()), Optional.of(backupDir), 10, 6, Optional.of(imageInfo("11.0-r200")), false,
                1 << 20, Duration.between(start, end))));
        return e;
    }

    /** An attempt that found the image already in the router's flash: nothing written, no reboot. */
    public static List<UpgradeEvent> alreadyUpToDate(AttemptRef ref, Instant start, Path image) {
        List<UpgradeEvent> e = new ArrayList<>();
        Clock t = new Clock(start);
        e.add(new UpgradeEvent.Started(ref, t.next(), image, List.of("kernel", "rootfs")));
        phase(e, ref, t, null, Phase.CONNECT);
        phase(e, ref, t, Phase.CONNECT, Phase.PROBE);
        e.add(new UpgradeEvent.Probed(ref, t.next(), facts("TL-WDR3600", "11.0-r200")));
        phase(e, ref, t, Phase.PROBE, Phase.PLAN);
        e.add(new UpgradeEvent.Planned(ref, t.next(), plan(), Optional.of(imageInfo("11.0-r200")), false));
        Instant end = t.next();
        e.add(new UpgradeEvent.Finished(ref, end, new UpgradeResult(ref, Outcome.SUCCEEDED, Phase.PLAN, FailureCode.UP_TO_DATE,
                "the image is already in the flash", Optional.of(plan()), Optional.empty(), 0, 16, Optional.of(imageInfo("11.0-r200")),
                false, 0, Duration.between(start, end))));
        return e;
    }

    /** An attempt that failed safe during the download: the router unreachable. */
    public static List<UpgradeEvent> failedInDownload(AttemptRef ref, Instant start, Path image) {
        List<UpgradeEvent> e = new ArrayList<>();
        Clock t = new Clock(start);
        e.add(new UpgradeEvent.Started(ref, t.next(), image, List.of("kernel", "rootfs")));
        phase(e, ref, t, null, Phase.CONNECT);
        phase(e, ref, t, Phase.CONNECT, Phase.DOWNLOAD);
        e.add(new UpgradeEvent.Transfer(ref, t.next(), Phase.DOWNLOAD, "fw.bin", 1 << 18, 1 << 20, 1 << 20));
        e.add(new UpgradeEvent.Note(ref, t.next(), Phase.DOWNLOAD, UpgradeEvent.Note.Level.WARNING,
                "download stopped\u001b[2J =cmd|' /C calc'!A0"));
        Instant end = t.next();
        e.add(new UpgradeEvent.Finished(ref, end, new UpgradeResult(ref, Outcome.FAILED_SAFE, Phase.DOWNLOAD, FailureCode.DOWNLOAD_FAILED,
                "The router stopped answering during the download.", Optional.empty(), Optional.empty(), -1, -1, Optional.empty(),
                false, 1 << 18, Duration.between(start, end))));
        return e;
    }

    public static AttemptRef ref(String attemptId, String batchId, String host, int port) {
        return new AttemptRef(attemptId, batchId, new RouterId(host, port, Optional.empty()));
    }

    private static void phase(List<UpgradeEvent> e, AttemptRef ref, Clock t, Phase from, Phase to) {
        e.add(new UpgradeEvent.PhaseChanged(ref, t.next(), from, to));
    }

    /** Event times one second apart. */
    private static final class Clock {
        private Instant now;

        Clock(Instant start) {
            now = start.minusSeconds(1);
        }

        Instant next() {
            now = now.plusSeconds(1);
            return now;
        }
    }
}

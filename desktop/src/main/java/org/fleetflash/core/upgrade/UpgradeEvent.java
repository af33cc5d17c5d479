package org.fleetflash.core.upgrade;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.fleetflash.agent.image.ImageInfo;
import org.fleetflash.agent.plan.FlashPlan;
import org.fleetflash.agent.protocol.DeviceFacts;

/**
 * What happens during an upgrade, as the history, the window and the command line see it. Every event names its
 * attempt ({@link AttemptRef}: attempt id, batch id, router identity) and the time it happened; the delivery
 * contract is on {@link UpgradeListener}.
 */
public sealed interface UpgradeEvent {

    AttemptRef attempt();

    Instant at();

    /** The router as {@code host:port}. */
    default String router() {
        return attempt().router().hostPort();
    }

    /** The attempt started: which image onto which layout. */
    record Started(AttemptRef attempt, Instant at, Path image, List<String> layout) implements UpgradeEvent {
        public Started {
            layout = List.copyOf(layout);
        }
    }

    /** The upgrade moved from one phase to the next ({@code from} is null for the first). */
    record PhaseChanged(AttemptRef attempt, Instant at, Phase from, Phase to) implements UpgradeEvent {
        public PhaseChanged {
            Objects.requireNonNull(to, "to");
        }
    }

    /** What the probe found: system, memory, tools, erase block and the partition table. */
    record Probed(AttemptRef attempt, Instant at, DeviceFacts facts) implements UpgradeEvent {
    }

    /**
     * The plan: where the image goes (span, segments, erase blocks), what the image was recognised as, and
     * whether the technician's {@code --force-image} set a check aside.
     */
    record Planned(AttemptRef attempt, Instant at, FlashPlan plan, Optional<ImageInfo> image, boolean imageForced)
            implements UpgradeEvent {
    }

    /** One partition's copy in a backup. */
    record PartitionBackup(String partition, Path file, long size, String sha256) {
    }

    /** The flash was copied to the laptop before anything was written. */
    record BackedUp(AttemptRef attempt, Instant at, Path directory, List<PartitionBackup> partitions)
            implements UpgradeEvent {
        public BackedUp {
            partitions = List.copyOf(partitions);
        }
    }

    /**
     * Bytes moved in a phase: the backup (per partition), the image's download to the router, the read-back.
     *
     * @param item           what is moving (a partition's name, the image's file name)
     * @param total          bytes to move; -1 when not known
     * @param bytesPerSecond the recent rate; 0 when not known
     */
    record Transfer(AttemptRef attempt, Instant at, Phase phase, String item, long bytes, long total, long bytesPerSecond)
            implements UpgradeEvent {
    }

    /** What the flasher did with one erase block. */
    enum BlockAction {
        /** It differed and was written (and read back by the flasher). */
        WRITTEN,
        /** It already held the image's bytes. */
        SAME,
        /** Writing it failed. */
        FAILED
    }

    /**
     * The flasher finished an erase block of the span (from the router's telemetry).
     *
     * @param block  the block's index in the span, from 0
     * @param blocks the span's erase blocks
     */
    record BlockFlashed(AttemptRef attempt, Instant at, long block, long blocks, BlockAction action) implements UpgradeEvent {
    }

    /** The router answered SSH again after the reroot; the firmware version it reports, when it does. */
    record Returned(AttemptRef attempt, Instant at, Optional<String> firmwareVersion) implements UpgradeEvent {
    }

    /** Something to read (a check's result, a warning), or the agent's own words for the transcript. */
    record Note(AttemptRef attempt, Instant at, Phase phase, Level level, String text) implements UpgradeEvent {
        /**
         * How much it matters: {@code DETAIL} is the agent's own log line, kept in the attempt's transcript (the
         * history) for understanding a failure afterwards, not shown while the upgrade runs.
         */
        public enum Level { INFO, WARNING, DETAIL }
    }

    /** The last event of an attempt, with its result. */
    record Finished(AttemptRef attempt, Instant at, UpgradeResult result) implements UpgradeEvent {
        public Finished {
            Objects.requireNonNull(result, "result");
        }
    }
}

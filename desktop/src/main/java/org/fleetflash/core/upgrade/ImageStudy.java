package org.fleetflash.core.upgrade;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fleetflash.agent.image.ImageInfo;
import org.fleetflash.agent.image.ImageInspector;
import org.fleetflash.agent.plan.FlashPlan;
import org.fleetflash.agent.plan.PlanRefusedException;
import org.fleetflash.agent.protocol.Partition;

/**
 * What the laptop learns from reading an image, once per batch instead of once per router: its recognised format
 * (headers, CRCs) and its plan onto a partition table (the digests of the image and of its padded form). Keyed by
 * the file's path, size and modification time, so an image that changes on disk is read again; and by the
 * partitions, since routers of one model share a plan.
 */
final class ImageStudy {

    private static final int MAX_ENTRIES = 64;

    private record FileKey(Path path, long size, long modified) {
        static FileKey of(Path image) throws IOException {
            BasicFileAttributes a = Files.readAttributes(image, BasicFileAttributes.class);
            return new FileKey(image.toAbsolutePath().normalize(), a.size(), a.lastModifiedTime().toMillis());
        }
    }

    private record PlanKey(FileKey file, List<Partition> partitions, List<String> layout, long eraseBlock) {
    }

    private final Map<FileKey, ImageInfo> inspected = lru();
    private final Map<PlanKey, FlashPlan> plans = lru();

    private static <K, V> Map<K, V> lru() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > MAX_ENTRIES;
            }
        };
    }

    /** What the image is, as {@link ImageInspector} recognises it. */
    synchronized ImageInfo inspect(Path image) throws IOException {
        FileKey key = FileKey.of(image);
        ImageInfo info = inspected.get(key);
        if (info == null) {
            info = ImageInspector.inspect(image);
            inspected.put(key, info);
        }
        return info;
    }

    /** The image planned onto {@code layout} of these partitions (see {@link FlashPlan#create}). */
    synchronized FlashPlan plan(Path image, List<Partition> partitions, List<String> layout, long eraseBlock)
            throws IOException, PlanRefusedException {
        PlanKey key = new PlanKey(FileKey.of(image), List.copyOf(partitions), List.copyOf(layout), eraseBlock);
        FlashPlan plan = plans.get(key);
        if (plan == null) {
            plan = FlashPlan.create(image, partitions, layout, eraseBlock);
            plans.put(key, plan);
        }
        return plan;
    }
}

package org.fleetflash.agent.protocol;

import java.util.Objects;

/**
 * One GEOM_MAP flash partition ({@code /dev/map/<name>}) as probed: where its data lies on the flash,
 * whether the kernel refuses writes to it, its hint index, the erase block of the chip under it, and its
 * {@code hint.map.N.start} value as the kernel read it ({@code search:START:STEP:KEY} when the kernel searched
 * for its start, a number when it is fixed; empty when the router sent no hints).
 */
public record Partition(String name, long offset, long size, boolean readonly, int index, long eraseBlock, String startHint) {

    public Partition {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || offset < 0 || size < 0 || index < 0 || eraseBlock < 0) {
            throw new IllegalArgumentException("invalid partition " + name + " offset " + offset + " size " + size
                    + " index " + index + " erase block " + eraseBlock);
        }
        Objects.requireNonNull(startHint, "startHint");
    }

    /** A partition whose start hint is unknown. */
    public Partition(String name, long offset, long size, boolean readonly, int index, long eraseBlock) {
        this(name, offset, size, readonly, index, eraseBlock, "");
    }

    /** The first byte after the partition. */
    public long end() {
        return offset + size;
    }
}

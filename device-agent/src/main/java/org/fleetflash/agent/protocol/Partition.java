package org.fleetflash.agent.protocol;

import java.util.Objects;

/**
 * One GEOM_MAP flash partition ({@code /dev/map/<name>}) as probed: where its data lies on the flash,
 * whether the kernel refuses writes to it, its hint index and the erase block of the chip under it.
 */
public record Partition(String name, long offset, long size, boolean readonly, int index, long eraseBlock) {

    public Partition {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || offset < 0 || size < 0 || index < 0 || eraseBlock < 0) {
            throw new IllegalArgumentException("invalid partition " + name + " offset " + offset + " size " + size
                    + " index " + index + " erase block " + eraseBlock);
        }
    }

    /** The first byte after the partition. */
    public long end() {
        return offset + size;
    }
}

package org.fleetflash.core.device;

/**
 * An upgrade's permission to have its router's host key re-pinned, from its commit until it ends: the new firmware
 * may bring new host keys ({@link HostKeyStore#allowRepin}). Closing it ends the permission; closing twice is harmless.
 */
@FunctionalInterface
public interface RepinPermit extends AutoCloseable {

    /** A permit that allows nothing (stores that never re-pin, and tests). */
    RepinPermit NONE = () -> { };

    @Override
    void close();
}

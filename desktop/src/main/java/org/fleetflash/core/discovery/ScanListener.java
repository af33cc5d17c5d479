package org.fleetflash.core.discovery;

/** Receives results while a scan runs, on the scan's own thread: return quickly and never block. */
@FunctionalInterface
public interface ScanListener {

    /** An open port with its identification; called once per open address:port, as soon as it is known. */
    void onHit(ScanHit hit);

    /** Progress after each batch of finished attempts; {@code done} of {@code total} connects. */
    default void onProgress(long done, long total) {
    }
}

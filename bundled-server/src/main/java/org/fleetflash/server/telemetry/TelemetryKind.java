package org.fleetflash.server.telemetry;

/** What a telemetry message reports; the wire form is the constant's name. */
public enum TelemetryKind {
    /** Reporting path test, sent before the reroot. */
    HELLO,
    /** The flasher started after the reroot; {@code blocks=N} erase blocks to go through. */
    BEGIN,
    /**
     * One erase block done: {@code block=I blocks=N action=written|same} (I counts from 1); with {@code from=F}
     * (1 &le; F &le; I) the blocks F to I were done together, all with that action.
     */
    PROGRESS,
    /** Read-back of the written partitions matched the image. */
    VERIFY_OK,
    /** Flashing finished; the router reboots next. */
    DONE,
    /** The flasher failed: {@code code=STABLE_CODE}, optional {@code text=...}. */
    ERROR
}

package org.fleetflash.core.discovery;

/** A scan request that FleetFlash will not run as given; the message says what to change. */
public class ScanRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    public ScanRefusedException(String message) {
        super(message);
    }
}

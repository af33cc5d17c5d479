package org.fleetflash.core.upgrade;

/** How one router's upgrade ended, as the technician standing next to it needs to know. */
public enum Outcome {
    /** The router came back and its flash holds the new image, checked byte for byte. */
    SUCCEEDED,
    /** Stopped before the reroot: the router runs its old firmware, exactly as it was. */
    FAILED_SAFE,
    /** After the reroot something did not check out: the router may need a console. */
    NEEDS_ATTENTION
}

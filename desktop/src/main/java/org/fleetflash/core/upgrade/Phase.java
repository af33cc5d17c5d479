package org.fleetflash.core.upgrade;

/**
 * The phases of one router's upgrade, in order. Everything before {@link #COMMIT} leaves the router as
 * it was when it fails; from {@code COMMIT} on the router cannot be stopped.
 */
public enum Phase {
    /** Opening the SSH session (host key pinned). */
    CONNECT,
    /** Uploading and verifying the agent. */
    UPLOAD_AGENT,
    /** Reading the router's facts. */
    PROBE,
    /** Planning the image onto the layout and checking it fits (nothing sent yet). */
    PLAN,
    /** Copying every partition to the laptop, so a console restore is possible. */
    BACKUP,
    /** The router's own pre-flight: tmpfs, tools, RAM, read-only hints; then the memory disk. */
    PREFLIGHT,
    /** The image travels into the router's memory disk. */
    DOWNLOAD,
    /** The staged image is checked (size, SHA-256) and the reroot root built and mount-tested. */
    VERIFY_IMAGE,
    /** Everything is in RAM; the next step is the point of no return. */
    STAGED,
    /** Rerooting into the memory disk: the point of no return. */
    COMMIT,
    /** The flasher writes the changed erase blocks (telemetry, no SSH). */
    FLASH,
    /** The flasher's own read-back of the written blocks. */
    VERIFY_FLASH,
    /** The router reboots into the new firmware. */
    REBOOT,
    /** Waiting for the router to answer SSH again. */
    RETURN,
    /** Reading the layout's span back from the returned router and comparing it with the plan. */
    READ_BACK,
    /** The flash contents on the returned router were read back and match the plan. */
    VERIFIED;

    /** Whether a failure in this phase may have changed the router (console may be needed). */
    public boolean pastPointOfNoReturn() {
        return compareTo(COMMIT) >= 0;
    }
}

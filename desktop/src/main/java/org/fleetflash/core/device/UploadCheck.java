package org.fleetflash.core.device;

/** How an upload was verified on the router. */
public enum UploadCheck {
    /** {@code sha256 -q} on the router compared with the local SHA-256. */
    REMOTE_SHA256("router's sha256 -q compared with the local SHA-256"),
    /** No sha256 on the router: the file was read back with {@code cat} and compared here. */
    READ_BACK("file read back with cat and compared here");

    private final String description;

    UploadCheck(String description) {
        this.description = description;
    }

    /** A phrase for messages and reports. */
    public String description() {
        return description;
    }
}

package org.fleetflash.core.device;

/** An uploaded file arrived, but its contents on the router differ from what was sent. */
public final class UploadVerificationException extends DeviceException {

    public UploadVerificationException(SshTarget target, String remotePath, UploadCheck check, String expected, String actual) {
        super(target, "The file " + remotePath + " on router " + target + " is not what was sent (" + check.description()
                + "): expected " + expected + ", found " + actual + ". Retry the upload; if it fails again, check the "
                + "router's free space and memory.", null);
    }
}

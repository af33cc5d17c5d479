package org.fleetflash.core.device;

/**
 * A verified upload.
 *
 * @param sha256 lowercase hex SHA-256 of the content
 * @param check  how the router's copy was verified
 */
public record UploadResult(String remotePath, long size, String sha256, UploadCheck check) {
}

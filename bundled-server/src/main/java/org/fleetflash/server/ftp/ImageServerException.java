package org.fleetflash.server.ftp;

import java.io.IOException;

/** The image server could not start or could not publish an image; the message says what to do. */
public class ImageServerException extends IOException {
    private static final long serialVersionUID = 1L;

    public ImageServerException(String message) {
        super(message);
    }

    public ImageServerException(String message, Throwable cause) {
        super(message, cause);
    }
}

package org.fleetflash.server.ftp;

import java.net.URI;
import java.util.Objects;

/**
 * One image published under its own random read-only FTP account.
 * The password is not part of {@link #url()} (give it to the router as {@code FTP_PASSWORD})
 * and {@link #toString()} hides it.
 *
 * @param url      {@code ftp://user@host:port/name}
 * @param user     random account name
 * @param password random password (128 bits, hex)
 * @param name     file name of the image on the server
 * @param size     image size in bytes
 * @param sha256   lowercase hex SHA-256 of the served bytes
 */
public record Publication(URI url, String user, String password, String name, long size, String sha256) {

    public Publication {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sha256, "sha256");
    }

    /** The URL with the password in it, for clients that take credentials only from the URL (curl, wget). */
    public URI urlWithPassword() {
        String hostPart = url.getRawAuthority().substring(url.getRawAuthority().indexOf('@') + 1);
        return URI.create(url.getScheme() + "://" + user + ":" + password + "@" + hostPart + url.getRawPath());
    }

    @Override
    public String toString() {
        return "Publication[url=" + url + ", size=" + size + ", sha256=" + sha256 + "]";
    }
}

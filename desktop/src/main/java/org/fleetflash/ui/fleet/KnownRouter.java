package org.fleetflash.ui.fleet;

import java.util.Objects;
import java.util.Optional;
import org.fleetflash.core.device.SshTarget;

/**
 * A router the window knows before any probe: one of the demo fleet (with the credentials the demo printed and its
 * injected fault, if any) or one the technician added.
 *
 * @param name     what the router is called ({@code tl-wdr3600-01}), empty if unknown
 * @param target   where it answers SSH
 * @param user     the demo's user, to pre-fill the login dialog
 * @param password the demo's password, to pre-fill the login dialog (demo routers only: nothing real)
 * @param note     what is special about it, e.g. a demo fault ("returns 40 s late after a reboot")
 */
public record KnownRouter(String name, SshTarget target, Optional<String> user, Optional<String> password, Optional<String> note) {
    public KnownRouter {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(note, "note");
    }

    /** A router known only by its address. */
    public static KnownRouter at(SshTarget target) {
        return new KnownRouter("", target, Optional.empty(), Optional.empty(), Optional.empty());
    }
}

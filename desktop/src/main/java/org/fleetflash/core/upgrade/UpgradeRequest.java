package org.fleetflash.core.upgrade;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.fleetflash.core.device.Credentials;
import org.fleetflash.core.device.HostKeyStore;
import org.fleetflash.core.device.SshOptions;
import org.fleetflash.core.device.SshTarget;

/**
 * One router to upgrade and how.
 *
 * @param bind           the laptop address the router downloads from and reports to; empty = the local
 *                       address of the SSH connection to that router
 * @param transport      how the image reaches the router
 * @param returnTimeout  how long to wait for the router to answer SSH again after the reroot
 * @param backupDir      where the partition backups go (a sub-directory per attempt)
 * @param reflash        write the image even when the flash already holds it byte for byte
 * @param forceImage     the technician's expert override for an image that is not recognised as one for this
 *                       router (never for a corrupt header or another architecture)
 */
public record UpgradeRequest(SshTarget target, Credentials credentials, SshOptions ssh, HostKeyStore hostKeys,
        Path image, List<String> layout, Optional<InetAddress> bind, Transport transport, Duration returnTimeout,
        Path backupDir, boolean reflash, boolean forceImage) {

    /** How the image reaches the router's memory disk. */
    public enum Transport {
        /** {@code fetch} from the laptop's FTP server where the router has fetch, else over SSH. */
        AUTO,
        /** Always {@code fetch} from the laptop's FTP server. */
        FTP,
        /** Always streamed over the SSH session ({@code cat >}). */
        SSH
    }

    public static final Duration DEFAULT_RETURN_TIMEOUT = Duration.ofMinutes(10);

    public UpgradeRequest {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(ssh, "ssh");
        Objects.requireNonNull(hostKeys, "hostKeys");
        Objects.requireNonNull(image, "image");
        layout = List.copyOf(layout);
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(returnTimeout, "returnTimeout");
        Objects.requireNonNull(backupDir, "backupDir");
        if (returnTimeout.isNegative() || returnTimeout.isZero()) {
            throw new IllegalArgumentException("The return timeout must be positive, not " + returnTimeout);
        }
    }

    /** A request with the defaults: no reflash of an image already there, no forced image. */
    public UpgradeRequest(SshTarget target, Credentials credentials, SshOptions ssh, HostKeyStore hostKeys,
            Path image, List<String> layout, Optional<InetAddress> bind, Transport transport, Duration returnTimeout,
            Path backupDir) {
        this(target, credentials, ssh, hostKeys, image, layout, bind, transport, returnTimeout, backupDir, false, false);
    }

    /** This request with {@code reflash} set. */
    public UpgradeRequest withReflash(boolean value) {
        return new UpgradeRequest(target, credentials, ssh, hostKeys, image, layout, bind, transport, returnTimeout, backupDir,
                value, forceImage);
    }

    /** This request with {@code forceImage} set. */
    public UpgradeRequest withForceImage(boolean value) {
        return new UpgradeRequest(target, credentials, ssh, hostKeys, image, layout, bind, transport, returnTimeout, backupDir,
                reflash, value);
    }
}

package org.fleetflash.core.upgrade;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.fleetflash.agent.image.Finding;
import org.fleetflash.agent.plan.PlanRefusedException;
import org.fleetflash.core.device.AuthenticationFailedException;
import org.fleetflash.core.device.CommandTimeoutException;
import org.fleetflash.core.device.CredentialsUnusableException;
import org.fleetflash.core.device.DeviceException;
import org.fleetflash.core.device.DeviceUnreachableException;
import org.fleetflash.core.device.HostKeyChangedException;
import org.fleetflash.core.device.HostKeyUnknownException;
import org.fleetflash.core.device.LegacyAlgorithmsRefusedException;
import org.fleetflash.core.device.NotSshException;
import org.fleetflash.core.device.RemoteCommandFailedException;
import org.fleetflash.core.device.SshHandshakeException;
import org.fleetflash.core.device.UploadVerificationException;

/**
 * Why an upgrade ended as it did: one stable code per reason, kept by the history and shown by every front end
 * (documented in {@code docs/failure-codes.md}). The names are part of FleetFlash's interface: a constant may be
 * added, never renamed. The agent's own error codes are constants here too; a code the agent sends that this
 * version does not know becomes {@link #AGENT_ERROR}, with the agent's words in the message.
 */
public enum FailureCode {
    // ---- success ----
    /** Upgraded and checked byte for byte after the return. */
    OK,
    /** The flash already held the image; nothing was staged and the router was not rebooted. */
    UP_TO_DATE,

    // ---- the technician ----
    /** Cancelled before the reroot (or, in a cancelled batch, before it started); what was made on it was undone. */
    CANCELLED,
    /** The batch stopped before this router started: the canary wave failed or the failure budget was reached. */
    NOT_STARTED,
    /** The batch stopped this router at STAGED, before its reroot, and undid the staging (stage-all-first). */
    BATCH_HALTED,

    // ---- reaching and logging in ----
    /** No answer, refused, no route, or the port does not speak SSH. */
    UNREACHABLE,
    /** Wrong user, password or key. */
    AUTHENTICATION_FAILED,
    /** The key file cannot be read or decrypted. */
    CREDENTIALS_UNUSABLE,
    /** The router's host key differs from the pinned one. */
    HOST_KEY_CHANGED,
    /** First contact with a router whose key is not pinned, without permission to pin it. */
    HOST_KEY_UNKNOWN,
    /** SSH spoken, but the key exchange failed. */
    SSH_HANDSHAKE,
    /** The router offers only legacy SSH algorithms, not allowed for it. */
    LEGACY_ALGORITHMS_REFUSED,
    /** A command on the router did not end within its deadline. */
    COMMAND_TIMEOUT,
    /** A command on the router failed in a way the engine did not expect. */
    REMOTE_COMMAND_FAILED,
    /** The agent arrived damaged on the router. */
    UPLOAD_VERIFICATION,

    // ---- probe and plan (nothing sent yet) ----
    /** The probe's output could not be understood. */
    PROBE_FAILED,
    /** The router cannot mount a tmpfs, which the reroot needs. */
    NO_TMPFS,
    /** The layout names no partition. */
    EMPTY_LAYOUT,
    /** The layout names a partition the router does not have. */
    UNKNOWN_PARTITION,
    /** The layout names a partition twice. */
    DUPLICATE_PARTITION,
    /** The layout's partitions are not next to each other in the flash. */
    NOT_CONTIGUOUS,
    /** A layout partition is read-only. */
    READONLY_PARTITION,
    /** The router did not tell its erase block size. */
    NO_ERASE_BLOCK,
    /** A layout partition does not start or end on an erase block boundary. */
    MISALIGNED_PARTITION,
    /** The image file is empty. */
    EMPTY_IMAGE,
    /** The image is larger than the layout's span. */
    IMAGE_TOO_LARGE,
    /** The image file cannot be read on the laptop. */
    IMAGE_UNREADABLE,
    /** Not a recognised firmware image. */
    NOT_FIRMWARE,
    /** A header claims more bytes than the image has. */
    TRUNCATED,
    /** The kernel header's CRC is wrong. */
    HEADER_CRC,
    /** The kernel data does not match its CRC. */
    DATA_CRC,
    /** The kernel is built for another CPU family. */
    WRONG_ARCH,
    /** The U-Boot image is not a kernel. */
    NOT_A_KERNEL,
    /** No root file system where the router's kernel will look for it. */
    NO_ROOT,
    /** The image is for another model. */
    WRONG_MODEL,
    /** The backup of the flash to the laptop failed. */
    BACKUP_FAILED,

    // ---- the agent on the router, before the reroot ----
    /** Another upgrade of this router holds it. */
    BUSY,
    /** The agent could not claim the router. */
    CLAIM_FAILED,
    /** A step was run without the claim of this attempt. */
    NOT_CLAIMED,
    /** A step found no stage configuration. */
    NO_CONF,
    /** The router's kernel has no sysctl the agent needs. */
    NO_SYSCTL,
    /** The router has no GEOM partition table the agent can read. */
    NO_GEOM,
    /** The router's model could not be read. */
    NO_MODEL,
    /** The router's FreeBSD version could not be read. */
    NO_OSRELDATE,
    /** The router's FreeBSD is older than 10.3 and cannot reroot. */
    NO_REROOT,
    /** A tool the agent needs is missing on the router. */
    TOOL_MISSING,
    /** Not enough free RAM for the memory disk. */
    NO_RAM,
    /** Memory ran out while staging. */
    NO_MEMORY,
    /** The memory disk could not be made. */
    MD_FAILED,
    /** The file system on the memory disk could not be made. */
    NEWFS_FAILED,
    /** The memory disk could not be mounted. */
    MOUNT_FAILED,
    /** The router could not download the image. */
    DOWNLOAD_FAILED,
    /** The staged image has another size than the image. */
    SIZE_MISMATCH,
    /** The staged image has another SHA-256 than the image. */
    DIGEST_MISMATCH,
    /** The staged image changed after it was sealed. */
    IMAGE_CHANGED,
    /** The stage configuration does not match the router's flash. */
    PLAN_MISMATCH,
    /** The reroot root on the memory disk failed its mount test. */
    ROOT_CHECK_FAILED,
    /** A step was run on a router that is not staged. */
    NOT_STAGED,
    /** The router's kernel marks a layout partition read-only. */
    READONLY,
    /** No scratch space for the flasher. */
    NO_SCRATCH,
    /** The agent ended without reporting its result. */
    AGENT_DIED,
    /** The agent refused how it was called (a FleetFlash defect). */
    USAGE,
    /** Identify (not an upgrade): the router has no LED to blink. */
    NO_LED,
    /** Identify (not an upgrade): the router's LED could not be set. */
    LED_FAILED,
    /** The agent reported an error code this version of FleetFlash does not know. */
    AGENT_ERROR,
    /** The image server or the telemetry receiver on the laptop could not be used. */
    LAPTOP_SERVICE_FAILED,

    // ---- the commit ----
    /** Another attempt is committing this router right now. */
    COMMITTING,
    /** The router's watchdog could not be stopped. */
    WATCHDOG_STUCK,
    /** The root pointer could not be set. */
    KENV_FAILED,
    /** {@code reboot -r} failed; the agent put everything back. */
    REROOT_FAILED,
    /** The commit did not finish within its deadline on the router. */
    COMMIT_TIMEOUT,
    /** The commit ended on the router without rerooting it. */
    COMMIT_LOST,
    /** The commit was interrupted on the router before the reroot. */
    COMMIT_INTERRUPTED,
    /** The agent could not remove what it made. */
    CLEANUP_FAILED,

    // ---- after the reroot ----
    /** The flasher could not write an erase block. */
    WRITE_FAILED,
    /** The router did not answer SSH within the return window. */
    NO_RETURN,
    /** The returned router's partitions are not where the plan wrote the image. */
    LAYOUT_CHANGED,
    /** The returned router's flash does not hold the image. */
    FLASH_MISMATCH,
    /** The returned router's flash could not be read back. */
    VERIFY_FAILED,
    /** The router could not compute the digest of its flash span for the read-back (the agent's {@code digest}). */
    READ_FAILED,
    /** FleetFlash was stopped while it waited for the router. */
    INTERRUPTED,
    /** A step did not end within its deadline. */
    DEADLINE,

    // ---- FleetFlash itself ----
    /**
     * FleetFlash itself ended during the attempt (killed, crashed, power cut); {@code fleetflash resume} judged the
     * router from its flash afterwards (the outcome says what it found).
     */
    PROCESS_DIED,
    /** FleetFlash failed unexpectedly (a defect: the log has the details). */
    INTERNAL;

    private static final Map<String, FailureCode> BY_NAME = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(Enum::name, Function.identity()));

    /**
     * Whether a router that ended with this code before its reroot may well succeed if tried again as it is (a
     * network hiccup, a busy router, a cut download), as opposed to a refusal that would repeat.
     */
    public boolean passing() {
        return switch (this) {
            case UNREACHABLE, SSH_HANDSHAKE, COMMAND_TIMEOUT, REMOTE_COMMAND_FAILED, UPLOAD_VERIFICATION, BACKUP_FAILED,
                    BUSY, DOWNLOAD_FAILED, SIZE_MISMATCH, DIGEST_MISMATCH, AGENT_DIED, LAPTOP_SERVICE_FAILED, DEADLINE -> true;
            default -> false;
        };
    }

    /** Whether this code means the upgrade did what was asked. */
    public boolean success() {
        return this == OK || this == UP_TO_DATE;
    }

    /** The code of an error line of the agent; {@link #AGENT_ERROR} for a code this version does not know. */
    public static FailureCode fromAgent(String agentCode) {
        FailureCode c = BY_NAME.get(agentCode == null ? "" : agentCode.toUpperCase(Locale.ROOT));
        return c == null || c == OK || c == UP_TO_DATE ? AGENT_ERROR : c;
    }

    /** The code of a refused plan. */
    public static FailureCode of(PlanRefusedException.Reason reason) {
        return switch (reason) {
            case EMPTY_LAYOUT -> EMPTY_LAYOUT;
            case UNKNOWN_PARTITION -> UNKNOWN_PARTITION;
            case DUPLICATE_PARTITION -> DUPLICATE_PARTITION;
            case NOT_CONTIGUOUS -> NOT_CONTIGUOUS;
            case READONLY_PARTITION -> READONLY_PARTITION;
            case NO_ERASE_BLOCK -> NO_ERASE_BLOCK;
            case MISALIGNED_PARTITION -> MISALIGNED_PARTITION;
            case EMPTY_IMAGE -> EMPTY_IMAGE;
            case IMAGE_TOO_LARGE -> IMAGE_TOO_LARGE;
        };
    }

    /** The code of an image check that refused the image. */
    public static FailureCode of(Finding.Code code) {
        return switch (code) {
            case NOT_FIRMWARE -> NOT_FIRMWARE;
            case TRUNCATED -> TRUNCATED;
            case HEADER_CRC -> HEADER_CRC;
            case DATA_CRC -> DATA_CRC;
            case WRONG_ARCH -> WRONG_ARCH;
            case NOT_A_KERNEL -> NOT_A_KERNEL;
            case NO_ROOT -> NO_ROOT;
            case WRONG_MODEL -> WRONG_MODEL;
        };
    }

    /** The code of a failure to reach, log in to, or run a command on a router. */
    public static FailureCode of(DeviceException e) {
        if (e instanceof DeviceUnreachableException || e instanceof NotSshException) {
            return UNREACHABLE;
        } else if (e instanceof AuthenticationFailedException) {
            return AUTHENTICATION_FAILED;
        } else if (e instanceof CredentialsUnusableException) {
            return CREDENTIALS_UNUSABLE;
        } else if (e instanceof HostKeyChangedException) {
            return HOST_KEY_CHANGED;
        } else if (e instanceof HostKeyUnknownException) {
            return HOST_KEY_UNKNOWN;
        } else if (e instanceof SshHandshakeException) {
            return SSH_HANDSHAKE;
        } else if (e instanceof LegacyAlgorithmsRefusedException) {
            return LEGACY_ALGORITHMS_REFUSED;
        } else if (e instanceof CommandTimeoutException) {
            return COMMAND_TIMEOUT;
        } else if (e instanceof UploadVerificationException) {
            return UPLOAD_VERIFICATION;
        } else if (e instanceof RemoteCommandFailedException) {
            return REMOTE_COMMAND_FAILED;
        }
        return REMOTE_COMMAND_FAILED;
    }
}

package org.fleetflash.core.device;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Locale;

/** The router could not be reached over TCP, or the connection dropped; {@link #reason()} says which. */
public final class DeviceUnreachableException extends DeviceException {

    /** Why the router could not be reached. */
    public enum Reason {
        /** Something answered "connection refused": nothing listens on that port. */
        REFUSED,
        /** The network has no route to the address. */
        NO_ROUTE,
        /** Nothing answered within the deadline. */
        TIMED_OUT,
        /** The host name does not resolve. */
        UNKNOWN_HOST,
        /** An established connection broke. */
        CONNECTION_LOST,
        /** Any other network error. */
        NETWORK_ERROR
    }

    private final Reason reason;

    public DeviceUnreachableException(SshTarget target, Reason reason, String message, Throwable cause) {
        super(target, message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** The router did not answer within {@code timeout} while {@code doing} (e.g. "connecting"). */
    static DeviceUnreachableException timedOut(SshTarget target, String doing, Duration timeout) {
        return new DeviceUnreachableException(target, Reason.TIMED_OUT,
                "Router " + target + " did not answer within " + Durations.human(timeout) + " while " + doing
                        + ": check that it is powered on and on this network (ping it), and that no firewall drops port "
                        + target.port() + ".", null);
    }

    /** The SSH connection to the router broke while {@code doing}. */
    static DeviceUnreachableException connectionLost(SshTarget target, String doing, Throwable cause) {
        return new DeviceUnreachableException(target, Reason.CONNECTION_LOST,
                "The connection to router " + target + " dropped while " + doing
                        + ": check that the router is still powered and on the network, then retry.", cause);
    }

    /** Turns a failed TCP connect into the matching reason and sentence. */
    static DeviceUnreachableException classify(SshTarget target, Throwable failure, Duration connectTimeout) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (t instanceof NoRouteToHostException || t instanceof PortUnreachableException || m.contains("no route to host")
                    || m.contains("network is unreachable") || m.contains("host is unreachable")) {
                return new DeviceUnreachableException(target, Reason.NO_ROUTE, "There is no network route to router " + target
                        + ": check that this computer is on the router's network (cable, Wi-Fi, IP address and netmask).", failure);
            }
            if (t instanceof ConnectException || m.contains("connection refused")) {
                return new DeviceUnreachableException(target, Reason.REFUSED, "Router " + target.host() + " refused the connection on port "
                        + target.port() + ": nothing listens there. Check the address and port, and that sshd runs on the router.", failure);
            }
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return new DeviceUnreachableException(target, Reason.UNKNOWN_HOST, "The router name '" + target.host()
                        + "' does not resolve: check the spelling, or use the router's IP address.", failure);
            }
            if (t instanceof SocketTimeoutException || t instanceof InterruptedByTimeoutException || m.contains("timed out")) {
                return timedOut(target, "connecting", connectTimeout);
            }
        }
        return new DeviceUnreachableException(target, Reason.NETWORK_ERROR, "Cannot connect to router " + target + " ("
                + failure + "): check the network and the address.", failure);
    }
}

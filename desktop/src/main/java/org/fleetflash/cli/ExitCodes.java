package org.fleetflash.cli;

import org.fleetflash.core.device.AuthenticationFailedException;
import org.fleetflash.core.device.DeviceException;
import org.fleetflash.core.device.DeviceUnreachableException;
import org.fleetflash.core.device.HostKeyChangedException;
import org.fleetflash.core.device.HostKeyUnknownException;
import org.fleetflash.core.device.NotSshException;

/** Exit statuses of the commands that talk to routers, so scripts can tell failures apart. */
final class ExitCodes {
    static final int OK = 0;
    static final int OTHER = 1;
    static final int USAGE = 2;
    static final int UNREACHABLE = 3;
    static final int AUTH = 4;
    static final int HOST_KEY = 5;
    static final int PROBE_FAILED = 6;

    private ExitCodes() {
    }

    static int of(DeviceException e) {
        if (e instanceof DeviceUnreachableException || e instanceof NotSshException) {
            return UNREACHABLE;
        }
        if (e instanceof AuthenticationFailedException) {
            return AUTH;
        }
        if (e instanceof HostKeyChangedException || e instanceof HostKeyUnknownException) {
            return HOST_KEY;
        }
        return OTHER;
    }
}

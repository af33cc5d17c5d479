package org.fleetflash.ui.fleet;

import org.fleetflash.agent.protocol.DeviceFacts;
import org.fleetflash.core.device.Credentials;
import org.fleetflash.core.device.SshTarget;

/** Reads one router's facts (slow: SSH and the agent); the window's probe action calls it on a background thread. */
@FunctionalInterface
public interface RouterProber {

    /**
     * Probes {@code target}.
     *
     * @param trustNewHostKey pin the router's host key if none is pinned yet (a changed key is always refused)
     */
    DeviceFacts probe(SshTarget target, Credentials credentials, boolean trustNewHostKey) throws Exception;
}

package org.fleetflash.core.discovery;

/** What the first line an open port sent says about the device behind it. */
public enum SshGuess {
    /** FreeBSD's base OpenSSH ({@code SSH-2.0-OpenSSH_7.2 FreeBSD-20160310}): a candidate router. */
    FREEBSD("freebsd"),
    /** OpenSSH on some other system (Linux distributions, OpenBSD, portable builds). */
    OPENSSH("openssh"),
    /** Dropbear, the SSH server of OpenWrt and many embedded Linux devices. */
    DROPBEAR("dropbear"),
    /** Speaks SSH, but neither OpenSSH nor dropbear. */
    OTHER_SSH("other-ssh"),
    /** Open, but what it sent (or its silence until the deadline) is not an SSH identification line. */
    NOT_SSH("not-ssh");

    private final String label;

    SshGuess(String label) {
        this.label = label;
    }

    /** Stable lower-case name for JSON and scripts. */
    public String label() {
        return label;
    }

    public boolean isSsh() {
        return this != NOT_SSH;
    }
}

package org.fleetflash.cli;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Checks an address the technician gives for the laptop's side ({@code --bind}): a literal address of this machine. */
final class LocalAddresses {

    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f]{0,4}(:[0-9A-Fa-f]{0,4}){2,7}");

    private LocalAddresses() {
    }

    /**
     * The address {@code text} names, if it is an IP literal (never a name: nothing is sent to a resolver) that one
     * of this machine's interfaces holds; a wildcard or multicast address is refused, since a router can neither
     * download from nor report to it.
     *
     * @throws ParameterException with a sentence that says what to give instead
     */
    static InetAddress parseLocal(String text, CommandSpec spec) {
        String s = text.strip();
        if (!IPV4.matcher(s).matches() && !IPV6.matcher(s).matches()) {
            throw new ParameterException(spec.commandLine(), "--bind needs an IP address of this laptop (e.g. 192.0.2.10), not '"
                    + text + "'.");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(s); // a literal: parsed, not resolved
        } catch (UnknownHostException e) {
            throw new ParameterException(spec.commandLine(), "--bind: '" + text + "' is not an IP address.");
        }
        if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
            throw new ParameterException(spec.commandLine(), "--bind " + text + " is a wildcard or multicast address; the routers"
                    + " download from and report to the address given here, so give the laptop's address on the routers'"
                    + " network (or leave --bind out to use the address of each SSH connection).");
        }
        try {
            if (NetworkInterface.getByInetAddress(address) == null) {
                throw new ParameterException(spec.commandLine(), "--bind " + text + " is not an address of this laptop; give one"
                        + " its network interfaces hold (see 'ip addr'), or leave --bind out.");
            }
        } catch (SocketException e) {
            throw new ParameterException(spec.commandLine(), "--bind: cannot list this laptop's addresses: " + e.getMessage());
        }
        return address;
    }
}

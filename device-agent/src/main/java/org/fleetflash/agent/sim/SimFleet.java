package org.fleetflash.agent.sim;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Several simulated routers of one profile on consecutive loopback addresses (or consecutive ports of
 * one address), named {@code <profile>-01}, {@code <profile>-02}, ...
 */
public final class SimFleet implements AutoCloseable {

    /** The most routers one fleet starts; a bound on the loop, and more than a laptop demo needs. */
    public static final int MAX_ROUTERS = 254;

    /** Which part of the endpoint changes from one router to the next. */
    public enum Vary { ADDRESS, PORT }

    /** How to start a fleet. */
    public record Spec(Profile profile, Shell shell, int count, String firstAddress, int port, Vary vary,
            Optional<String> password, Optional<Path> authorizedKeys) {
        public Spec {
            if (count < 1 || count > MAX_ROUTERS) {
                throw new IllegalArgumentException("--count must be between 1 and " + MAX_ROUTERS + ", not " + count);
            }
            if (vary == Vary.PORT && port == 0) {
                throw new IllegalArgumentException("Consecutive ports need a first port (--port), not 0");
            }
            if (vary == Vary.PORT && port + count - 1 > 65535) {
                throw new IllegalArgumentException("Ports " + port + ".." + (port + count - 1) + " go past 65535");
            }
        }
    }

    private final List<SimRouter> routers;

    private SimFleet(List<SimRouter> routers) {
        this.routers = List.copyOf(routers);
    }

    /** Starts every router of the spec; if one cannot start, those already started are stopped again. */
    public static SimFleet start(Path stateDir, Spec spec) throws IOException {
        List<SimRouter> started = new ArrayList<>();
        try {
            for (int i = 0; i < spec.count(); i++) {
                String address = spec.vary() == Vary.ADDRESS ? loopbackPlus(spec.firstAddress(), i) : spec.firstAddress();
                int port = spec.vary() == Vary.PORT ? spec.port() + i : spec.port();
                String name = String.format("%s-%02d", spec.profile().name(), i + 1);
                started.add(SimRouter.start(stateDir, new SimRouter.Options(name, spec.profile(), spec.shell(),
                        address, port, spec.password(), spec.authorizedKeys())));
            }
        } catch (IOException | RuntimeException e) {
            closeAll(started, e);
            throw e;
        }
        return new SimFleet(started);
    }

    /** The address {@code n} after {@code first}, refusing to leave 127.0.0.0/8. */
    static String loopbackPlus(String first, int n) {
        if (!SimSshServer.isLoopback(first)) {
            throw new IllegalArgumentException("Simulated routers live on loopback (127.0.0.0/8), not " + first);
        }
        try {
            InetAddress a = InetAddress.getByName(first);
            if (!(a instanceof Inet4Address)) {
                throw new IllegalArgumentException("Consecutive addresses need an IPv4 loopback address, not " + first);
            }
            byte[] b = a.getAddress();
            long v = ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
            long w = v + n;
            if ((w >>> 24) != 127 || w == 0x7fffffffL) {
                throw new IllegalArgumentException("Address " + first + " + " + n + " leaves 127.0.0.0/8");
            }
            return ((w >>> 24) & 0xff) + "." + ((w >>> 16) & 0xff) + "." + ((w >>> 8) & 0xff) + "." + (w & 0xff);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("Not an address: " + first, e);
        }
    }

    public List<SimRouter> routers() {
        return routers;
    }

    @Override
    public void close() throws IOException {
        closeAll(routers, null);
    }

    private static void closeAll(List<SimRouter> routers, Exception primary) throws IOException {
        IOException first = null;
        for (SimRouter r : routers) {
            try {
                r.close();
            } catch (IOException e) {
                if (primary != null) {
                    primary.addSuppressed(e);
                } else if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}

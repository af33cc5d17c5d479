package org.fleetflash.demo;

import java.io.IOException;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.fleetflash.agent.sim.Faults;
import org.fleetflash.agent.sim.Profile;
import org.fleetflash.agent.sim.Shell;
import org.fleetflash.agent.sim.SimFleet;
import org.fleetflash.agent.sim.SimRouter;

/**
 * The demo fleet of {@code fleetflash demo}: simulated routers of every built-in profile on consecutive loopback
 * addresses from {@value #FIRST_ADDRESS}, each on the same port ({@value #PORT} unless asked otherwise), so the
 * addresses are the same at every start and the user guide's commands work as printed. Two routers carry a fault
 * that shows what FleetFlash does when a router misbehaves.
 */
public final class DemoFleet implements AutoCloseable {

    /** The first router's address; the others follow it (127.0.3.2, 127.0.3.3, ...). */
    public static final String FIRST_ADDRESS = "127.0.3.1";
    /** Every demo router's SSH port: a fixed high port, since port 22 needs root. */
    public static final int PORT = 2222;
    /** How many routers of the first profile (the TL-WDR3600, the router the project was built for). */
    static final int MAIN_PROFILE_COUNT = 3;
    static final String MAIN_PROFILE = "tl-wdr3600";
    /** Free RAM pages the "too little RAM" router loses when the upgrade makes its memory disk (of about 18,900). */
    static final long RAM_TAKEN_PAGES = 18_000;
    /** How much later than normal the "slow return" router answers after a reboot. */
    static final Duration SLOW_RETURN = Duration.ofSeconds(30);

    /** One demo router as the demo prints it, with its fault, if it has one. */
    public record Member(SimRouter router, Optional<String> fault) {
        /** {@code name address:port user password}, then the fault after a {@code #}. */
        public String describe() {
            return router.describe() + fault.map(f -> "  # " + f).orElse("");
        }
    }

    private final List<SimFleet> fleets;
    private final List<Member> members;

    private DemoFleet(List<SimFleet> fleets, List<Member> members) {
        this.fleets = List.copyOf(fleets);
        this.members = List.copyOf(members);
    }

    /** Starts the demo fleet on {@value #FIRST_ADDRESS} and up, port {@value #PORT}. */
    public static DemoFleet start(Path stateDir) throws IOException {
        return start(stateDir, FIRST_ADDRESS, PORT);
    }

    /**
     * Starts the demo fleet with its state (flash, host keys) under {@code stateDir}: three TL-WDR3600 (the second one
     * returns late after a reboot, the third has too little RAM left when the upgrade stages), then one router of
     * every other built-in profile, on consecutive addresses from {@code firstAddress}, all on {@code port}.
     *
     * @throws IOException when a router cannot start; a taken port is named with how to find who holds it
     */
    public static DemoFleet start(Path stateDir, String firstAddress, int port) throws IOException {
        List<SimFleet> fleets = new ArrayList<>();
        List<Member> members = new ArrayList<>();
        String next = firstAddress;
        try {
            next = add(fleets, members, stateDir, MAIN_PROFILE, MAIN_PROFILE_COUNT, next, port);
            for (String name : Profile.builtInNames()) {
                if (!name.equals(MAIN_PROFILE)) {
                    next = add(fleets, members, stateDir, name, 1, next, port);
                }
            }
            List<Member> withFaults = new ArrayList<>();
            for (Member m : members) {
                withFaults.add(withFault(m));
            }
            return new DemoFleet(fleets, withFaults);
        } catch (IOException | RuntimeException e) {
            closeAll(fleets);
            if (isBindFailure(e) && port != 0) {
                throw new IOException("Port " + port + " on " + failedAddress(e, firstAddress) + " is taken, so the demo fleet cannot"
                        + " start: another program listens there, most likely a demo that is still running (find it with: ss -tlnp"
                        + " 'sport = :" + port + "'). Stop it, or start the demo on another port with --port.", e);
            }
            throw e;
        }
    }

    private static String add(List<SimFleet> fleets, List<Member> members, Path stateDir, String profile, int count, String first,
            int port) throws IOException {
        SimFleet f = SimFleet.start(stateDir, new SimFleet.Spec(Profile.load(profile), Shell.DASH, count, first, port,
                SimFleet.Vary.ADDRESS, Optional.empty(), Optional.empty()));
        fleets.add(f);
        for (SimRouter r : f.routers()) {
            members.add(new Member(r, Optional.empty()));
        }
        return after(f.routers().get(f.routers().size() - 1).address());
    }

    /** The second TL-WDR3600 returns late after a reboot; the third runs out of RAM at staging. Set at every start. */
    private static Member withFault(Member m) throws IOException {
        String name = m.router().name();
        if (name.equals(MAIN_PROFILE + "-02")) {
            m.router().setFaults(Faults.none().withExtraRebootDelay(SLOW_RETURN));
            return new Member(m.router(), Optional.of("slow return: +" + SLOW_RETURN.toSeconds() + " s after a reboot"));
        } else if (name.equals(MAIN_PROFILE + "-03")) {
            m.router().setFaults(Faults.none().withRamTakenAtNextMdconfig(RAM_TAKEN_PAGES));
            return new Member(m.router(), Optional.of("low RAM when an upgrade stages"));
        }
        m.router().setFaults(Faults.none());
        return m;
    }

    /** The loopback address after {@code address} (127.0.3.4 after 127.0.3.3). */
    static String after(String address) {
        String[] p = address.split("\\.");
        int last = Integer.parseInt(p[3]);
        if (p.length != 4 || last >= 254) {
            throw new IllegalArgumentException("No room for more demo routers after " + address);
        }
        return p[0] + "." + p[1] + "." + p[2] + "." + (last + 1);
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof BindException || String.valueOf(c.getMessage()).contains("Address already in use")) {
                return true;
            }
        }
        return false;
    }

    private static String failedAddress(Throwable e, String otherwise) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("on (127\\.[0-9.]+):").matcher(String.valueOf(e.getMessage()));
        return m.find() ? m.group(1) : otherwise;
    }

    /** The routers in address order. */
    public List<Member> members() {
        return members;
    }

    @Override
    public void close() {
        closeAll(fleets);
    }

    private static void closeAll(List<SimFleet> fleets) {
        for (SimFleet f : fleets) {
            try {
                f.close();
            } catch (IOException e) {
                // stopping anyway: the routers' state stays on disk
            }
        }
    }
}

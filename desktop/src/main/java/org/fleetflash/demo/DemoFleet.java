package org.fleetflash.demo;

import java.io.IOException;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.fleetflash.agent.image.UImageHeader;
import org.fleetflash.agent.sim.Faults;
import org.fleetflash.agent.sim.Profile;
import org.fleetflash.agent.sim.Shell;
import org.fleetflash.agent.sim.SimFleet;
import org.fleetflash.agent.sim.SimImage;
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

    /** The folder of the demo's images inside its state directory (as {@code DataDirectory.demoImages()} names it). */
    static final String IMAGES = "images";
    /** How much the demo's too-large image exceeds a TL-WDR3600's kernel + rootfs. */
    static final int TOO_LARGE_BY = 64 * 1024;
    /** The version the demo's new images carry. */
    public static final String NEW_VERSION = "12.1-demo";

    /**
     * A ready-made image of the demo, and what it shows.
     *
     * @param file    the image file
     * @param purpose one line: which routers take it, or why none does
     */
    public record DemoImage(Path file, String purpose) {
    }

    private final List<SimFleet> fleets;
    private final List<Member> members;
    private final List<DemoImage> images;

    private DemoFleet(List<SimFleet> fleets, List<Member> members, List<DemoImage> images) {
        this.fleets = List.copyOf(fleets);
        this.members = List.copyOf(members);
        this.images = List.copyOf(images);
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
        return start(stateDir, firstAddress, port, false);
    }

    /**
     * As {@link #start(Path, String, int)}; with {@code fastFlash} the routers' flash is not slowed to a real SPI NOR
     * chip's speed (about 100 KB/s, so a demo upgrade writes for over a minute), for tests.
     */
    public static DemoFleet start(Path stateDir, String firstAddress, int port, boolean fastFlash) throws IOException {
        List<SimFleet> fleets = new ArrayList<>();
        List<Member> members = new ArrayList<>();
        String next = firstAddress;
        try {
            next = add(fleets, members, stateDir, profile(MAIN_PROFILE, fastFlash), MAIN_PROFILE_COUNT, next, port);
            for (String name : Profile.builtInNames()) {
                if (!name.equals(MAIN_PROFILE)) {
                    next = add(fleets, members, stateDir, profile(name, fastFlash), 1, next, port);
                }
            }
            List<Member> withFaults = new ArrayList<>();
            for (Member m : members) {
                withFaults.add(withFault(m));
            }
            return new DemoFleet(fleets, withFaults, writeImages(stateDir.resolve(IMAGES)));
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

    private static Profile profile(String name, boolean fastFlash) {
        Profile p = Profile.load(name);
        return fastFlash ? p.unthrottled() : p;
    }

    /**
     * The demo's images, written at every start (so they are always the demo's): one for the TL-WDR3600s, one for the
     * 16 MiB board (another chip, which the TL-WDR3600s refuse), one built for an ARM board (another model, which every
     * demo router refuses), and a TL-WDR3600 image too large for its flash.
     */
    private static List<DemoImage> writeImages(Path dir) throws IOException {
        java.nio.file.Files.createDirectories(dir);
        Profile wdr = Profile.load(MAIN_PROFILE);
        Path fits = dir.resolve(MAIN_PROFILE + "-" + NEW_VERSION + ".bin");
        SimImage.write(wdr, NEW_VERSION, 0, fits);
        Path other = dir.resolve("generic-16m-" + NEW_VERSION + ".bin");
        SimImage.write(Profile.load("generic-16m"), NEW_VERSION, 4L * 1024 * 1024, other);
        Path arm = dir.resolve("arm-board-" + NEW_VERSION + ".bin");
        java.nio.file.Files.write(arm, SimImage.withKernelArch(SimImage.bytes(wdr, NEW_VERSION, 0), UImageHeader.ARCH_ARM));
        Path large = dir.resolve(MAIN_PROFILE + "-" + NEW_VERSION + "-too-large.bin");
        byte[] whole = SimImage.bytes(wdr, NEW_VERSION, wdr.spanEnd() - wdr.spanStart());
        java.nio.file.Files.write(large, java.util.Arrays.copyOf(whole, whole.length + TOO_LARGE_BY));
        return List.of(new DemoImage(fits, "for the three TL-WDR3600 (the stripped one has no tmpfs and refuses it)"),
                new DemoImage(other, "for the generic 16 MiB router: the TL-WDR3600s refuse it, its kernel is built for another chip"),
                new DemoImage(arm, "for an ARM board: every router of the demo (MIPS) refuses it"),
                new DemoImage(large, "too large for a TL-WDR3600's flash: every router refuses it"));
    }

    private static String add(List<SimFleet> fleets, List<Member> members, Path stateDir, Profile profile, int count, String first,
            int port) throws IOException {
        SimFleet f = SimFleet.start(stateDir, new SimFleet.Spec(profile, Shell.DASH, count, first, port,
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

    /** The demo's ready-made images. */
    public List<DemoImage> images() {
        return images;
    }

    /** The folder of the demo's images. */
    public Path imageDirectory() {
        return images.get(0).file().getParent();
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

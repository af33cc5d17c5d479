package org.fleetflash.core.settings;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.fleetflash.core.discovery.Ipv4Address;
import org.fleetflash.server.ftp.ImageServerConfig;
import org.fleetflash.server.ftp.PassivePorts;

/**
 * What the technician set in the Settings tab, checked: the routers' login (never a password), how the image server
 * listens, a batch's defaults, the SSH deadlines, how many backups to keep, the theme and the data directory. The
 * values are plain; {@code org.fleetflash.core.app.EngineSettings} turns them into the engine's own settings.
 *
 * @param user           SSH login name on the routers
 * @param identityFile   private key to log in with instead of a password, if any
 * @param ftpBind        laptop address the image server listens on and the routers download from; empty: the address
 *                       of each router's SSH connection
 * @param ftpPort        FTP control port, 0 for any free port
 * @param passivePorts   FTP passive data ports, at least {@code concurrency} of them unless any
 * @param concurrency    routers a batch works on at once
 * @param canary         routers that must succeed before the others start (0: none)
 * @param maxFailures    failed routers after which no new router starts (0: no budget)
 * @param stageAllFirst  stage every router before any reroots
 * @param retries        tries again of a router that failed safely for a passing reason
 * @param connectTimeout deadline to connect and log in
 * @param commandTimeout deadline of each step on a router
 * @param backupsKept    partition backups kept per router when old ones are deleted
 * @param theme          the window's look
 * @param dataDirectory  where the history, host keys, backups and these settings live
 */
public record Settings(String user, Optional<Path> identityFile, Optional<InetAddress> ftpBind, int ftpPort, PassivePorts passivePorts,
        int concurrency, int canary, int maxFailures, boolean stageAllFirst, int retries, Duration connectTimeout,
        Duration commandTimeout, int backupsKept, Appearance theme, Path dataDirectory) {

    /** The window's two looks. */
    public enum Appearance {
        LIGHT, DARK
    }

    /** Routers a batch may work on at once: the batch engine's limit (a test holds the two equal). */
    public static final int MAX_CONCURRENCY = 256;
    /** Tries again of one router: the batch engine's limit. */
    public static final int MAX_RETRIES = 10;
    /** The longest deadline the settings accept, in seconds (an hour). */
    public static final long MAX_TIMEOUT_SECONDS = 3600;
    /** The default login name on the routers. */
    public static final String DEFAULT_USER = "root";

    public Settings {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(identityFile, "identityFile");
        Objects.requireNonNull(ftpBind, "ftpBind");
        Objects.requireNonNull(passivePorts, "passivePorts");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        Objects.requireNonNull(theme, "theme");
        Objects.requireNonNull(dataDirectory, "dataDirectory");
    }

    /** The defaults over {@code dataDirectory}: the command line's defaults (root, any free port, 8 at once, 10 s, 60 s, 3 backups). */
    public static Settings defaults(Path dataDirectory) {
        return new Settings(DEFAULT_USER, Optional.empty(), Optional.empty(), 0, PassivePorts.ANY, 8, 0, 0, false, 0,
                Duration.ofSeconds(10), Duration.ofSeconds(60), 3, Appearance.LIGHT, dataDirectory);
    }

    /** The same settings with another theme. */
    public Settings withTheme(Appearance t) {
        return new Settings(user, identityFile, ftpBind, ftpPort, passivePorts, concurrency, canary, maxFailures, stageAllFirst, retries,
                connectTimeout, commandTimeout, backupsKept, t, dataDirectory);
    }

    /** Every setting as text, as the settings file and the Settings tab's fields hold it. */
    public Map<SettingKey, String> text() {
        Map<SettingKey, String> m = new EnumMap<>(SettingKey.class);
        m.put(SettingKey.SSH_USER, user);
        m.put(SettingKey.IDENTITY_FILE, identityFile.map(Path::toString).orElse(""));
        m.put(SettingKey.FTP_BIND_ADDRESS, ftpBind.map(InetAddress::getHostAddress).orElse(""));
        m.put(SettingKey.FTP_PORT, Integer.toString(ftpPort));
        m.put(SettingKey.FTP_PASSIVE_PORTS, passivePorts.toString());
        m.put(SettingKey.CONCURRENCY, Integer.toString(concurrency));
        m.put(SettingKey.CANARY, Integer.toString(canary));
        m.put(SettingKey.MAX_FAILURES, Integer.toString(maxFailures));
        m.put(SettingKey.STAGE_ALL_FIRST, Boolean.toString(stageAllFirst));
        m.put(SettingKey.RETRIES, Integer.toString(retries));
        m.put(SettingKey.CONNECT_TIMEOUT, Long.toString(connectTimeout.toSeconds()));
        m.put(SettingKey.COMMAND_TIMEOUT, Long.toString(commandTimeout.toSeconds()));
        m.put(SettingKey.BACKUPS_KEPT, Integer.toString(backupsKept));
        m.put(SettingKey.THEME, theme.name().toLowerCase(Locale.ROOT));
        m.put(SettingKey.DATA_DIRECTORY, dataDirectory.toString());
        return m;
    }

    /**
     * What {@link #check} made of the text: the settings when every value is good, else a sentence per bad value
     * that says what to give instead.
     */
    public record Checked(Optional<Settings> settings, Map<SettingKey, String> problems) {
        public Checked {
            EnumMap<SettingKey, String> copy = new EnumMap<>(SettingKey.class);
            copy.putAll(problems);
            problems = Collections.unmodifiableMap(copy);
        }

        public boolean ok() {
            return settings.isPresent();
        }
    }

    /**
     * Reads and checks settings given as text; a key missing from {@code text} takes its value from {@code base}. An
     * address is read only as a literal (never looked up) and must be one {@code local} holds; a key file must be a
     * readable file.
     */
    public static Checked check(Map<SettingKey, String> text, Settings base, LocalInterfaces local) {
        Map<SettingKey, String> in = new EnumMap<>(SettingKey.class);
        in.putAll(base.text());
        in.putAll(text);
        Reader r = new Reader(in);
        String user = r.user();
        Optional<Path> identity = r.identity();
        Optional<InetAddress> bind = r.bind(local);
        int ftpPort = r.integer(SettingKey.FTP_PORT, 0, 65535, "The FTP port must be 1 to 65535, or 0 for any free port");
        PassivePorts passive = r.passive();
        int concurrency = r.integer(SettingKey.CONCURRENCY, 1, MAX_CONCURRENCY,
                "Routers at once must be 1 to " + MAX_CONCURRENCY);
        int canary = r.integer(SettingKey.CANARY, 0, MAX_CONCURRENCY * 40, "The canary wave must be 0 (none) or more routers");
        int maxFailures = r.integer(SettingKey.MAX_FAILURES, 0, Integer.MAX_VALUE, "The failure budget must be 0 (none) or more routers");
        boolean stageAll = r.bool(SettingKey.STAGE_ALL_FIRST);
        int retries = r.integer(SettingKey.RETRIES, 0, MAX_RETRIES, "Retries must be 0 to " + MAX_RETRIES);
        long connect = r.integer(SettingKey.CONNECT_TIMEOUT, 1, (int) MAX_TIMEOUT_SECONDS,
                "The connect timeout must be 1 to " + MAX_TIMEOUT_SECONDS + " seconds");
        long command = r.integer(SettingKey.COMMAND_TIMEOUT, 1, (int) MAX_TIMEOUT_SECONDS,
                "The command timeout must be 1 to " + MAX_TIMEOUT_SECONDS + " seconds");
        int kept = r.integer(SettingKey.BACKUPS_KEPT, 1, 1000, "Keep 1 to 1000 backups per router (never a router's only one is deleted)");
        Appearance theme = r.theme();
        Path data = r.dataDirectory();
        if (passive != null && concurrency > 0 && !r.problems.containsKey(SettingKey.CONCURRENCY)) {
            try {
                ImageServerConfig.on(InetAddress.getLoopbackAddress()).withPassivePorts(passive).withConcurrency(concurrency)
                        .checkPassivePortsCoverConcurrency();
            } catch (IllegalArgumentException e) {
                r.problems.put(SettingKey.FTP_PASSIVE_PORTS, e.getMessage());
            }
        }
        if (!r.problems.isEmpty()) {
            return new Checked(Optional.empty(), r.problems);
        }
        return new Checked(Optional.of(new Settings(user, identity, bind, ftpPort, passive, concurrency, canary, maxFailures, stageAll,
                retries, Duration.ofSeconds(connect), Duration.ofSeconds(command), kept, theme, data)), Map.of());
    }

    /** Reads one value after the other and collects what is wrong. */
    private static final class Reader {
        private final Map<SettingKey, String> in;
        private final Map<SettingKey, String> problems = new EnumMap<>(SettingKey.class);

        Reader(Map<SettingKey, String> in) {
            this.in = in;
        }

        private String text(SettingKey k) {
            String s = in.get(k);
            return s == null ? "" : s.strip();
        }

        String user() {
            String u = text(SettingKey.SSH_USER);
            if (!u.matches("[A-Za-z0-9._-]{1,32}")) {
                problems.put(SettingKey.SSH_USER, u.isEmpty() ? "Give the routers' login name (usually root)."
                        : "The user may hold only letters, digits, '.', '_' and '-' (at most 32), as a router's login name does.");
            }
            return u;
        }

        Optional<Path> identity() {
            String s = text(SettingKey.IDENTITY_FILE);
            if (s.isEmpty()) {
                return Optional.empty();
            }
            Path p;
            try {
                p = Path.of(s);
            } catch (InvalidPathException e) {
                problems.put(SettingKey.IDENTITY_FILE, "'" + printable(s) + "' is not a file path on this computer.");
                return Optional.empty();
            }
            if (!p.isAbsolute()) {
                problems.put(SettingKey.IDENTITY_FILE, "Give the key file's full path (it starts with /), or leave it empty to log in "
                        + "with a password.");
            } else if (!Files.isRegularFile(p)) {
                problems.put(SettingKey.IDENTITY_FILE, "There is no key file " + p + ": check the path, or leave it empty to log in "
                        + "with a password.");
            } else if (!Files.isReadable(p)) {
                problems.put(SettingKey.IDENTITY_FILE, "The key file " + p + " cannot be read by you: check its owner.");
            }
            return Optional.of(p);
        }

        Optional<InetAddress> bind(LocalInterfaces local) {
            String s = text(SettingKey.FTP_BIND_ADDRESS);
            if (s.isEmpty()) {
                return Optional.empty();
            }
            InetAddress a = literal(s);
            if (a == null) {
                problems.put(SettingKey.FTP_BIND_ADDRESS, "'" + printable(s) + "' is not an IP address: give one of this computer's"
                        + " addresses (e.g. 192.0.2.10), or leave it empty to use the address each router is reached from.");
                return Optional.empty();
            }
            if (a.isAnyLocalAddress() || a.isMulticastAddress()) {
                problems.put(SettingKey.FTP_BIND_ADDRESS, s + " is not one interface: the routers download from this address, so give"
                        + " this computer's address on their network, or leave it empty.");
            } else if (!local.holds(a)) {
                problems.put(SettingKey.FTP_BIND_ADDRESS, s + " is not an address of this computer: give one its network interfaces hold"
                        + " (see 'ip addr'), or leave it empty.");
            }
            return Optional.of(a);
        }

        PassivePorts passive() {
            try {
                return PassivePorts.parse(text(SettingKey.FTP_PASSIVE_PORTS));
            } catch (IllegalArgumentException e) {
                problems.put(SettingKey.FTP_PASSIVE_PORTS, e.getMessage() + ".");
                return null;
            }
        }

        int integer(SettingKey k, int min, int max, String rule) {
            String s = text(k);
            try {
                int v = Integer.parseInt(s);
                if (v >= min && v <= max) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // said below
            }
            problems.put(k, rule + ", not '" + printable(s) + "'.");
            return -1;
        }

        boolean bool(SettingKey k) {
            String s = text(k).toLowerCase(Locale.ROOT);
            if (!s.equals("true") && !s.equals("false")) {
                problems.put(k, "Give true or false, not '" + printable(s) + "'.");
            }
            return s.equals("true");
        }

        Appearance theme() {
            String s = text(SettingKey.THEME).toUpperCase(Locale.ROOT);
            for (Appearance a : Appearance.values()) {
                if (a.name().equals(s)) {
                    return a;
                }
            }
            problems.put(SettingKey.THEME, "The theme is light or dark, not '" + printable(s) + "'.");
            return Appearance.LIGHT;
        }

        Path dataDirectory() {
            String s = text(SettingKey.DATA_DIRECTORY);
            try {
                Path p = Path.of(s);
                if (s.isEmpty() || !p.isAbsolute()) {
                    problems.put(SettingKey.DATA_DIRECTORY, "Give the data directory's full path (it starts with /).");
                } else if (Files.exists(p) && !Files.isDirectory(p)) {
                    problems.put(SettingKey.DATA_DIRECTORY, p + " is a file, not a directory: choose a directory.");
                }
                return p;
            } catch (InvalidPathException e) {
                problems.put(SettingKey.DATA_DIRECTORY, "'" + printable(s) + "' is not a directory path on this computer.");
                return Path.of("");
            }
        }
    }

    /** An IP literal, parsed and never looked up; null when {@code s} is not one. */
    static InetAddress literal(String s) {
        boolean v4 = Ipv4Address.tryParse(s) != null;
        boolean v6 = s.indexOf(':') >= 0 && s.matches("[0-9A-Fa-f:.]{2,45}");
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(s); // a literal: parsed, not resolved
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static String printable(String text) {
        String bounded = text.length() > 60 ? text.substring(0, 60) + "..." : text;
        return bounded.replaceAll("[^\\x20-\\x7e]", "?");
    }
}

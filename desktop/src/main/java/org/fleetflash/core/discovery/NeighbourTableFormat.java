package org.fleetflash.core.discovery;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text formats in which operating systems print their neighbour table, each with its parser. Parsers are
 * lenient: a line they do not understand is skipped, never an error, because these outputs vary between
 * versions and languages.
 */
public enum NeighbourTableFormat {

    /** Linux {@code /proc/net/arp}: {@code IP address  HW type  Flags  HW address  Mask  Device}. */
    PROC_NET_ARP {
        @Override
        public List<Neighbour> parse(String text) {
            List<Neighbour> out = new ArrayList<>();
            for (String line : lines(text)) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 6 || Ipv4Address.tryParse(f[0]) == null || !f[2].startsWith("0x")) {
                    continue;
                }
                int flags;
                try {
                    flags = Integer.parseInt(f[2].substring(2), 16);
                } catch (NumberFormatException e) {
                    continue;
                }
                String state = (flags & 0x04) != 0 ? "permanent" : (flags & 0x02) != 0 ? "complete" : "incomplete";
                Optional<MacAddress> mac = (flags & 0x02) != 0 ? MacAddress.tryParse(f[3]) : Optional.empty();
                out.add(new Neighbour(f[0], mac, f[5], state));
            }
            return out;
        }
    },

    /** Linux {@code ip neigh show}: {@code ADDR dev DEV lladdr MAC [router] STATE}, old iproute2 wrote {@code nud state}. */
    IP_NEIGH {
        @Override
        public List<Neighbour> parse(String text) {
            List<Neighbour> out = new ArrayList<>();
            for (String line : lines(text.replaceAll("\\\\\\r?\\n", " "))) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 2 || !looksLikeAddress(f[0])) {
                    continue;
                }
                String dev = "";
                String state = "";
                Optional<MacAddress> mac = Optional.empty();
                for (int i = 1; i < f.length; i++) {
                    switch (f[i]) {
                        case "dev" -> dev = i + 1 < f.length ? f[++i] : "";
                        case "lladdr" -> mac = i + 1 < f.length ? MacAddress.tryParse(f[++i]) : Optional.empty();
                        case "nud" -> state = i + 1 < f.length ? f[++i].toLowerCase(Locale.ROOT) : "";
                        case "used", "probes", "proto", "vrf" -> i++;
                        default -> {
                            if (f[i].matches("[A-Z_]+")) {
                                state = f[i].toLowerCase(Locale.ROOT);
                            }
                        }
                    }
                }
                out.add(new Neighbour(f[0], mac, dev, state));
            }
            return out;
        }
    },

    /**
     * BSD-style {@code arp -a} as macOS and FreeBSD print it, and as Linux net-tools prints it:
     * {@code name (192.168.1.1) at 0:18:1:8f:23:ed on en1 ifscope [ethernet]}.
     */
    BSD_ARP {
        private final Pattern entry = Pattern.compile("^\\S+ \\(([^)]+)\\) at (\\S+)(.*)$");
        private final Pattern on = Pattern.compile("\\bon (\\S+)");

        @Override
        public List<Neighbour> parse(String text) {
            List<Neighbour> out = new ArrayList<>();
            for (String line : lines(text)) {
                Matcher m = entry.matcher(line.trim());
                if (!m.matches() || !looksLikeAddress(m.group(1))) {
                    continue;
                }
                String rest = m.group(3);
                Matcher dev = on.matcher(rest);
                Optional<MacAddress> mac = MacAddress.tryParse(m.group(2));
                String state;
                if (mac.isEmpty()) {
                    state = "incomplete";
                } else if (rest.contains("permanent") || rest.contains("PERM")) {
                    state = "permanent";
                } else {
                    state = "";
                }
                out.add(new Neighbour(m.group(1), mac, dev.find() ? dev.group(1) : "", state));
            }
            return out;
        }
    },

    /**
     * Windows {@code arp -a}: blocks headed {@code Interface: 192.168.1.100 --- 0x4} (older: {@code on Interface 0x1}),
     * then {@code 192.168.1.1   00-11-22-33-44-55   dynamic}. Column titles are localised, so only the shapes count.
     */
    WINDOWS_ARP {
        private final Pattern iface = Pattern.compile("^\\S[^:]*:\\s*(\\d{1,3}(?:\\.\\d{1,3}){3})\\s+(?:---|on \\S+)\\s+0x[0-9A-Fa-f]+\\s*$");
        private final Pattern entry = Pattern.compile("^\\s+(\\S+)\\s+([0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){5})\\s+(\\S+)\\s*$");

        @Override
        public List<Neighbour> parse(String text) {
            List<Neighbour> out = new ArrayList<>();
            String device = "";
            for (String line : lines(text)) {
                Matcher i = iface.matcher(line);
                if (i.matches()) {
                    device = i.group(1);
                    continue;
                }
                Matcher m = entry.matcher(line);
                if (m.matches() && looksLikeAddress(m.group(1))) {
                    out.add(new Neighbour(m.group(1), MacAddress.tryParse(m.group(2)), device,
                            m.group(3).toLowerCase(Locale.ROOT)));
                }
            }
            return out;
        }
    };

    /** Parses the whole output; lines that are not entries are skipped. */
    public abstract List<Neighbour> parse(String text);

    /** Guesses the format of an {@code arp -a} or neighbour-table text by its shape. */
    public static NeighbourTableFormat detect(String text) {
        for (String line : lines(text)) {
            String t = line.trim();
            if (t.startsWith("IP address") && t.contains("HW address")) {
                return PROC_NET_ARP;
            }
            if (t.matches("^\\S+ \\([^)]+\\) at .*")) {
                return BSD_ARP;
            }
            if (t.matches("^\\S+\\s+[0-9A-Fa-f]{2}(-[0-9A-Fa-f]{2}){5}\\s+\\S+$") || t.matches(".*\\s---\\s+0x[0-9A-Fa-f]+$")) {
                return WINDOWS_ARP;
            }
            if (t.matches("^\\S+ (dev \\S+ )?.*(lladdr|nud|FAILED|INCOMPLETE|REACHABLE|STALE).*")) {
                return IP_NEIGH;
            }
        }
        return IP_NEIGH;
    }

    private static String[] lines(String text) {
        return text.split("\\r?\\n");
    }

    /** An IPv4 or IPv6 literal (digits, hex, dots and colons only): never a name. */
    static boolean looksLikeAddress(String s) {
        return Ipv4Address.tryParse(s) != null || (s.indexOf(':') >= 0 && s.matches("[0-9A-Fa-f:.]+(%\\S+)?"));
    }
}

package org.fleetflash.core.discovery;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * MAC prefix to vendor names, from the IEEE registry bundled as a resource (built by
 * {@code tools/oui/build-oui-table.py}; source and date in its header). Longest prefix wins: MA-S (36 bits),
 * then MA-M (28), then MA-L (24). Nothing is fetched at run time.
 */
public final class OuiTable {

    /** Where the bundled table lives on the class path. */
    public static final String RESOURCE = "/org/fleetflash/core/discovery/oui.tsv.gz";

    private static volatile OuiTable bundled;

    private final Map<Integer, String> ma24;
    private final Map<Integer, String> ma28;
    private final Map<Long, String> ma36;
    private final String source;
    private final String registryDate;

    private OuiTable(Map<Integer, String> ma24, Map<Integer, String> ma28, Map<Long, String> ma36, String source, String registryDate) {
        this.ma24 = ma24;
        this.ma28 = ma28;
        this.ma36 = ma36;
        this.source = source;
        this.registryDate = registryDate;
    }

    /** The table shipped with FleetFlash, loaded on first use. */
    public static OuiTable bundled() {
        OuiTable t = bundled;
        if (t == null) {
            synchronized (OuiTable.class) {
                t = bundled;
                if (t == null) {
                    try (InputStream in = OuiTable.class.getResourceAsStream(RESOURCE)) {
                        if (in == null) {
                            throw new IllegalStateException("The MAC vendor table " + RESOURCE + " is missing from the build");
                        }
                        t = load(new GZIPInputStream(in));
                    } catch (IOException e) {
                        throw new UncheckedIOException("Cannot read the bundled MAC vendor table " + RESOURCE, e);
                    }
                    bundled = t;
                }
            }
        }
        return t;
    }

    /** Reads the text form ({@code #} header lines, then {@code PREFIX<TAB>VENDOR}); bad lines are skipped. */
    public static OuiTable load(InputStream text) throws IOException {
        Map<Integer, String> m24 = new HashMap<>(40_000);
        Map<Integer, String> m28 = new HashMap<>(8_000);
        Map<Long, String> m36 = new HashMap<>(16_000);
        String source = "unknown";
        String date = "unknown";
        BufferedReader r = new BufferedReader(new InputStreamReader(text, StandardCharsets.UTF_8));
        String line;
        int lines = 0;
        while ((line = r.readLine()) != null && lines++ < 1_000_000) {
            if (line.startsWith("#")) {
                if (line.startsWith("# source: ")) {
                    source = line.substring(10).trim();
                } else if (line.startsWith("# registry date: ")) {
                    date = line.substring(17).trim();
                }
                continue;
            }
            int tab = line.indexOf('\t');
            if (tab < 0) {
                continue;
            }
            String prefix = line.substring(0, tab);
            String vendor = line.substring(tab + 1).trim();
            if (vendor.isEmpty() || !prefix.matches("[0-9A-F]{6}|[0-9A-F]{7}|[0-9A-F]{9}")) {
                continue;
            }
            switch (prefix.length()) {
                case 6 -> m24.put(Integer.parseInt(prefix, 16), vendor);
                case 7 -> m28.put(Integer.parseInt(prefix, 16), vendor);
                default -> m36.put(Long.parseLong(prefix, 16), vendor);
            }
        }
        return new OuiTable(m24, m28, m36, source, date);
    }

    /** The registered owner of the address's prefix; empty for locally administered or unknown addresses. */
    public Optional<String> vendorOf(MacAddress mac) {
        if (mac.isLocallyAdministered() || mac.isMulticast()) {
            return Optional.empty();
        }
        String v = ma36.get(mac.bits() >>> 12);
        if (v == null) {
            v = ma28.get((int) (mac.bits() >>> 20));
        }
        if (v == null) {
            v = ma24.get(mac.oui24());
        }
        return Optional.ofNullable(v);
    }

    public int size() {
        return ma24.size() + ma28.size() + ma36.size();
    }

    /** Where the table came from, as recorded when it was built. */
    public String source() {
        return source;
    }

    /** The date of the registry snapshot (YYYY-MM-DD). */
    public String registryDate() {
        return registryDate;
    }
}

package org.fleetflash.cli;

/** Human sizes in binary units, as technicians read flash and RAM sizes. */
final class Sizes {
    private Sizes() {
    }

    static String human(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " B" : (v == Math.floor(v) ? String.format("%d %s", (long) v, units[u]) : String.format("%.1f %s", v, units[u]));
    }
}

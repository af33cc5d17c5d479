package org.fleetflash.ui.support;

import java.util.Locale;

/** Byte counts as the window shows them: binary units, one decimal where it matters ("7.7 MB", "64 KB"). */
public final class ByteSizes {

    private ByteSizes() {
    }

    /** {@code bytes} in B, KB, MB or GB (powers of 1024). */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return (v >= 100 || v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v))
                + " " + units[u];
    }

    /** An offset in hex as the probe prints it: {@code 0x020000}. */
    public static String hex(long offset) {
        return String.format(Locale.ROOT, "0x%06x", offset);
    }
}

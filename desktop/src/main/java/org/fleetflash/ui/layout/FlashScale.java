package org.fleetflash.ui.layout;

import java.util.Arrays;

/**
 * Widths of the partitions in the flash bar: proportional to their sizes, but none narrower than a minimum, so a
 * 64 KB calibration partition beside a 7 MB root stays visible and labelled. The space the small ones take is
 * taken from the large ones in proportion.
 */
public final class FlashScale {

    private FlashScale() {
    }

    /**
     * The widths of partitions of {@code sizes} in a bar {@code total} wide with at least {@code min} each. When
     * even the minimum does not fit, every partition gets an equal share.
     */
    public static double[] widths(long[] sizes, double total, double min) {
        int n = sizes.length;
        double[] w = new double[n];
        if (n == 0 || total <= 0) {
            return w;
        }
        if (min * n >= total) {
            Arrays.fill(w, total / n);
            return w;
        }
        boolean[] pinned = new boolean[n];
        // each round pins at least one more partition to the minimum, or stops: at most n rounds
        for (int round = 0; round <= n; round++) {
            double free = total;
            long freeBytes = 0;
            for (int i = 0; i < n; i++) {
                if (pinned[i]) {
                    free -= min;
                } else {
                    freeBytes += Math.max(0, sizes[i]);
                }
            }
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                if (!pinned[i]) {
                    w[i] = freeBytes == 0 ? free / countFree(pinned) : free * Math.max(0, sizes[i]) / freeBytes;
                    if (w[i] < min) {
                        pinned[i] = true;
                        changed = true;
                    }
                }
            }
            if (!changed) {
                break;
            }
        }
        for (int i = 0; i < n; i++) {
            if (pinned[i]) {
                w[i] = min;
            }
        }
        return w;
    }

    /**
     * Where byte {@code offset} of the flash falls on the bar: inside a partition, in proportion to its drawn width;
     * between partitions, at the start of the next one; past the last, at the bar's end.
     *
     * @param offsets the partitions' offsets, in flash order
     * @param sizes   their sizes
     * @param widths  their drawn widths ({@link #widths})
     */
    public static double x(long offset, long[] offsets, long[] sizes, double[] widths) {
        double x = 0;
        for (int i = 0; i < offsets.length && i < widths.length; i++) {
            if (offset <= offsets[i]) {
                return x;
            }
            if (offset < offsets[i] + sizes[i]) {
                return x + widths[i] * (offset - offsets[i]) / sizes[i];
            }
            x += widths[i];
        }
        return x;
    }

    private static int countFree(boolean[] pinned) {
        int c = 0;
        for (boolean p : pinned) {
            c += p ? 0 : 1;
        }
        return Math.max(1, c);
    }
}

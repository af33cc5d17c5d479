package org.fleetflash.agent.image;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
  * What a router's boot chain expects of the image written over its layout: the CPU architecture
  * its kernel must be built for, where the layout lies on the flash, how the kernel finds the root
  * file system, and what the firmware it runs now says about the board (the load address of its
  * kernel and, on TP-Link boards, the hardware id).
  *
  * @param machineArch FreeBSD's {@code hw.machine_arch} ({@code uname -p}): mips, mipsel, armv7, aarch64, amd64 ...
  * @param spanOffset  flash offset of the first layout partition: where the image's first byte goes
  * @param spanSize    bytes from there to the end of the last layout partition
  * @param eraseBlock  the flash's erase block
  * @param rootRule    how the kernel finds the start of the root file system
  * @param running     what the running firmware says about the board (read with {@link RunningFirmware#of})
  */
public record RouterBoot(String machineArch, long spanOffset, long spanSize, long eraseBlock, RootRule rootRule,
        RunningFirmware running) {

    public RouterBoot {
        Objects.requireNonNull(machineArch, "machineArch");
        Objects.requireNonNull(rootRule, "rootRule");
        Objects.requireNonNull(running, "running");
        if (spanOffset < 0 || spanSize <= 0 || eraseBlock <= 0) {
            throw new IllegalArgumentException("A layout span needs an offset >= 0 and a positive size and erase block");
        }
    }

    /**
      * The rule of a router's root partition from what a probe sees: its {@code hint.map.N.start} value
      * (from {@code kenv}, null when unknown) and its offset on the flash now. A {@code search:} start
      * hint is the rule; any other start (a number, or no hint at all) is fixed at the probed offset.
      */
    public static RootRule rootRule(String startHint, long probedRootOffset) {
        String h = startHint == null ? "" : startHint.strip();
        if (h.startsWith("\"") && h.endsWith("\"") && h.length() >= 2) {
            h = h.substring(1, h.length() - 1);
        }
        return h.startsWith("search:") ? SearchRule.parse(h) : new FixedRoot(probedRootOffset);
    }

    /** How the kernel finds where the root file system starts on the flash. */
    public sealed interface RootRule permits SearchRule, FixedRoot {}

    /**
      * A GEOM_MAP hint {@code search:START:STEP:KEY} (sys/geom/geom_map.c): the kernel tries START,
      * START+STEP, ... and the first offset whose bytes match KEY ({@code .} matches any byte) is the
      * boundary between kernel and rootfs.
      */
    public record SearchRule(long start, long step, String key) implements RootRule {
        public SearchRule {
            Objects.requireNonNull(key, "key");
            if (start < 0 || step <= 0 || key.isEmpty()) {
                throw new IllegalArgumentException("A search hint needs a start >= 0, a positive step and a key");
            }
        }

        /** Parses a hint value such as {@code search:0x00020000:0x10000:.!/bin/sh}. */
        public static SearchRule parse(String hint) {
            String[] f = hint == null ? new String[0] : hint.split(":", 4);
            if (f.length != 4 || !f[0].equals("search")) {
                throw new IllegalArgumentException("Not a GEOM_MAP search hint (search:START:STEP:KEY): " + hint);
            }
            return new SearchRule(number(f[1], hint), number(f[2], hint), f[3]);
        }

        /** Whether the key matches {@code data} at {@code at}. */
        public boolean matches(byte[] data, long at) {
            byte[] k = key.getBytes(StandardCharsets.ISO_8859_1);
            if (at < 0 || at > data.length - k.length) {
                return false;
            }
            for (int i = 0; i < k.length; i++) {
                if (k[i] != '.' && data[(int) at + i] != k[i]) {
                    return false;
                }
            }
            return true;
        }

        private static long number(String s, String hint) {
            try {
                String v = s.toLowerCase(Locale.ROOT);
                return v.startsWith("0x") ? Long.parseLong(v.substring(2), 16) : Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Bad number '" + s + "' in search hint " + hint, e);
            }
        }
    }

    /** The root file system starts at a fixed flash offset (a partition with fixed bounds). */
    public record FixedRoot(long offset) implements RootRule {
        public FixedRoot {
            if (offset < 0) {
                throw new IllegalArgumentException("A root offset cannot be negative: " + offset);
            }
        }
    }
}

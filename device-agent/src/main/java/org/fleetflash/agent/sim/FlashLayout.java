package org.fleetflash.agent.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
  * The partitions GEOM_MAP creates when it tastes a flash at boot: the profile's hints with every
  * {@code search:} bound resolved against the flash contents. A partition whose search finds
  * nothing is missing, as on a real router.
  */
public record FlashLayout(List<Slice> slices) {

    /** One partition as the kernel sees it after boot. */
    public record Slice(int index, String name, long offset, long size, boolean readonly) {
        /** End offset, exclusive. */
        public long end() {
            return offset + size;
        }
    }

    /** Resolves the profile's hints against a flash file. */
    public static FlashLayout resolve(Profile profile, Path flashFile) throws IOException {
        return resolve(profile, Files.readAllBytes(flashFile));
    }

    /** Resolves the profile's hints against flash contents. */
    public static FlashLayout resolve(Profile profile, byte[] flash) {
        List<Slice> out = new ArrayList<>();
        for (Profile.Partition p : profile.partitions()) {
            OptionalLong start = offset(p.start(), flash);
            OptionalLong end = offset(p.end(), flash);
            if (start.isPresent() && end.isPresent() && end.getAsLong() > start.getAsLong()) {
                out.add(new Slice(p.index(), p.name(), start.getAsLong(), end.getAsLong() - start.getAsLong(), p.readonly()));
            }
        }
        return new FlashLayout(List.copyOf(out));
    }

    /** Where a bound lies on this flash; empty when a search finds no match. */
    static OptionalLong offset(Profile.Bound bound, byte[] flash) {
        if (bound instanceof Profile.Fixed f) {
            return OptionalLong.of(f.offset());
        }
        return search((Profile.Search) bound, flash);
    }

    private static OptionalLong search(Profile.Search s, byte[] flash) {
        long limit = flash.length;
        for (long off = s.start(), n = 0; off < limit && n < limit; off += s.step(), n++) {
            if (s.matches(flash, (int) off)) {
                return OptionalLong.of(off);
            }
        }
        return OptionalLong.empty();
    }

    /** The partition with this name, if it exists on this flash. */
    public Optional<Slice> slice(String name) {
        return slices.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}

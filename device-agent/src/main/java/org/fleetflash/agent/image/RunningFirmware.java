package org.fleetflash.agent.image;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
  * What the firmware a router runs now says about the board, read from the first bytes of its layout (where its boot
  * loader starts it): the TP-Link hardware id when the firmware carries TP-Link's header, and the U-Boot header of the
  * kernel the boot loader starts. That kernel's load address and entry point are the board's: U-Boot copies the kernel
  * to the load address and jumps to the entry point, and a FreeBSD kernel is linked for its system-on-chip's memory map
  * (every Atheros AR71xx-AR934x kernel at one address, every MediaTek MT7621 kernel at another).
  *
  * @param hardwareId the TP-Link hardware id in the running firmware's header, when it has one
  * @param kernel     the running kernel's U-Boot header, when the first bytes hold one the boot loader would accept
  */
public record RunningFirmware(OptionalLong hardwareId, Optional<UImageHeader> kernel) {

    /** Nothing known about the running firmware. */
    public static final RunningFirmware UNKNOWN = new RunningFirmware(OptionalLong.empty(), Optional.empty());

    public RunningFirmware {
        Objects.requireNonNull(hardwareId, "hardwareId");
        Objects.requireNonNull(kernel, "kernel");
    }

    /** A TP-Link firmware with this hardware id whose kernel is not known. */
    public static RunningFirmware ofHardwareId(long hardwareId) {
        return new RunningFirmware(OptionalLong.of(hardwareId), Optional.empty());
    }

    /**
      * Reads the first bytes of a router's layout (at least its first erase block): a TP-Link header, then the kernel at
      * its kernel offset, or a U-Boot kernel at the very start. A kernel whose header checksum fails is not taken: it is
      * not what the boot loader started.
      */
    public static RunningFirmware of(byte[] firstBytesOfSpan) {
        Objects.requireNonNull(firstBytesOfSpan, "firstBytesOfSpan");
        OptionalLong id = OptionalLong.empty();
        long kernelAt = 0;
        Optional<TpLinkHeader> tp = TpLinkHeader.parse(firstBytesOfSpan);
        if (tp.isPresent()) {
            id = OptionalLong.of(tp.get().hardwareId());
            kernelAt = tp.get().kernelOffset();
        }
        Optional<UImageHeader> kernel = Optional.empty();
        if (kernelAt >= 0 && kernelAt <= firstBytesOfSpan.length - UImageHeader.SIZE) {
            kernel = UImageHeader.parse(firstBytesOfSpan, (int) kernelAt)
                    .filter(h -> h.headerCrcOk() && h.isKernel());
        }
        return new RunningFirmware(id, kernel);
    }
}

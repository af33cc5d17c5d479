package org.fleetflash.agent.image;

import java.util.Objects;

/**
  * One check of an image against a router that failed.
  *
  * @param code       stable code (for reports, scripts and tests)
  * @param message    what failed and what the technician probably picked by mistake
  * @param overridden whether --force-image set this finding aside (only codes that allow it)
  */
public record Finding(Code code, String message, boolean overridden) {

    public Finding {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        if (overridden && !code.forceMayOverride()) {
            throw new IllegalArgumentException(code + " cannot be overridden");
        }
    }

    /** Whether force may set this finding aside. */
    public boolean overridable() {
        return code.forceMayOverride();
    }

    /** The checks, and which of them force may set aside. */
    public enum Code {
        /** Not a recognised firmware image (random bytes, another vendor's container): force may override. */
        NOT_FIRMWARE(true),
        /** A header claims more bytes than the file has. */
        TRUNCATED(false),
        /** The kernel's U-Boot header CRC is wrong: U-Boot prints "Bad Header Checksum" and stops. */
        HEADER_CRC(false),
        /** The kernel data does not match its CRC: U-Boot prints "Bad Data CRC" and stops. */
        DATA_CRC(false),
        /** The kernel is built for another CPU family: U-Boot prints "Unsupported Architecture". */
        WRONG_ARCH(false),
        /** The U-Boot image is not a kernel (a ramdisk, a script, firmware ...). */
        NOT_A_KERNEL(false),
        /** No root file system where the router's kernel will look: it stops at mountroot>. */
        NO_ROOT(false),
        /** The TP-Link hardware id names another board: force may override (same board sold under two ids). */
        WRONG_MODEL(true);

        private final boolean forceMayOverride;

        Code(boolean forceMayOverride) {
            this.forceMayOverride = forceMayOverride;
        }

        /** Whether --force-image may set this finding aside. */
        public boolean forceMayOverride() {
            return forceMayOverride;
        }
    }
}

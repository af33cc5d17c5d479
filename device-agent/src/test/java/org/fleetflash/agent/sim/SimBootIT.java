package org.fleetflash.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
  * A simulated router whose flash does not hold an image its boot loader and kernel accept never
  * comes up: it is DEAD, its console shows what U-Boot or the kernel printed, and nothing answers SSH.
  * Powered on with a good image on the flash, it boots that image.
  */
class SimBootIT extends OneRouterIT {


    private SimRouter startWithSpan(Profile p, byte[] spanContents) throws Exception {
        byte[] flash = Sandbox.initialFlash(p, "r1");
        Arrays.fill(flash, (int) p.spanStart(), (int) p.spanEnd(), (byte) 0xff);
        System.arraycopy(spanContents, 0, flash, (int) p.spanStart(), spanContents.length);
        Path routerDir = Files.createDirectories(dir.resolve("state/r1"));
        Files.write(routerDir.resolve("flash.bin"), flash);
        router = SimRouter.start(dir.resolve("state"), new SimRouter.Options("r1", p, Shell.DASH, "127.0.4.1", 0,
                Optional.empty(), Optional.empty()));
        router.setRebootDelay(Duration.ofMillis(200));
        return router;
    }

    @Test
    void randomBytesOverTheSpanLeaveTheRouterDeadAtUBoot() throws Exception {
        Profile p = Profile.load("tl-wdr3600").unthrottled();
        byte[] random = new byte[7_900_000];
        new Random(1).nextBytes(random);

        SimRouter r = startWithSpan(p, random);

        assertThat(r.state()).isEqualTo(SimRouter.State.DEAD);
        assertThat(r.runningVersion()).isEmpty();
        assertThat(Files.readString(r.consoleLog())).contains("## Booting kernel from Legacy Image at 9f020000 ...",
                "Bad Magic Number", "ERROR: can't get kernel image!");
    }

    @Test
    void anImageForTheSixteenMegabyteBoardOnATlWdr3600HangsAfterStartingItsKernel() throws Exception {
        Profile wdr = Profile.load("tl-wdr3600").unthrottled();
        // a 4 MiB image for the MT7621 board has its root at image offset 0x200000, where the TL-WDR3600's kernel
        // searches too: only its kernel, linked for the MT7621, tells it apart
        byte[] foreign = SimImage.bytes(Profile.load("generic-16m"), "12.1-gw16m", 4L << 20);

        SimRouter r = startWithSpan(wdr, foreign);

        assertThat(r.state()).isEqualTo(SimRouter.State.DEAD);
        String console = Files.readString(r.consoleLog());
        assertThat(console).contains("Image Name:   FreeBSD 12.1-gw16m", "Load Address: 80001000", "Entry Point:  80001100",
                "Verifying Checksum ... OK", "Starting kernel ...").doesNotContain("Trying to mount root");
    }

    @Test
    void aKernelWithoutItsRootFileSystemStopsAtMountroot() throws Exception {
        Profile g16 = Profile.load("generic-16m").unthrottled();
        byte[] image = SimImage.bytes(g16, "12.4-noroot", 0);
        image[0x200000] ^= 1; // the mkuzip header where the fixed boundary puts the root, spoilt

        SimRouter r = startWithSpan(g16, image);

        assertThat(r.state()).isEqualTo(SimRouter.State.DEAD);
        assertThat(Files.readString(r.consoleLog())).contains("Image Name:   FreeBSD 12.4-noroot",
                "Verifying Checksum ... OK", "Starting kernel ...",
                "Trying to mount root from ufs:map/rootfs.uncompress []...",
                "Mounting from ufs:map/rootfs.uncompress failed with error 19.", "mountroot>");
    }

    @Test
    void aDeadRouterPoweredOnWithAGoodImageOnItsFlashBootsIt() throws Exception {
        Profile p = Profile.load("tl-wdr3600").unthrottled();
        SimRouter r = startWithSpan(p, SimImage.withCorruptHeader(SimImage.bytes(p, "11.0-a", 0)));
        assertThat(r.state()).isEqualTo(SimRouter.State.DEAD);
        assertThat(Files.readString(r.consoleLog())).contains("Bad Header Checksum");

        byte[] flash = Files.readAllBytes(r.sandbox().flashFile());
        byte[] good = SimImage.bytes(p, "11.0-b", 0, org.fleetflash.agent.image.ImageInfo.Format.TPLINK);
        System.arraycopy(good, 0, flash, (int) p.spanStart(), good.length);
        Files.write(r.sandbox().flashFile(), flash);
        r.powerOn();
        r.awaitState(SimRouter.State.UP, Duration.ofSeconds(30));

        assertThat(r.runningVersion()).contains("11.0-b");
        assertThat(Files.readString(r.sandbox().root().resolve("etc/version"))).isEqualTo("11.0-b\n");
        assertThat(Files.readString(r.consoleLog())).contains("## Booting kernel from Legacy Image at 9f020200 ...",
                "FreeBSD booted firmware 11.0-b");
    }
}

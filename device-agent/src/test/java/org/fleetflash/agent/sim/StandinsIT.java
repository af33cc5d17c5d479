package org.fleetflash.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.fleetflash.agent.sim.SandboxShell.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each FreeBSD stand-in, run in a real sandbox under dash, against the reference's samples (freebsd-device.md §3, E). */
class StandinsIT {

    @TempDir
    Path dir;
    private Sandbox sandbox;
    private SandboxShell sh;

    @BeforeEach
    void boot() throws Exception {
        sandbox = Sandbox.create(dir.resolve("r1"), Profile.load("tl-wdr3600").unthrottled(), Shell.DASH, "r1");
        sh = new SandboxShell(sandbox);
    }

    @AfterEach
    void shutDown() throws Exception {
        sandbox.close();
        SandboxShell.deleteAll(dir);
    }

    // ---- uname, hostname

    @ParameterizedTest
    @CsvSource({"uname -r,11.0-CURRENT", "uname -s,FreeBSD", "uname,FreeBSD", "uname -m,mips", "uname -p,mips",
            "uname -n,tl-wdr3600", "hostname,tl-wdr3600", "uname -sr,FreeBSD 11.0-CURRENT"})
    void unameAndHostnamePrintTheProfilesFacts(String command, String expected) throws Exception {
        Result r = sh.run(command);

        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(expected + "\n");
    }

    @Test
    void unameAllPrintsSysnameNodeReleaseVersionMachine() throws Exception {
        assertThat(sh.run("uname -a").out()).startsWith("FreeBSD tl-wdr3600 11.0-CURRENT FreeBSD 11.0-CURRENT #0 r295681:")
                .endsWith("/TL-WDR4300 mips\n");
    }

    @Test
    void unknownOptionGetsFreeBsdsGetoptMessageAndUsage() throws Exception {
        Result r = sh.run("uname -x");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("uname: illegal option -- x\nusage: uname [-aiKmnoprsUv]\n");
    }

    // ---- sysctl

    @Test
    void sysctlPrintsNameValueLinesAsTheReference() throws Exception {
        Result r = sh.run("sysctl hw.physmem hw.usermem hw.pagesize vm.stats.vm.v_free_count");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("""
        hw.physmem: 134217728
        hw.usermem: 109051904
        hw.pagesize: 4096
        vm.stats.vm.v_free_count: 18934
        """);
    }

    @Test
    void sysctlDashNPrintsValuesOnly() throws Exception {
        assertThat(sh.run("sysctl -n hw.physmem hw.pagesize kern.osrelease kern.osreldate hw.model hw.machine kern.ostype").out())
                .isEqualTo("134217728\n4096\n11.0-CURRENT\n1100097\nAtheros AR9344 rev 2\nmips\nFreeBSD\n");
    }

    @Test
    void sysctlRefusesAnUnknownOid() throws Exception {
        Result r = sh.run("sysctl -n no.such.oid");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("sysctl: unknown oid 'no.such.oid'\n");
    }

    @Test
    void conftxtHasTheReferencesDiskAndMapLines() throws Exception {
        Result r = sh.run("sysctl -n kern.geom.conftxt");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("""
        0 DISK flash/spi0 8388608 512 hd 0 sc 0
        1 MAP map/ART 65536 512 i 6 o 8323072 entry 0 dsize 65536
        1 MAP map/mib0 65536 512 i 5 o 8257536 entry 0 dsize 65536
        1 MAP map/cfg 65536 512 i 4 o 8192000 entry 0 dsize 65536
        1 MAP map/rootfs 6815744 512 i 3 o 1376256 entry 0 dsize 6815744
        2 UNCOMPRESS map/rootfs.uncompress 16777216 512
        1 MAP map/kernel 1245184 512 i 2 o 131072 entry 0 dsize 1245184
        1 MAP map/u-boot 131072 512 i 0 o 0 entry 0 dsize 131072
        """);
        assertThat(r.out()).contains("0 MD md0 2097152 512 u 0 s 512 f 0 fs 0 l 2097152 t malloc\n");
    }

    @Test
    void confxmlCarriesEveryProvidersNameAndStripesize() throws Exception {
        Result r = sh.run("sysctl -n kern.geom.confxml");

        assertThat(r.out()).startsWith("<mesh>\n").contains("</mesh>\n");
        assertThat(r.out()).contains("<name>map/kernel</name>\n        <mediasize>1245184</mediasize>\n"
                + "        <sectorsize>512</sectorsize>\n        <stripesize>65536</stripesize>\n        <stripeoffset>0</stripeoffset>");
        assertThat(r.out()).contains("<name>flash/spi0</name>", "<name>map/rootfs.uncompress</name>");
    }

    @Test
    void freeCountFallsByTheMemoryDiskAndComesBack() throws Exception {
        Result r = sh.run("mdconfig -a -t swap -s 13443k; sysctl -n vm.stats.vm.v_free_count; "
                + "mdconfig -d -u md2; sysctl -n vm.stats.vm.v_free_count");

        assertThat(r.out()).isEqualTo("md2\n" + (18934 - 3361) + "\n18934\n");
    }

    @Test
    void debugflagsCanBeSetLikeFreeBsd() throws Exception {
        assertThat(sh.run("sysctl kern.geom.debugflags=16; sysctl -n kern.geom.debugflags").out())
                .isEqualTo("kern.geom.debugflags: 0 -> 16\n16\n");
        assertThat(sh.run("sysctl hw.physmem=1").err()).isEqualTo("sysctl: oid 'hw.physmem' is read only\n");
    }

    // ---- geom

    @Test
    void geomMapListPrintsProvidersWithReversedConfigLines() throws Exception {
        Result r = sh.run("geom map list");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("""
        Geom name: flash/spi0
        Providers:
        1. Name: map/u-boot
           Mediasize: 131072 (128K)
           Sectorsize: 512
           Stripesize: 65536
           Stripeoffset: 0
           Mode: r0w0e0
           dsize: 131072
           entry: 0
           secoffset: 0
           offset: 0
           seclength: 256
           length: 131072
           index: 0
        2. Name: map/kernel
           Mediasize: 1245184 (1.2M)
           Sectorsize: 512
           Stripesize: 65536
           Stripeoffset: 0
           Mode: r0w0e0
           dsize: 1245184
           entry: 0
           secoffset: 256
           offset: 131072
           seclength: 2432
           length: 1245184
           index: 2
        3. Name: map/rootfs
           Mediasize: 6815744 (6.5M)
           Sectorsize: 512
           Stripesize: 65536
           Stripeoffset: 0
           Mode: r1w0e1
           dsize: 6815744
           entry: 0
           secoffset: 2688
           offset: 1376256
           seclength: 13312
           length: 6815744
           index: 3
        """);
        assertThat(r.out()).endsWith("""
        Consumers:
        1. Name: flash/spi0
           Mediasize: 8388608 (8.0M)
           Sectorsize: 512
           Stripesize: 65536
           Stripeoffset: 0
           Mode: r1w0e2

        """);
    }

    @Test
    void geomMapStatusUsesFreeBsdsColumnWidths() throws Exception {
        assertThat(sh.run("geom map status").out()).isEqualTo("""
              Name  Status  Components
        map/u-boot     N/A  flash/spi0
        map/kernel     N/A  flash/spi0
        map/rootfs     N/A  flash/spi0
           map/cfg     N/A  flash/spi0
          map/mib0     N/A  flash/spi0
           map/ART     N/A  flash/spi0
        """);
        assertThat(sh.run("geom map status -s").out()).startsWith("map/u-boot  N/A  flash/spi0\nmap/kernel  N/A  flash/spi0\n")
                .contains("\nmap/cfg  N/A  flash/spi0\n");
    }

    @Test
    void geomRefusesAClassTheKernelLacks() throws Exception {
        Result r = sh.run("geom part list");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("geom: Class 'part' not found.\n");
    }

    // ---- kenv

    @Test
    void kenvShowsTheRootAndTheMapHints() throws Exception {
        assertThat(sh.run("kenv -q vfs.root.mountfrom").out()).isEqualTo("ufs:map/rootfs.uncompress\n");
        assertThat(sh.run("kenv -h").out()).contains("hint.map.2.name=\"kernel\"\n", "hint.map.2.readonly=\"0\"\n",
                "hint.map.0.readonly=\"1\"\n", "hint.map.2.end=\"search:0x00020000:0x10000:.!/bin/sh\"\n",
                "hint.map.2.at=\"flash/spi0\"\n", "hint.gpioled.3.name=\"SYSTEM\"\n").doesNotContain("vfs.root");
        assertThat(sh.run("kenv").out()).contains("vfs.root.mountfrom=\"ufs:map/rootfs.uncompress\"\n");
        assertThat(sh.run("kenv -N").out()).contains("\nvfs.root.mountfrom\n");
    }

    @Test
    void kenvSetPrintsTheAssignmentAndIsKept() throws Exception {
        Result set = sh.run("kenv vfs.root.mountfrom=ufs:/dev/md2");

        assertThat(set.out()).isEqualTo("vfs.root.mountfrom=\"ufs:/dev/md2\"\n");
        assertThat(sh.run("kenv -v vfs.root.mountfrom").out()).isEqualTo("vfs.root.mountfrom=\"ufs:/dev/md2\"\n");
        assertThat(sandbox.kenv()).containsEntry("vfs.root.mountfrom", "ufs:/dev/md2");
    }

    @Test
    void kenvMissingVariableFailsLoudlyOrQuietly() throws Exception {
        Result loud = sh.run("kenv nosuchvar");
        Result quiet = sh.run("kenv -q nosuchvar");

        assertThat(loud.exit()).isEqualTo(1);
        assertThat(loud.err()).isEqualTo("kenv: unable to get nosuchvar\n");
        assertThat(quiet.exit()).isEqualTo(1);
        assertThat(quiet.out() + quiet.err()).isEmpty();
    }

    @Test
    void kenvUnsetRemovesAndComplainsTheSecondTime() throws Exception {
        Result r = sh.run("kenv init_script=/etc/rc.x >/dev/null; kenv -u init_script; kenv -u init_script");

        assertThat(r.err()).isEqualTo("kenv: unable to unset init_script\n");
        assertThat(sandbox.kenv()).doesNotContainKey("init_script");
    }

    // ---- mdconfig, newfs, mount

    @Test
    void mdconfigListsPreallocatedDisksAndTakesTheLowestFreeUnit() throws Exception {
        assertThat(sh.run("mdconfig -l").out()).isEqualTo("md0 md1\n");
        assertThat(sh.run("mdconfig -a -t swap -s 13443k").out()).isEqualTo("md2\n");
        assertThat(sh.run("mdconfig -a -t malloc -o reserve -s 1m -n").out()).isEqualTo("3\n");
        assertThat(sh.run("mdconfig -l").out()).isEqualTo("md0 md1 md2 md3\n");
        assertThat(sh.run("mdconfig -d -u 2; mdconfig -a -t swap -s 64k").out()).isEqualTo("md2\n");
    }

    @Test
    void mdconfigRefusesMoreThanFreeRam() throws Exception {
        Result r = sh.run("mdconfig -a -t swap -s 100m");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("mdconfig: ioctl(/dev/mdctl): Cannot allocate memory\n");
        assertThat(sh.run("mdconfig -l").out()).isEqualTo("md0 md1\n");
    }

    @Test
    void newfsPrintsTheReferencesDerivedOutput() throws Exception {
        Result r = sh.run("mdconfig -a -t swap -s 13443k >/dev/null && newfs -m 0 -o space /dev/md2");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("""
        /dev/md2: 13.1MB (26886 sectors) block size 32768, fragment size 4096
        \tusing 4 cylinder groups of 3.31MB, 106 blks, 448 inodes.
        super-block backups (for fsck_ffs -b #) at:
         192, 6976, 13760, 20544
        """);
    }

    @Test
    void mountedMemoryDiskKeepsItsFilesAcrossUmountAndMount() throws Exception {
        Result r = sh.run("md=$(mdconfig -a -t swap -s 2m) && newfs /dev/$md >/dev/null && "
                + "mount /dev/$md \"$FF_ROOT/mnt\" && echo data > \"$FF_ROOT/mnt/f\" && mount | tail -n 1 && "
                + "umount \"$FF_ROOT/mnt\" && ls \"$FF_ROOT/mnt\" | wc -l && mount -o ro /dev/$md \"$FF_ROOT/mnt\" && "
                + "cat \"$FF_ROOT/mnt/f\" && mount | tail -n 1 && umount \"$FF_ROOT/mnt\"");

        assertThat(r.err()).isEmpty();
        assertThat(r.out().replace(" ", "")).isEqualTo("/dev/md2on/mnt(ufs,local)\n0\ndata\n/dev/md2on/mnt(ufs,local,read-only)\n");
        assertThat(sandbox.root().resolve("mnt")).isDirectory().isEmptyDirectory();
    }

    @Test
    void mountListIsInFreeBsdFormat() throws Exception {
        assertThat(sh.run("mount").out()).isEqualTo("""
        /dev/map/rootfs.uncompress on / (ufs, local, read-only)
        devfs on /dev (devfs, local, multilabel)
        /dev/md0 on /etc (ufs, local)
        /dev/md1 on /var (ufs, local)
        """);
    }

    @Test
    void tmpfsTestMountWorksOnAKernelWithTmpfs() throws Exception {
        Result r = sh.run("mkdir -p \"$FF_ROOT/tmp/.t\" && mount -t tmpfs tmpfs \"$FF_ROOT/tmp/.t\" && umount \"$FF_ROOT/tmp/.t\"");

        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
    }

    @Test
    void busyMemoryDiskCannotBeDetached() throws Exception {
        Result r = sh.run("mdconfig -a -t swap -s 1m >/dev/null; newfs md2 >/dev/null; mount /dev/md2 /mnt; mdconfig -d -u md2");

        assertThat(r.err()).isEqualTo("mdconfig: ioctl(/dev/mdctl): Device busy\n");
    }

    // ---- dd on plain files

    @Test
    void ddPrintsFreeBsdsSummaryOnStderr() throws Exception {
        Result r = sh.run("dd if=/dev/zero of=\"$FF_ROOT/tmp/z\" bs=65536 count=19");

        assertThat(r.exit()).isZero();
        assertThat(r.err()).matches("19\\+0 records in\n19\\+0 records out\n"
                + "1245184 bytes transferred in [0-9]+\\.[0-9]{6} secs \\([0-9]+ bytes/sec\\)\n");
    }

    @Test
    void ddSyncPadsTheShortLastBlock() throws Exception {
        Result r = sh.run("dd if=/dev/zero of=\"$FF_ROOT/tmp/src\" bs=1000 count=1000 2>/dev/null; "
                + "dd if=\"$FF_ROOT/tmp/src\" of=\"$FF_ROOT/tmp/dst\" bs=65536 conv=sync; wc -c < \"$FF_ROOT/tmp/dst\"");

        assertThat(r.err()).startsWith("15+1 records in\n16+0 records out\n1048576 bytes transferred in ");
        assertThat(r.out().strip()).isEqualTo("1048576");
    }

    @Test
    void ddRejectsAnUnknownOperand() throws Exception {
        Result r = sh.run("dd foo=bar");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("dd: unknown operand foo\n");
    }

    // ---- fetch, sha256, reboot, init

    @Test
    void fetchParsesItsOptionsAndReportsUsage() throws Exception {
        Result bad = sh.run("fetch -Z ftp://127.0.0.1/x");
        Result timeout = sh.run("fetch -T abc -o /tmp/x ftp://127.0.0.1/x");
        Result scheme = sh.run("fetch -s gopher://127.0.0.1/x");

        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).startsWith("fetch: illegal option -- Z\nusage: fetch [-146AadFlMmnPpqRrsUv]");
        assertThat(timeout.err()).isEqualTo("fetch: invalid timeout (abc)\n");
        assertThat(scheme.err()).isEqualTo("fetch: gopher://127.0.0.1/x: Invalid URL\n");
    }

    @Test
    void fetchReportsARefusedConnectionLikeLibfetch() throws Exception {
        // port 9 on loopback: nothing listens there in a test environment
        Result r = sh.run("fetch -q -T 5 -o \"$FF_ROOT/tmp/x\" ftp://u@127.0.0.1:9/x");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("fetch: ftp://u@127.0.0.1:9/x: Connection refused\n");
    }

    @Test
    void fetchReportsAServerThatCannotOpenADataConnectionLikeLibfetch() throws Exception {
        // an FTP server whose passive ports are all taken: it logs the client in, then answers 425 to EPSV and PASV
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            server.setSoTimeout(30_000);
            java.util.concurrent.CompletableFuture<Void> dialogue = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try (java.net.Socket c = server.accept(); var in = new java.io.BufferedReader(new java.io.InputStreamReader(
                        c.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII)); var out = c.getOutputStream()) {
                    c.setSoTimeout(30_000);
                    out.write("220 ready\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        String reply = switch (line.split(" ")[0].toUpperCase(java.util.Locale.ROOT)) {
                            case "USER" -> "331 Password";
                            case "PASS" -> "230 Logged in";
                            case "PWD" -> "257 \"/\"";
                            case "TYPE", "CWD" -> "200 OK";
                            case "SIZE" -> "213 100";
                            case "EPSV", "PASV" -> "425 Cannot open passive connection.";
                            default -> "502 Not implemented";
                        };
                        out.write((reply + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            String url = "ftp://u:p@127.0.0.1:" + server.getLocalPort() + "/x";
            Result r = sh.run("fetch -q -T 5 -o \"$FF_ROOT/tmp/x\" " + url);

            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).isEqualTo("fetch: " + url + ": Can't open data connection\n");
            dialogue.get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void fetchDownloadsFromALoopbackServerWithFreeBsdsNonTtyProgressLine() throws Exception {
        byte[] image = new byte[7_919_104];
        new java.util.Random(1).nextBytes(image);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/newimage", ex -> {
            if (ex.getRequestMethod().equals("HEAD")) {
                ex.getResponseHeaders().set("Content-Length", Integer.toString(image.length));
                ex.sendResponseHeaders(200, -1);
                ex.close();
                return;
            }
            ex.sendResponseHeaders(200, image.length);
            try (var body = ex.getResponseBody()) {
                body.write(image);
            }
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort();
            Result size = sh.run("fetch -s " + url + "/newimage");
            Result get = sh.run("fetch -o \"$FF_ROOT/tmp/newimage\" " + url + "/newimage");
            Result missing = sh.run("fetch -o \"$FF_ROOT/tmp/x\" " + url + "/nope");

            assertThat(size.out()).isEqualTo("7919104\n");
            assertThat(get.exit()).isZero();
            assertThat(get.err()).matches(Pattern.quote(String.format("%-46s", "/tmp/newimage") + "        7733 kB ")
                    + "[ 0-9]{4} [ kMG]Bps    [0-9]{2}s\n");
            assertThat(Files.readAllBytes(sandbox.root().resolve("tmp/newimage"))).isEqualTo(image);
            assertThat(missing.exit()).isEqualTo(1);
            assertThat(missing.err()).isEqualTo("fetch: " + url + "/nope: Not Found\n");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void sha256PrintsBsdAndQuietForms() throws Exception {
        Result r = sh.run("printf abc > \"$FF_ROOT/tmp/abc\"; sha256 \"$FF_ROOT/tmp/abc\"; sha256 -q /tmp/abc; md5 -q /tmp/abc");

        String sha = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assertThat(r.out()).isEqualTo("SHA256 (/tmp/abc) = " + sha + "\n" + sha + "\n"
                + "900150983cd24fb0d6963f7d28e17f72\n");
    }

    @Test
    void rerootReturnsAtOnceAndLeavesTheRequestForTheKernel() throws Exception {
        Result r = sh.run("reboot -r; echo rc=$?");

        assertThat(r.out()).isEqualTo("rc=0\n");
        assertThat(Files.readString(sandbox.simDir().resolve("reroot.request"))).startsWith("root ");
        assertThat(Files.readString(sandbox.simDir().resolve("reboot.log"))).contains("reboot -r");
    }

    @Test
    void rebootRefusesUnknownOptionsLikeFreeBsd() throws Exception {
        Result r = sh.run("reboot -x");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("reboot: illegal option -- x\nusage: reboot [-dlNnpqr] [-k kernel]\n");
        assertThat(sandbox.simDir().resolve("reboot.request")).doesNotExist();
    }

    @Test
    void theRequiredBinariesAreAtTheirFreeBsdPaths() throws Exception {
        Result r = sh.run("for b in /sbin/init /sbin/reboot /sbin/mdconfig /sbin/newfs /sbin/mount /sbin/umount /bin/sh "
                + "/bin/dd /bin/kenv /usr/bin/cmp /usr/bin/nc /usr/bin/logger /sbin/sha256 /sbin/geom /usr/bin/fetch /sbin/sysctl; "
                + "do [ -x \"$FF_ROOT$b\" ] || echo missing $b; done");

        assertThat(r.out()).isEmpty();
    }

    // ---- logger

    @Test
    void loggerSendsAnRfc3164DatagramToTheHostAndPortGiven() throws Exception {
        try (java.net.DatagramSocket laptop = new java.net.DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            laptop.setSoTimeout(10_000);

            Result r = sh.run("logger -h 127.0.0.1 -P " + laptop.getLocalPort() + " -p local3.err -t ffflash 'FFT1 a b=c'");

            assertThat(r.exit()).as(r.err()).isZero();
            java.net.DatagramPacket p = new java.net.DatagramPacket(new byte[2048], 2048);
            laptop.receive(p);
            String datagram = new String(p.getData(), 0, p.getLength(), java.nio.charset.StandardCharsets.US_ASCII);
            // local3 (19) * 8 + err (3); the timestamp and hostname of RFC 3164
            assertThat(datagram).matches("<155>[A-Z][a-z]{2} [ 1-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-6][0-9] tl-wdr3600 ffflash: FFT1 a b=c");
        }
    }
}

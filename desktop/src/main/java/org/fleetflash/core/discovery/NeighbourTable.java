package org.fleetflash.core.discovery;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads this computer's neighbour (ARP) table without sending anything: {@code /proc/net/arp} on Linux (a file
 * read), otherwise the system's own listing tool ({@code ip neigh show}, {@code arp -a -n}, Windows
 * {@code arp -a}), each under a deadline and an output cap.
 */
public final class NeighbourTable {

    /** Created on first use only (see {@link ScanJob}): reading {@code /proc/net/arp} logs nothing. */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(NeighbourTable.class);
    }

    static final int MAX_OUTPUT = 4 * 1024 * 1024;
    private static final Path PROC_NET_ARP = Path.of("/proc/net/arp");

    private NeighbourTable() {
    }

    /** The local table, read the way this operating system allows. */
    public static List<Neighbour> readLocal(Duration deadline) throws IOException {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("linux")) {
            if (Files.isReadable(PROC_NET_ARP)) {
                return NeighbourTableFormat.PROC_NET_ARP.parse(readCapped(PROC_NET_ARP));
            }
            return NeighbourTableFormat.IP_NEIGH.parse(run(List.of("ip", "neigh", "show"), deadline));
        }
        if (os.contains("windows")) {
            return NeighbourTableFormat.WINDOWS_ARP.parse(run(List.of("arp", "-a"), deadline));
        }
        // macOS and the BSDs: -n keeps arp from looking names up (which would send DNS queries).
        return NeighbourTableFormat.BSD_ARP.parse(run(List.of("arp", "-a", "-n"), deadline));
    }

    static String readCapped(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(MAX_OUTPUT), StandardCharsets.UTF_8);
        }
    }

    /** Runs a listing tool with a deadline; its output is read up to {@link #MAX_OUTPUT}. */
    static String run(List<String> command, Duration deadline) throws IOException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = p.getInputStream()) {
                byte[] b = in.readNBytes(MAX_OUTPUT);
                in.transferTo(java.io.OutputStream.nullOutputStream());
                return b;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try {
            if (!p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                stop(p);
                throw new IOException("'" + String.join(" ", command) + "' did not finish within " + deadline.toMillis() + " ms");
            }
            byte[] b = out.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
            if (p.exitValue() != 0) {
                Log.LOG.debug("'{}' exited with {}", String.join(" ", command), p.exitValue());
            }
            return new String(b, StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            stop(p);
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while reading the neighbour table", e);
        } catch (ExecutionException | TimeoutException e) {
            stop(p);
            throw new IOException("Cannot read the output of '" + String.join(" ", command) + "': " + e.getMessage(), e);
        }
    }

    /** Kills the tool and anything it started, so no pipe stays open behind it. */
    private static void stop(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }
}

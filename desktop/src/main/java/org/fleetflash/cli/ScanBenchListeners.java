package org.fleetflash.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.fleetflash.core.discovery.AddressRange;
import org.fleetflash.core.discovery.Ipv4Address;

/**
 * Benchmark helper, not part of the product's commands: listens on N scattered loopback addresses of a block,
 * greets each connection with a FreeBSD SSH identification line, prints {@code listening ADDR:PORT} per
 * listener then {@code ready}, and stops when its standard input closes (or after 30 minutes).
 *
 * <p>{@code java -cp fleetflash.jar org.fleetflash.cli.ScanBenchListeners 127.0.0.0/16 20 22022 [seed]}
 */
public final class ScanBenchListeners {

    private static final byte[] GREETING = "SSH-2.0-OpenSSH_7.2 FreeBSD-20160310\r\n".getBytes(StandardCharsets.US_ASCII);

    private ScanBenchListeners() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: ScanBenchListeners 127.x.y.z/NN COUNT PORT [SEED]");
            System.exit(2);
        }
        AddressRange range = AddressRange.parse(args[0]);
        int count = Integer.parseInt(args[1]);
        int port = Integer.parseInt(args[2]);
        long seed = args.length > 3 ? Long.parseLong(args[3]) : 42;
        if (!range.first().isLoopback() || !range.last().isLoopback()) {
            System.err.println("Listeners bind to 127.0.0.0/8 only, not " + args[0]);
            System.exit(2);
        }
        long hosts = range.size() - 2;
        if (count < 1 || count > 1000 || count > hosts) {
            System.err.println("COUNT must be 1-1000 and fit in the block");
            System.exit(2);
        }
        Random random = new Random(seed);
        TreeSet<Ipv4Address> chosen = new TreeSet<>();
        for (int guard = 0; chosen.size() < count && guard < 1_000_000; guard++) {
            long offset = 1 + (long) (random.nextDouble() * hosts);
            chosen.add(Ipv4Address.ofUnsigned(range.first().unsigned() + offset));
        }
        List<ServerSocket> servers = new ArrayList<>();
        for (Ipv4Address a : chosen) {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(a.toInetAddress(), port), 128);
            servers.add(s);
            Thread t = new Thread(() -> serve(s), "bench-listener-" + a);
            t.setDaemon(true);
            t.start();
            System.out.println("listening " + a + ":" + port);
        }
        System.out.println("ready");
        System.out.flush();
        long stopAt = System.nanoTime() + 30L * 60 * 1_000_000_000L;
        Thread stdin = new Thread(() -> {
            try {
                System.in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException ignored) {
                // stdin gone: stop
            }
        }, "bench-stdin");
        stdin.setDaemon(true);
        stdin.start();
        while (stdin.isAlive() && System.nanoTime() < stopAt) {
            stdin.join(1000);
        }
        for (ServerSocket s : servers) {
            s.close();
        }
    }

    private static void serve(ServerSocket server) {
        while (!server.isClosed()) {
            try (Socket c = server.accept()) {
                c.setSoTimeout(2000);
                try {
                    c.getOutputStream().write(GREETING);
                    c.getOutputStream().flush();
                    InputStream in = c.getInputStream();
                    in.read();
                } catch (IOException peerGone) {
                    // the scanner closed first: fine
                }
            } catch (IOException closed) {
                return;
            }
        }
    }
}

package org.fleetflash.core.discovery;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny TCP server on a loopback address for scan tests: on every connection it writes one fixed line (a
 * dropbear or Debian banner, a non-SSH greeting) or nothing at all, then keeps the connection open until
 * the client leaves or the server closes.
 */
final class LineServer implements AutoCloseable {

    private final ServerSocket server;
    private final byte[] greeting;
    private final List<Socket> clients = new CopyOnWriteArrayList<>();
    final AtomicInteger accepted = new AtomicInteger();

    private LineServer(ServerSocket server, String greeting) {
        this.server = server;
        this.greeting = greeting == null ? new byte[0] : greeting.getBytes(StandardCharsets.ISO_8859_1);
        Thread t = new Thread(this::acceptLoop, "line-server-" + server.getLocalSocketAddress());
        t.setDaemon(true);
        t.start();
    }

    /** Listens on address:port (port 0 = any); greeting null = a listener that accepts and never speaks. */
    static LineServer start(String address, int port, String greeting) throws IOException {
        if (!address.startsWith("127.")) {
            throw new IllegalArgumentException("Tests listen on 127.0.0.0/8 only");
        }
        ServerSocket s = new ServerSocket();
        try {
            s.bind(new InetSocketAddress(InetAddress.getByName(address), port), 50);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return new LineServer(s, greeting);
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket c = server.accept();
                accepted.incrementAndGet();
                clients.add(c);
                if (greeting.length > 0) {
                    c.getOutputStream().write(greeting);
                    c.getOutputStream().flush();
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket c : clients) {
            c.close();
        }
    }
}

package org.fleetflash.server.ftp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A raw FTP control connection for commands no ordinary client sends (CWD ../.., RETR /etc/passwd). */
final class FtpDialogue implements AutoCloseable {
    /** One FTP reply: the code and the last line. */
    record Reply(int code, String text) {
    }

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    FtpDialogue(String host, int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), 5_000);
        socket.setSoTimeout(10_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
        Reply greeting = reply();
        if (greeting.code() != 220) {
            throw new IOException("Unexpected greeting " + greeting);
        }
    }

    /** Sends one command and reads its reply; code -1 if the server closed the connection. */
    Reply send(String command) throws IOException {
        out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return reply();
    }

    Reply login(String user, String password) throws IOException {
        Reply reply = send("USER " + user);
        return reply.code() == 331 ? send("PASS " + password) : reply;
    }

    private Reply reply() throws IOException {
        String line = in.readLine();
        if (line == null) {
            return new Reply(-1, "connection closed");
        }
        if (line.length() >= 4 && line.charAt(3) == '-') {
            String end = line.substring(0, 3) + " ";
            while (line != null && !line.startsWith(end)) {
                line = in.readLine();
            }
            if (line == null) {
                return new Reply(-1, "connection closed");
            }
        }
        return new Reply(Integer.parseInt(line.substring(0, 3)), line);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

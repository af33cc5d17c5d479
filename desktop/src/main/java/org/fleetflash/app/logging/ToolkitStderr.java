package org.fleetflash.app.logging;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * Keeps JavaFX's own stack traces off the technician's terminal. JavaFX prints some failures straight to
 * {@code System.err} from its own threads (for one: when the JVM is stopped by Ctrl+C or a signal while a frame is being
 * drawn, its shut-down hook stops the renderer under the FX thread, which then prints a RejectedExecutionException).
 * Once installed, what JavaFX's threads write to {@code System.err} goes to the log file, line by line; what any other
 * thread writes (FleetFlash's own one-line messages) still reaches the terminal unchanged.
 */
public final class ToolkitStderr extends OutputStream {

    /** The longest line kept; the rest of a longer one is dropped (a runaway print must not fill the memory). */
    private static final int MAX_LINE = 4096;

    private static volatile PrintStream terminalStream;

    private final OutputStream terminal;
    private final Charset charset;
    private final Predicate<Thread> toolkitThread;
    private final java.util.function.Consumer<String> log;
    private final ThreadLocal<ByteArrayOutputStream> line = ThreadLocal.withInitial(ByteArrayOutputStream::new);

    ToolkitStderr(OutputStream terminal, Charset charset, Predicate<Thread> toolkitThread, java.util.function.Consumer<String> log) {
        this.terminal = terminal;
        this.charset = charset;
        this.toolkitThread = toolkitThread;
        this.log = log;
    }

    /**
     * Routes {@code System.err} as described above, once per process; call before JavaFX starts. The original stream
     * stays where FleetFlash's own messages go.
     */
    public static synchronized void install() {
        if (terminalStream != null) {
            return;
        }
        terminalStream = System.err;
        // the encoding the JVM gave System.err (Java 17: the console's, else the default one), kept for the terminal
        String encoding = System.getProperty("sun.stderr.encoding");
        Charset charset = encoding != null && Charset.isSupported(encoding) ? Charset.forName(encoding) : Charset.defaultCharset();
        System.setErr(new PrintStream(new ToolkitStderr(System.err, charset, ToolkitStderr::isJavaFxThread, ToolkitStderr::log),
                true, charset));
    }

    /** The terminal's standard error: {@code System.err} as it was before {@link #install}, or as it is. */
    public static PrintStream terminal() {
        PrintStream t = terminalStream;
        return t != null ? t : System.err;
    }

    private static void log(String line) {
        // looked up at the first line, not at install: SLF4J starts once, where Main starts it
        LoggerFactory.getLogger("javafx.stderr").warn("{}", line);
    }

    /**
     * JavaFX's threads: the FX application thread, the renderer, its shut-down hook and its helpers. Their names are
     * JavaFX's; FleetFlash names none of its own threads like them.
     */
    static boolean isJavaFxThread(Thread t) {
        String name = t.getName();
        return name.equals("JavaFX Application Thread") || name.startsWith("QuantumRenderer") || name.startsWith("Glass/Prism")
                || name.startsWith("Prism ") || name.startsWith("JavaFX-") || name.equals("InvokeLaterDispatcher")
                || name.equals("Disposer") || name.startsWith("Monocle");
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        if (!toolkitThread.test(Thread.currentThread())) {
            try {
                terminal.write(b, off, len);
            } catch (java.io.IOException e) {
                // a terminal that is gone: nothing else to tell it
            }
            return;
        }
        ByteArrayOutputStream pending = line.get();
        for (int i = off; i < off + len; i++) {
            if (b[i] == '\n') {
                emit(pending);
            } else if (pending.size() < MAX_LINE) {
                pending.write(b[i]);
            }
        }
    }

    private void emit(ByteArrayOutputStream pending) {
        String text = pending.toString(charset).stripTrailing();
        pending.reset();
        if (!text.isEmpty()) {
            log.accept(text);
        }
    }

    @Override
    public void flush() {
        if (!toolkitThread.test(Thread.currentThread())) {
            try {
                terminal.flush();
            } catch (java.io.IOException e) {
                // as in write
            }
        }
    }
}
